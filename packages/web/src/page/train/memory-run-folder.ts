// A training-page run kept in the tab's memory, where the browser refuses its private files: Stop/Resume
// works, a reload cannot resume it.
import { MemoryVolumeStore, type StoredCheckpoint, type TrainEvent } from '@ct3d/train/browser';
import type { KeptCheckpoint, RunFolder } from './run-folders.js';
import { checkpointFolder, type RunPlan } from './run-plan.js';

/** A run in this tab's memory. */
export class MemoryRunFolder implements RunFolder {
  readonly persistent = false;
  readonly volumes = new MemoryVolumeStore();
  private plan: RunPlan | null = null;
  private kept: KeptCheckpoint | null = null;
  private finished = false;

  constructor(readonly runId: string) {}

  async writePlan(plan: Omit<RunPlan, 'volumes'>): Promise<void> {
    this.plan = { ...plan, volumes: Object.fromEntries(plan.scans.map((s) => [s.id, s.id])) };
  }
  async readPlan(): Promise<RunPlan | null> {
    return this.plan;
  }
  async saveCheckpoint(c: Omit<StoredCheckpoint, 'where'>, events: readonly TrainEvent[]): Promise<void> {
    this.kept = {
      checkpoint: { ...c, where: `memory/${checkpointFolder(c.state.epoch)}` },
      events: [...events],
    };
  }
  async loadCheckpoint(): Promise<KeptCheckpoint | null> {
    return this.kept && { ...this.kept, events: [...this.kept.events] };
  }
  async keptEpoch(): Promise<number> {
    return this.kept?.checkpoint.state.epoch ?? 0;
  }
  async markFinished(): Promise<void> {
    this.finished = true;
  }
  async isFinished(): Promise<boolean> {
    return this.finished;
  }
  async remove(): Promise<void> {
    await this.volumes.clear();
    this.plan = null;
    this.kept = null;
  }
  close(): void {}
}
