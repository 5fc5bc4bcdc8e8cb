// The training page worker's runs: this tab's run folder (found again after a reload by the id the page keeps
// in sessionStorage), a new run's folder (the tab's previous run deleted), Resume of a closed tab's run, and
// the list of closed tabs' unfinished runs (finished ones deleted). The files themselves: run-folders.ts.
import { describeError } from '@ct3d/pipeline/browser';
import { errorText } from '../error-text.js';
import { MemoryRunFolder } from './memory-run-folder.js';
import type { FromTrainWorker } from './protocol.js';
import { createRun, deleteRun, openRun, type RunFolder, runsFolder, sweepRuns } from './run-folders.js';

/** How long a reloaded tab waits for its old page to let go of the run's lock. */
const RELOAD_LOCK_WAIT_MS = 3000;

export class TabRuns {
  /** The runs' folder in the page's private files; null where the browser refuses them (runs in memory). */
  private runs: FileSystemDirectoryHandle | null = null;
  /** This tab's run, until the next run starts or it is discarded. */
  private folder: RunFolder | null = null;
  /** init's work: a Train, Resume or Discard pressed at once waits for it (else it would find no folder). */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly post: (message: FromTrainWorker) => void) {}

  /** Finds this tab's run again after a reload (`runId` from sessionStorage) and lists closed tabs' runs. */
  init(runId: string | null): Promise<void> {
    this.ready = this.open(runId);
    return this.ready;
  }

  private async open(runId: string | null): Promise<void> {
    try {
      this.runs = await runsFolder();
    } catch (err) {
      this.post({ type: 'store-refused', message: describeError(err) });
      return;
    }
    try {
      const run = runId ? await openRun(this.runs, runId, RELOAD_LOCK_WAIT_MS) : null;
      // Still held after the wait: another tab uses it (this one is its duplicate, sessionStorage copied).
      if (runId && run === 'locked') this.post({ type: 'run-elsewhere', runId });
      if (run && run !== 'locked') {
        this.folder = run;
        if (!(await this.offer(run))) {
          this.folder = null;
          await run.remove(); // nothing to resume: the run ended, or it was stopped while preprocessing
        }
      }
    } catch (err) {
      // Unreadable kept files (e.g. a plan of another version): said in one line; the sweep deletes them.
      this.folder = null;
      this.post({ type: 'failed', message: `${errorText(err)} (this tab's run cannot be resumed)` });
    }
    await this.listLeftovers();
  }

  /** Offers `run` to Resume; false when it has nothing to resume. */
  async offer(run: RunFolder): Promise<boolean> {
    const plan = await run.readPlan().catch(() => null);
    if (!plan || (await run.isFinished())) return false;
    const { where, settings } = plan;
    const epoch = await run.keptEpoch();
    const { runId, persistent } = run;
    this.post({ type: 'resumable', runId, where, epoch, epochs: settings.epochs, settings, persistent });
    return true;
  }

  /** Deletes finished runs no tab holds and lists closed tabs' unfinished ones. */
  async listLeftovers(): Promise<void> {
    if (this.runs)
      this.post({ type: 'leftovers', runs: await sweepRuns(this.runs, this.folder?.runId ?? null) });
  }

  /** A new run's folder: this tab's previous run is deleted (finished runs of closed tabs too). */
  async newRun(): Promise<RunFolder> {
    await this.ready.catch(() => undefined);
    await this.folder?.remove();
    this.folder = null;
    if (this.runs) {
      try {
        this.folder = await createRun(this.runs);
      } catch (err) {
        this.post({ type: 'store-refused', message: describeError(err) });
      }
    }
    // No crypto.randomUUID outside a secure context: a memory run's id need only differ from the last one's.
    const run = this.folder ?? new MemoryRunFolder(`memory-${Date.now()}`);
    this.folder = run;
    this.post({ type: 'run', runId: run.runId, persistent: run.persistent });
    await this.listLeftovers();
    return run;
  }

  /** Run `runId` as this tab's: its own, or a closed tab's (this tab's unfinished run is then kept, listed). */
  async adopt(runId: string): Promise<RunFolder> {
    await this.ready.catch(() => undefined);
    if (this.folder?.runId === runId) return this.folder;
    const run = this.runs ? await openRun(this.runs, runId) : null;
    if (run === 'locked') throw new Error(`${runId}: this run is in use by another tab`);
    if (!run) throw new Error(`${runId}: this run's files are gone`);
    this.folder?.close();
    this.folder = run;
    this.post({ type: 'run', runId, persistent: run.persistent });
    await this.listLeftovers(); // no longer a closed tab's
    return run;
  }

  /** Deletes run `runId`'s kept files (this tab's, or a closed tab's). */
  async discard(runId: string): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.folder?.runId === runId) {
      await this.folder.remove();
      this.folder = null;
    } else if (this.runs) await deleteRun(this.runs, runId);
    this.post({ type: 'discarded', runId });
    await this.listLeftovers();
  }
}
