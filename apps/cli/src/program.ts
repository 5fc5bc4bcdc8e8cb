// The `ct3d` command line on commander: help and --version from the command table, usage errors (exit 2) as
// one line plus a usage hint, the command's own failures (exit 1) as one line.
import { readFileSync } from 'node:fs';
import { printable } from '@ct3d/core';
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from './args.js';
import type { CommandArgs, CommandSpec, OptionTable } from './command.js';

const DESCRIPTION = 'ct3d: 3D CNN training on chest CT volumes (the Keras MosMedData example, in TypeScript)';

/** This package's version (package.json sits one folder above both src/ and dist/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** "Usage: ct3d train [options]   (ct3d train --help for its options)": the line under a usage error. */
function usageHint(cmd: Command): string {
  const path = cmd.parent ? `ct3d ${cmd.name()}` : 'ct3d';
  return `Usage: ${path} ${cmd.usage()}   (${path} --help for ${cmd.parent ? 'its options' : 'the commands'})`;
}

/** Prints a usage error as `ct3d <cmd>: <message>` (escaped: it holds what the user typed) and the hint. */
function printUsageError(cmd: Command, message: string): void {
  const path = cmd.parent ? `ct3d ${cmd.name()}` : 'ct3d';
  console.error(`${path}: ${printable(message)}\n${usageHint(cmd)}`);
}

/** commander's "error: unknown option '--epoch'\n(Did you mean --epochs?)\n" as one line. */
function oneLine(commanderMessage: string): string {
  return commanderMessage
    .trimEnd()
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean/, ' (Did you mean');
}

/** Adds the table's flags to `cmd`; returns a reader of the parsed values for run(). */
function addOptions(cmd: Command, table: OptionTable): () => CommandArgs {
  const options = Object.entries(table).map(([name, spec]) => {
    const description = spec.required ? `${spec.description} (required)` : spec.description;
    const option = new Option(spec.arg ? `--${name} ${spec.arg}` : `--${name}`, description);
    if (spec.default !== undefined) option.default(spec.default, spec.default);
    if (spec.group) cmd.optionsGroup(spec.group);
    cmd.addOption(option);
    return { name, spec, key: option.attributeName() };
  });
  return () => {
    const values: CommandArgs['values'] = {};
    const given = new Set<string>();
    for (const { name, spec, key } of options) {
      const fromUser = cmd.getOptionValueSource(key) === 'cli';
      if (fromUser) given.add(name);
      // A switch is true when given (`--no-augment` too: commander would store augment = false).
      values[name] = spec.arg ? (cmd.getOptionValue(key) as string | undefined) : fromUser;
      if (spec.required && values[name] === undefined) throw new UsageError(`missing --${name} ${spec.arg}`);
    }
    return { values, positionals: cmd.args, given };
  };
}

/** Runs the command's module; its errors become the exit code and one line on stderr. */
async function runCommand(cmd: Command, spec: CommandSpec, read: () => CommandArgs): Promise<number> {
  try {
    const args = read();
    return await (await spec.load()).run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      printUsageError(cmd, e.message);
      return 2;
    }
    const err = e as Error;
    // Messages name user files: escaped, a file name cannot split the line or forge output.
    console.error(`ct3d ${spec.name}: ${printable(err.message)}`);
    if (process.env.CT3D_DEBUG) console.error(err.stack);
    return 1;
  }
}

export function buildProgram(commands: CommandSpec[], done: (code: number) => void): Command {
  const program = new Command('ct3d')
    .description(DESCRIPTION)
    .usage('<command> [options]')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError();
  program.configureOutput({ outputError: (text) => printUsageError(program, oneLine(text)) });
  for (const spec of commands) {
    const cmd = program.command(spec.name).description(spec.summary).helpGroup(spec.group);
    cmd.configureOutput({ outputError: (text) => printUsageError(cmd, oneLine(text)) });
    for (const [name, text] of Object.entries(spec.arguments ?? {})) cmd.argument(name, text);
    const read = addOptions(cmd, spec.options);
    if (spec.help) cmd.addHelpText('after', `\n${spec.help}`);
    cmd.action(async () => done(await runCommand(cmd, spec, read)));
  }
  return program;
}

/** Parses `argv` (without node and the script) and runs the command; returns the exit code. */
export async function runCli(commands: CommandSpec[], argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(commands, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help, `ct3d help` and --version exit 0; `ct3d` alone (help as an error) and usage errors exit 2.
    return e.exitCode === 0 ? 0 : 2;
  }
}
