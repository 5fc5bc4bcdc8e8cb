// Where a training-page run keeps what Stop/Resume and a reload need (workers only): its own folder in the
// browser's private files, ct3d-train/<runId>/ (run-plan.ts's layout), held with a Web Lock while a tab uses
// it, so that two tabs training at once never touch each other's files; memory where the browser refuses the
// private files (memory-run-folder.ts). Every file is written through a writable
// stream, which Chromium writes aside and moves over the name on close (atomic); a checkpoint's state.json is
// written last, so a checkpoint folder without one is an interrupted write and is skipped.
import {
  checkResumeState,
  fromJson,
  type StoredCheckpoint,
  type TrainEvent,
  toJson,
  type VolumeStore,
} from '@ct3d/train/browser';
import {
  bytesOf,
  type Dir,
  entries,
  folderBytes,
  isNotFound,
  readFile,
  subfolder,
  writeFile,
} from './opfs-files.js';
import { OpfsVolumeStore } from './opfs-store.js';
import {
  checkpointFolder,
  RUN_LAYOUT as L,
  newestFirst,
  parseRunPlan,
  RUNS_FOLDER,
  type RunPlan,
} from './run-plan.js';

/** A resume checkpoint and the run's events up to it. */
export interface KeptCheckpoint {
  checkpoint: StoredCheckpoint;
  events: TrainEvent[];
}

/** A run's kept files: its volumes, plan and last checkpoint. */
export interface RunFolder {
  readonly runId: string;
  /** false: kept in this tab's memory (the browser refused its private files): a reload loses it. */
  readonly persistent: boolean;
  readonly volumes: VolumeStore;
  /** Writes the plan (the volumes' file names are the folder's). */
  writePlan(plan: Omit<RunPlan, 'volumes'>): Promise<void>;
  /** The plan, or null before preprocessing ended. */
  readPlan(): Promise<RunPlan | null>;
  /** Keeps a finished epoch's checkpoint with the events so far, then drops the older one. */
  saveCheckpoint(c: Omit<StoredCheckpoint, 'where'>, events: readonly TrainEvent[]): Promise<void>;
  /** The newest complete checkpoint, or null when no epoch has finished. */
  loadCheckpoint(): Promise<KeptCheckpoint | null>;
  /** The last finished epoch kept (0: none). */
  keptEpoch(): Promise<number>;
  markFinished(): Promise<void>;
  isFinished(): Promise<boolean>;
  /** Deletes its files and lets go of it. */
  remove(): Promise<void>;
  /** Lets go of it, its files kept (another tab may resume it). */
  close(): void;
}

/** A run in ct3d-train/<runId>/, its lock held until remove() (or the tab closes). */
class OpfsRunFolder implements RunFolder {
  readonly persistent = true;

  constructor(
    readonly runId: string,
    private readonly runs: Dir,
    private readonly dir: Dir,
    readonly volumes: OpfsVolumeStore,
    private readonly release: () => void,
  ) {}

  private get where(): string {
    return `${RUNS_FOLDER}/${this.runId}`;
  }

  writePlan(plan: Omit<RunPlan, 'volumes'>): Promise<void> {
    const volumes = this.volumes.kept();
    return writeFile(this.dir, L.plan, `${JSON.stringify({ ...plan, volumes }, null, 2)}\n`);
  }

  async readPlan(): Promise<RunPlan | null> {
    const file = await readFile(this.dir, L.plan);
    return file && parseRunPlan(await file.text(), `${this.where}/${L.plan}`);
  }

  async saveCheckpoint(c: Omit<StoredCheckpoint, 'where'>, events: readonly TrainEvent[]): Promise<void> {
    const resume = (await subfolder(this.dir, L.resume, true)) as Dir;
    const name = checkpointFolder(c.state.epoch);
    await resume.removeEntry(name, { recursive: true }).catch(() => undefined);
    const dir = (await subfolder(resume, name, true)) as Dir;
    await writeFile(dir, L.model, c.model.json);
    await writeFile(dir, L.weights, c.model.weights);
    await writeFile(dir, L.optimizer, c.optimizer);
    if (c.best) {
      await writeFile(dir, L.bestModel, c.best.json);
      await writeFile(dir, L.bestWeights, c.best.weights);
    }
    if (c.montage) await writeFile(dir, L.montage, c.montage);
    await writeFile(dir, L.events, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await writeFile(dir, L.state, toJson(c.state));
    for (const [other] of await entries(resume))
      if (other !== name) await resume.removeEntry(other, { recursive: true });
  }

  async loadCheckpoint(): Promise<KeptCheckpoint | null> {
    const resume = await subfolder(this.dir, L.resume);
    if (!resume) return null;
    for (const { name } of newestFirst((await entries(resume)).map(([n]) => n))) {
      const dir = (await subfolder(resume, name)) as Dir;
      const stateFile = await readFile(dir, L.state);
      if (!stateFile) continue; // written last: an interrupted checkpoint
      const where = `${this.where}/${L.resume}/${name}`;
      const file = `${where}/${L.state}`;
      const state = checkResumeState(fromJson(await stateFile.text(), file), file);
      const read = async (n: string) => {
        const f = await readFile(dir, n);
        if (!f) throw new Error(`${where}/${n}: missing from the checkpoint`);
        return f;
      };
      const best = state.bestPath
        ? { json: await (await read(L.bestModel)).text(), weights: await bytesOf(await read(L.bestWeights)) }
        : null;
      const checkpoint: StoredCheckpoint = {
        where,
        state,
        model: { json: await (await read(L.model)).text(), weights: await bytesOf(await read(L.weights)) },
        optimizer: await bytesOf(await read(L.optimizer)),
        best,
        montage: await readFile(dir, L.montage).then((f) => f && bytesOf(f)),
      };
      const lines = (await (await read(L.events)).text()).split('\n').filter((l) => l !== '');
      return { checkpoint, events: lines.map((l) => JSON.parse(l) as TrainEvent) };
    }
    return null;
  }

  async keptEpoch(): Promise<number> {
    const resume = await subfolder(this.dir, L.resume);
    if (!resume) return 0;
    for (const { name, epoch } of newestFirst((await entries(resume)).map(([n]) => n))) {
      const dir = await subfolder(resume, name);
      if (dir && (await readFile(dir, L.state))) return epoch;
    }
    return 0;
  }

  markFinished(): Promise<void> {
    return writeFile(this.dir, L.finished, `${JSON.stringify({ finishedAt: new Date().toISOString() })}\n`);
  }

  async isFinished(): Promise<boolean> {
    return (await readFile(this.dir, L.finished)) !== null;
  }

  async remove(): Promise<void> {
    try {
      await this.runs.removeEntry(this.runId, { recursive: true }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    } finally {
      this.release();
    }
  }

  close(): void {
    this.release();
  }
}

const lockName = (runId: string) => `${RUNS_FOLDER}/${runId}`;

/** Holds run `runId`'s Web Lock until the returned function is called; null while another tab holds it. */
function lockRun(runId: string): Promise<(() => void) | null> {
  return new Promise((resolve, reject) => {
    navigator.locks
      .request(lockName(runId), { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(null);
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(reject);
  });
}

/** The runs' folder in this origin's private files; rejects where the browser refuses them. */
export async function runsFolder(): Promise<Dir> {
  // Browsers offer it to secure contexts only (https, localhost): not a page served over http from elsewhere.
  if (!navigator.storage?.getDirectory) throw new Error('no private file system offered to this page');
  if (!navigator.locks) throw new Error('no Web Locks offered to this page');
  return (await navigator.storage.getDirectory()).getDirectoryHandle(RUNS_FOLDER, { create: true });
}

async function opened(runs: Dir, runId: string, dir: Dir, release: () => void): Promise<OpfsRunFolder> {
  try {
    const planFile = await readFile(dir, L.plan);
    const plan = planFile && parseRunPlan(await planFile.text(), `${RUNS_FOLDER}/${runId}/${L.plan}`);
    const volumes = await OpfsVolumeStore.open((await subfolder(dir, L.volumes, true)) as Dir, plan?.volumes);
    return new OpfsRunFolder(runId, runs, dir, volumes, release);
  } catch (err) {
    release();
    throw err;
  }
}

/** A new run's folder, locked by this tab. */
export async function createRun(runs: Dir): Promise<RunFolder> {
  const runId = crypto.randomUUID();
  const release = await lockRun(runId);
  if (!release) throw new Error(`${lockName(runId)}: locked by another tab`);
  return opened(runs, runId, (await subfolder(runs, runId, true)) as Dir, release);
}

/**
 * Run `runId`'s folder, locked by this tab: null when there is none, 'locked' while another tab holds it
 * (a reloading tab's old page lets go of its lock a moment after the new page starts: waits up to `waitMs`).
 */
export async function openRun(runs: Dir, runId: string, waitMs = 0): Promise<RunFolder | 'locked' | null> {
  const dir = await subfolder(runs, runId);
  if (!dir) return null;
  let release = await lockRun(runId);
  for (let waited = 0; !release && waited < waitMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    release = await lockRun(runId);
  }
  return release ? opened(runs, runId, dir, release) : 'locked';
}

/** A run folder no tab holds: a closed tab's. */
export interface LeftoverRun {
  runId: string;
  where: string | null;
  startedAt: string | null;
  /** Last finished epoch kept (0: none), of the plan's epochs (null: no plan). */
  epoch: number;
  epochs: number | null;
  bytes: number;
}

/**
 * Deletes every finished run no tab holds, then lists the unfinished ones no tab holds (closed tabs' runs),
 * `except` this tab's. The page's former single folder (before runs had their own) goes too.
 */
export async function sweepRuns(runs: Dir, except: string | null): Promise<LeftoverRun[]> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('ct3d-train-volumes', { recursive: true }).catch(() => undefined);
  const held = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
  const left: LeftoverRun[] = [];
  for (const [runId, handle] of await entries(runs)) {
    if (runId === except || handle.kind !== 'directory' || held.has(lockName(runId))) continue;
    const release = await lockRun(runId);
    if (!release) continue;
    try {
      const run = await opened(runs, runId, handle as Dir, () => undefined).catch(() => null);
      if (!run || (await run.isFinished())) {
        await runs.removeEntry(runId, { recursive: true });
        continue;
      }
      const plan = await run.readPlan().catch(() => null);
      left.push({
        runId,
        where: plan?.where ?? null,
        startedAt: plan?.startedAt ?? null,
        epoch: await run.keptEpoch(),
        epochs: plan?.settings.epochs ?? null,
        bytes: await folderBytes(handle as Dir),
      });
    } finally {
      release();
    }
  }
  return left;
}

/** Deletes run `runId`'s folder unless another tab holds it (then says so). */
export async function deleteRun(runs: Dir, runId: string): Promise<void> {
  const run = await openRun(runs, runId);
  if (run === 'locked') throw new Error(`${lockName(runId)}: in use by another tab`);
  await run?.remove();
}
