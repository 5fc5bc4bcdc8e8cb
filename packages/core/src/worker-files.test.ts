import { describe, expect, it } from 'vitest';
import { siblingModule, workerExecArgv } from './node.js';

describe('worker files', () => {
  it('uses the tsx loader only for TypeScript worker files', () => {
    expect(workerExecArgv('/a/worker.js')).toEqual([]);
    expect(workerExecArgv(new URL('file:///a/worker.mjs'))).toEqual([]);
    const args = workerExecArgv('file:///a/worker.ts');
    expect(args[0]).toBe('--import');
    expect(decodeURIComponent(args[1])).toMatch(
      /^data:text\/javascript,import\{register\}from".*tsx.*";register\(\);$/,
    );
  });

  it('finds the sibling module with the caller extension', () => {
    expect(siblingModule('file:///p/dist/pool.js', 'workers/entry').href).toBe(
      'file:///p/dist/workers/entry.js',
    );
    expect(siblingModule('file:///p/src/pool.ts', 'conv-worker').href).toBe('file:///p/src/conv-worker.ts');
  });
});
