// A folder of class subfolders -> the preprocessed cache, through the worker pool (built .js workers).
import { discoverScans } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { ingest, loadCache } from '@ct3d/pipeline';
import { lastValueFrom } from 'rxjs';

const [data, cache] = process.argv.slice(2);
await writeSyntheticDataset(data, { perClass: 3, size: 64, slices: [16, 20], seed: 2 });
const { scans } = await discoverScans(data);
const done = await lastValueFrom(ingest({ scans, cacheDir: cache, size: [48, 48, 48], workers: 2 }));
const manifest = await loadCache(cache);
console.log(
  JSON.stringify({
    scans: scans.length,
    ingested: done.ingested,
    failed: done.failed,
    entries: manifest.entries.length,
  }),
);
