// What the README tests read from a package README: its fenced code blocks, the names its `## API` section
// promises, its relative links and its tables. The conventions are in CONTRIBUTING.md ("Package READMEs").
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from './consumer-project.js';

/** Examples: type-checked (strict) and run with plain node in the project that installed the tarballs. */
export const EXAMPLE_LANGS = ['js', 'ts'] as const;
/** Shell transcripts and output: shown, never run. */
export const TRANSCRIPT_LANGS = ['sh', 'console', 'text'] as const;

export interface CodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export interface ApiEntry {
  /** The import specifier the bullet starts with, e.g. `@ct3d/io/node`. */
  specifier: string;
  names: string[];
  line: number;
}

export interface Readme {
  folder: string;
  text: string;
  blocks: CodeBlock[];
  api: ApiEntry[];
}

export async function readReadme(folder: string): Promise<Readme> {
  const text = await readFile(join(REPO, folder, 'README.md'), 'utf8');
  return { folder, text, blocks: codeBlocks(text), api: apiEntries(text) };
}

export function codeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence))
      body.push(lines[j++].slice(indent.length));
    blocks.push({ lang: info.trim().split(/\s+/)[0] ?? '', code: body.join('\n'), line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The text of the README outside its fenced blocks (line numbers kept: fenced lines become empty). */
export function prose(text: string): string {
  let inside = '';
  return text
    .split('\n')
    .map((l) => {
      const fence = /^\s*(`{3,}|~{3,})/.exec(l)?.[1];
      if (fence && (!inside || fence.startsWith(inside))) {
        inside = inside ? '' : fence;
        return '';
      }
      return inside ? '' : l;
    })
    .join('\n');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The `## API` section's bullets: "- `@ct3d/pkg/sub` (a note): `nameA`, `nameB(args)` ..." (continuation
 * lines indented). Every backticked identifier after the specifier, or identifier followed by `(` or `<`, is a
 * name that entry exports (so options, fields and file names in a bullet are written without backticks).
 */
export function apiEntries(text: string): ApiEntry[] {
  const lines = prose(text).split('\n');
  const start = lines.findIndex((l) => /^## API\s*$/.test(l));
  if (start < 0) return [];
  const entries: ApiEntry[] = [];
  let current: ApiEntry | undefined;
  for (let i = start + 1; i < lines.length && !/^#{1,2} /.test(lines[i]); i++) {
    const bullet = /^- `(@ct3d\/[^`]+)`[^:`]*:(.*)$/.exec(lines[i]);
    if (bullet) {
      current = { specifier: bullet[1], names: [], line: i + 1 };
      entries.push(current);
    } else if (!/^\s+\S/.test(lines[i])) current = undefined;
    if (!current) continue;
    const rest = bullet ? bullet[2] : lines[i];
    for (const [, code] of rest.matchAll(/`([^`]+)`/g)) {
      const name = /^([A-Za-z_$][\w$]*)(?:[(<].*)?$/.exec(code)?.[1];
      if (name && IDENTIFIER.test(name) && !current.names.includes(name)) current.names.push(name);
    }
  }
  return entries;
}

/** Relative link targets of the prose (`[text](target)`), without their #fragment. */
export function relativeLinks(text: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  prose(text)
    .split('\n')
    .forEach((l, i) => {
      for (const [, target] of l.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:|^#/i.test(target)) continue;
        links.push({ target: target.replace(/#.*$/, ''), line: i + 1 });
      }
    });
  return links;
}

/**
 * Tables whose rows do not all have the header's cell count, as GitHub and npm split them: every `|` not
 * escaped as `\|` separates cells, inside backticks too.
 */
export function brokenTableRows(text: string): { line: number; cells: number; expected: number }[] {
  const broken: { line: number; cells: number; expected: number }[] = [];
  const cellCount = (l: string) =>
    l
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split(/(?<!\\)\|/).length;
  const lines = prose(text).split('\n');
  let expected = 0;
  lines.forEach((l, i) => {
    if (!l.trimStart().startsWith('|')) {
      expected = 0;
      return;
    }
    if (expected === 0) expected = cellCount(l);
    else if (cellCount(l) !== expected) broken.push({ line: i + 1, cells: cellCount(l), expected });
  });
  return broken;
}
