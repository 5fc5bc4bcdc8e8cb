import type { Command } from '../command.js';
import { dashboard } from './dashboard.js';
import { demo } from './demo.js';
import { downloadCommand } from './download.js';
import { evaluateCommand } from './evaluate.js';
import { ingestCommand } from './ingest.js';
import { predict } from './predict.js';
import { preprocess } from './preprocess.js';
import { summary } from './summary.js';
import { synth } from './synth.js';
import { train } from './train.js';

export const commands: Command[] = [
  downloadCommand,
  synth,
  preprocess,
  ingestCommand,
  summary,
  train,
  evaluateCommand,
  predict,
  dashboard,
  demo,
];
