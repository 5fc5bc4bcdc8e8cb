import { readFile } from 'node:fs/promises';
import { SYNTHETIC_FAMILIES } from '@ct3d/io/synthetic';
import { BACKEND_NAMES, DEFAULT_EXPLANATION } from '@ct3d/model';
import { DEFAULT_MAX_SCAN_BYTES } from '@ct3d/web';
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from './command.js';
import { commands } from './commands/index.js';
import { explainOptions, exportWebOptions, synthOptions, trainOptions } from './commands/options.js';
import { buildProgram } from './program.js';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const ct3d = (...args: string[]): Promise<CliResult> => runNode(ct3dNodeArgs(args), process.env);

/** Help text with its wrapping and column padding undone: "--epochs <n> epochs to train (default: 100)". */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

/** The help line commander should print for a flag of the table. */
function expectedLine(name: string, spec: OptionSpec): string {
  const flag = spec.arg ? `--${name} ${spec.arg}` : `--${name}`;
  const required = spec.required ? ' (required)' : '';
  const fallback = spec.default !== undefined ? ` (default: ${spec.default})` : '';
  return `${flag} ${spec.description}${required}${fallback}`;
}

describe('ct3d help and version', () => {
  it('--version and -V print the version of the package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await ct3d(flag);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `${pkg.version}\n`, '']);
    }
  });

  it('`ct3d train --help` lists every train option with its description and default', async () => {
    const r = await ct3d('train', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ct3d train \[options\]\n/);
    const help = flat(r.stdout);
    for (const [name, spec] of Object.entries(trainOptions)) expect(help).toContain(expectedLine(name, spec));
    expect(help).toContain('--epochs <n> epochs to train (default: 100)');
    for (const group of ['Data and run:', 'Recipe:', 'BatchNorm:', 'Cross-validation:', 'Output:']) {
      expect(help).toContain(` ${group} --`);
    }
    // `ct3d help train` is the same page.
    expect((await ct3d('help', 'train')).stdout).toBe(r.stdout);
  });

  it('every command lists its arguments and every flag of its table; the command list has every summary', () => {
    const program = buildProgram(commands, () => {});
    const top = flat(program.helpInformation());
    expect(top).toMatch(/^Usage: ct3d <command> \[options\] /);
    for (const spec of commands) {
      expect(top).toContain(flat(spec.summary));
      const help = flat(program.commands.find((c) => c.name() === spec.name)?.helpInformation() ?? '');
      expect(help).toContain(`Usage: ct3d ${spec.name} [options]`);
      for (const [name, text] of Object.entries(spec.arguments ?? {}))
        expect(help).toContain(`${name.slice(1, -1)} ${flat(text)}`);
      for (const [name, option] of Object.entries(spec.options))
        expect(help).toContain(expectedLine(name, option));
    }
  });

  it('refuses an unknown option with the nearest one (exit 2, one line and the usage)', async () => {
    const r = await ct3d('train', '--epoch', '3');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "ct3d train: unknown option '--epoch' (Did you mean --epochs?)\n" +
        'Usage: ct3d train [options]   (ct3d train --help for its options)\n',
    );
  });

  it('refuses an unknown command with the nearest one, escaping what was typed', async () => {
    const near = await ct3d('trian');
    expect([near.code, near.stderr.split('\n')[0]]).toEqual([
      2,
      "ct3d: unknown command 'trian' (Did you mean train?)",
    ]);
    const forged = await ct3d('x\ningested 99, all OK');
    expect(forged.code).toBe(2);
    expect(forged.stderr.split('\n')[0]).toBe("ct3d: unknown command 'x\\u000aingested 99, all OK'");
    // No command: the help, as an error.
    const none = await ct3d();
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toMatch(/^Usage: ct3d <command> \[options\]\n/);
  });

  it("the flags' listed names and defaults are the packages' own", () => {
    expect(explainOptions.method.default).toBe(DEFAULT_EXPLANATION.method);
    expect(Number(explainOptions.patch.default)).toBe(DEFAULT_EXPLANATION.maskSize);
    expect(DEFAULT_EXPLANATION.overlap).toBe(0.5); // the flag's description: patches overlap by half
    expect(Number(exportWebOptions['max-scan-gib'].default) * 1024 ** 3).toBe(DEFAULT_MAX_SCAN_BYTES);
    const names = (list: readonly string[]) => `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
    expect(trainOptions.backend.description).toBe(`tfjs backend: ${names(BACKEND_NAMES)}`);
    expect(synthOptions.family.description).toBe(`scan family: ${names(SYNTHETIC_FAMILIES)}`);
  });
});
