/** An error's message for one line on the page (what a worker's failure message carries too). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
