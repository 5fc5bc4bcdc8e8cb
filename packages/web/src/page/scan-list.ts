// The scans of a drop, one line each (name, what it is, how it went; a predicted one can be shown), and the
// files that are no scan with their reason. Names are text nodes: a series' name is its safe description and
// a hash, and nothing here is a patient attribute.
import type { SkippedFile } from '@ct3d/io/dicom';
import type { ScanFacts } from './protocol.js';

export type ScanState = 'waiting' | 'running' | 'done' | 'error';

export function factsText(facts: ScanFacts): string {
  if (facts.format === 'nifti') return 'NIfTI';
  const [w, h] = facts.size ?? [0, 0];
  return `DICOM ${facts.modality || 'series'}, ${facts.slices} slices of ${w}x${h}`;
}

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/** Lists the scans (each a button once predicted) and the skipped files; each box hidden when empty. */
export function showPlan(
  list: HTMLElement,
  skippedBox: HTMLElement,
  scans: readonly ScanFacts[],
  skipped: readonly SkippedFile[],
  onSelect: (scan: number) => void,
): void {
  list.replaceChildren(
    ...scans.map((facts, i) => {
      const li = document.createElement('li');
      li.dataset.state = 'waiting';
      li.dataset.name = facts.name;
      const button = document.createElement('button');
      button.type = 'button';
      button.disabled = true;
      button.textContent = facts.name;
      button.addEventListener('click', () => onSelect(i));
      li.append(button, span('facts', factsText(facts)), span('outcome', 'waiting'));
      return li;
    }),
  );
  list.hidden = scans.length === 0;
  const items = skipped.map((s) => {
    const li = document.createElement('li');
    li.textContent = `${s.name}: ${s.reason}`;
    return li;
  });
  skippedBox.querySelector('ul')?.replaceChildren(...items);
  const title = skippedBox.querySelector('h2');
  if (title) title.textContent = `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'}`;
  skippedBox.hidden = skipped.length === 0;
}

export function setScanState(list: HTMLElement, scan: number, state: ScanState, outcome: string): void {
  const li = list.children[scan] as HTMLElement | undefined;
  if (!li) return;
  li.dataset.state = state;
  const button = li.querySelector('button');
  if (button) button.disabled = state !== 'done';
  const el = li.querySelector('.outcome');
  if (el) el.textContent = outcome;
}

export function markSelected(list: HTMLElement, scan: number): void {
  for (const [i, li] of [...list.children].entries()) li.classList.toggle('selected', i === scan);
}
