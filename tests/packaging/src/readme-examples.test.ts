// Each package README's example is run as written, with plain node, in the project that installed the
// tarballs: an example that drifts from the API fails here. Examples are the ```js blocks that follow a
// `<!-- example: runs in tests/packaging -->` line.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { PUBLISHED, REPO } from './consumer-project.js';
import { runNode } from './run-node.js';

const { dir } = inject('consumer');
const MARK = '<!-- example: runs in tests/packaging -->';

async function examples(folder: string): Promise<string[]> {
  const text = await readFile(join(REPO, folder, 'README.md'), 'utf8');
  return text
    .split(MARK)
    .slice(1)
    .map((part) => /^\s*```js\n([\s\S]*?)\n```/.exec(part)?.[1] ?? '');
}

describe('README examples', () => {
  for (const folder of PUBLISHED.filter((f) => f !== 'apps/cli')) {
    it(`${folder}/README.md`, async () => {
      const blocks = await examples(folder);
      expect(blocks.length, `${folder}/README.md has no marked example`).toBeGreaterThan(0);
      for (const [i, code] of blocks.entries()) {
        expect(code, `example ${i + 1} is not a \`\`\`js block`).not.toBe('');
        const file = `readme-${basename(folder)}-${i + 1}.mjs`;
        await writeFile(join(dir, file), code);
        const r = await runNode(dir, [file]);
        expect(r.code, `${folder} example ${i + 1}:\n${r.stderr}`).toBe(0);
        expect(r.stdout.trim().length).toBeGreaterThan(0);
      }
    });
  }
});
