#!/usr/bin/env node
import { printable } from '@ct3d/core';
import { UsageError } from './args.js';
import type { Command } from './command.js';
import { commands } from './commands/index.js';

function help(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'ct3d: 3D CNN training on chest CT volumes (the Keras MosMedData example, in TypeScript)',
    '',
    'Usage: ct3d <command> [options]   (ct3d <command> --help for its options)',
    '',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`ct3d: unknown command "${printable(name)}"\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`ct3d ${name}: ${printable(e.message)}\nUsage: ${command.usage}`);
      return 2;
    }
    const err = e as Error;
    // Messages name user files: escaped, a file name cannot split the line or forge output.
    console.error(`ct3d ${name}: ${printable(err.message)}`);
    if (process.env.CT3D_DEBUG) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
