// The training page's run id for this tab: sessionStorage outlives a reload and only this tab sees it (a
// duplicated tab gets a copy, but its worker finds the run locked by the original and offers nothing).
import { RUN_ID_KEY } from './run-plan.js';

export const tabRun = {
  /** This tab's run id, or null. */
  get: (): string | null => {
    try {
      return sessionStorage.getItem(RUN_ID_KEY);
    } catch {
      return null; // storage refused: no run to find again
    }
  },
  /** Remembers (or forgets, null) this tab's run id. */
  set: (runId: string | null): void => {
    try {
      if (runId) sessionStorage.setItem(RUN_ID_KEY, runId);
      else sessionStorage.removeItem(RUN_ID_KEY);
    } catch {
      // storage refused: a reload does not find the run
    }
  },
};
