#!/usr/bin/env node
import { commands } from './commands/index.js';
import { runCli } from './program.js';

process.exitCode = await runCli(commands, process.argv.slice(2));
