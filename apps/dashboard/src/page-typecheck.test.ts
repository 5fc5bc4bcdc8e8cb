// The page's plain JS modules (public/) are part of this package's typecheck: `tsc --noEmit` reads them with
// checkJs, against @ct3d/train's event types. A probe appended in memory must come back as a type error.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIELDS = join(ROOT, 'public', 'event-fields.js');

function packageConfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.json: not readable');
  return parsed;
}

/** Type errors of the package's program, with `extra` appended to public/event-fields.js in memory. */
function typeErrors(extra: string): ts.Diagnostic[] {
  const config = packageConfig();
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    if (file !== FIELDS) return read(file, language, ...rest);
    return ts.createSourceFile(file, `${ts.sys.readFile(file)}\n${extra}\n`, language);
  };
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
  return [...program.getSemanticDiagnostics(), ...program.getSyntacticDiagnostics()];
}

describe('the page is type-checked', () => {
  it('tsconfig.json covers every module in public/ with checkJs', async () => {
    const config = packageConfig();
    const pageModules = (await readdir(join(ROOT, 'public'))).filter((f) => f.endsWith('.js'));
    expect(pageModules.length).toBeGreaterThan(5);
    expect(config.options.checkJs).toBe(true);
    expect(config.fileNames).toEqual(expect.arrayContaining(pageModules.map((f) => join(ROOT, 'public', f))));
  });

  it('reading a field no producer emits (an old alias) is a type error', () => {
    const probe = "export const probe = (/** @type {BatchEndEvent} */ e) => num(e, 'dataWaitMs');";
    const errors = typeErrors(probe).map((d) => ({
      file: d.file?.fileName,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
    expect(errors).toEqual([
      {
        file: FIELDS,
        text: expect.stringMatching(
          /"dataWaitMs"' is not assignable to parameter of type 'keyof BatchEndEvent'/,
        ),
      },
    ]);
    // A whole type-check of the page and the packages it reads: about 25 s alone, more beside other suites.
  }, 240_000);
});
