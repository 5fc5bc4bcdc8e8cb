// The browser entry's types are the browser API only: a page importing Node-only functions (saveModel) fails
// to type-check, as esbuild would fail to bundle it, both through the "browser" condition (TypeScript's
// customConditions) and through the explicit '@ct3d/model/browser' entry; neither needs Node's types.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { tscLines } from './tsc.js';

const { dir } = inject('consumer');

const USE = [
  'const choice = await initBackend("wasm");',
  'const model: tf.LayersModel = await loadModel("model/");',
  'console.log(choice.name, model.name);',
  'export {};',
].join('\n');

function browserConfig(files: string[], conditions: string[]) {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      customConditions: conditions,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ['ES2023', 'DOM'],
    },
    files,
  };
}

/** tsc's errors, and whether it read any of @types/node, for a browser project of `files`. */
async function check(name: string, files: string[], conditions: string[]) {
  const lines = await tscLines(dir, name, browserConfig(files, conditions), ['--listFiles']);
  return {
    errors: lines.filter((l) => /error TS/.test(l)),
    nodeTypes: lines.filter((l) => l.includes('/@types/node/')),
  };
}

describe('the browser entry of @ct3d/model', () => {
  it('through the "browser" condition: the browser API type-checks, saveModel does not exist', async () => {
    await writeFile(
      join(dir, 'page-uses.ts'),
      `import { initBackend, loadModel, tf } from '@ct3d/model';\n${USE}\n`,
    );
    await writeFile(
      join(dir, 'page-saves.ts'),
      "import { saveModel } from '@ct3d/model';\nconsole.log(saveModel);\n",
    );
    const got = await check('tsconfig.browser', ['page-uses.ts', 'page-saves.ts'], ['browser']);
    expect(got.errors).toEqual([
      expect.stringMatching(
        /^page-saves\.ts\(1,10\): error TS2305: Module '"@ct3d\/model"' has no exported member 'saveModel'/,
      ),
    ]);
    expect(got.nodeTypes).toEqual([]);
  });

  it("through '@ct3d/model/browser' with no conditions set: the same API, no saveModel", async () => {
    const from = "import { initBackend, loadModel, saveModel, tf } from '@ct3d/model/browser';";
    await writeFile(join(dir, 'page-explicit.ts'), `${from}\nconsole.log(saveModel);\n${USE}\n`);
    const got = await check('tsconfig.browser-explicit', ['page-explicit.ts'], []);
    expect(got.errors).toEqual([
      expect.stringMatching(/^page-explicit\.ts\(1,34\): error TS2305: .*has no exported member 'saveModel'/),
    ]);
    expect(got.nodeTypes).toEqual([]);
  });
});
