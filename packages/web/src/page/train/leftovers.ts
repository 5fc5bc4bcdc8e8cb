// The training page's list of closed tabs' unfinished runs (their folders in this browser's private files, no
// tab holding them): what each is, its size, and Resume / Delete.
import { printable } from '@ct3d/core';
import type { LeftoverRun } from './run-folders.js';

/** Lists `runs` in `section` (hidden when there are none); `act` gets a button's run id and action. */
export function showLeftovers(
  section: HTMLElement,
  runs: LeftoverRun[],
  act: (runId: string, action: 'resume' | 'discard') => void,
): void {
  section.hidden = runs.length === 0;
  const list = section.querySelector('ul');
  list?.replaceChildren(
    ...runs.map((run) => {
      const li = document.createElement('li');
      li.dataset.runId = run.runId;
      const what = run.where ? `Run of ${printable(run.where)}` : 'Run stopped while preprocessing';
      const started = run.startedAt ? ` started ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
      const epochs = run.epochs === null ? '' : `: ${run.epoch} of ${run.epochs} epochs kept`;
      li.textContent = `${what}${started}${epochs}, ${(run.bytes / 2 ** 20).toFixed(1)} MB `;
      const buttons: ['resume' | 'discard', string][] = run.epochs === null ? [] : [['resume', 'Resume']];
      buttons.push(['discard', 'Delete']);
      for (const [action, label] of buttons) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = label;
        button.dataset.action = action;
        button.addEventListener('click', () => act(run.runId, action));
        li.append(button);
      }
      return li;
    }),
  );
}
