import type { Command } from '../command.js';
import { ingestCommand } from './ingest.js';
import { preprocess } from './preprocess.js';
import { summary } from './summary.js';
import { synth } from './synth.js';

export const commands: Command[] = [synth, preprocess, ingestCommand, summary];
