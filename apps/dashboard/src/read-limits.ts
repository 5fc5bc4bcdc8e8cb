// The dashboard's size bounds per kind of file, for core's guarded reads (@ct3d/core/node: real path inside a
// served root, regular file, size bound).

/** Size bounds per kind of file the dashboard reads: a stray huge file is refused, not loaded. */
export const READ_LIMITS = {
  /** events.jsonl, history.json, metrics.json, manifest.json. */
  json: 64 * 1024 ** 2,
  /** A cached float32 scan (the seed's 128x128x64 is 4 MiB). */
  scan: 512 * 1024 ** 2,
  /** Page assets and run files (PNGs, CSVs) streamed as they are. */
  served: 64 * 1024 ** 2,
} as const;
