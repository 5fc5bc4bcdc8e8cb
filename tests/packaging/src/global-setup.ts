import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ConsumerProject, createConsumerProject } from './consumer-project.js';

declare module 'vitest' {
  export interface ProvidedContext {
    consumer: ConsumerProject;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const consumer = await createConsumerProject();
  const kib = consumer.packed.map((p) => `${p.folder} ${(p.bytes / 1024).toFixed(0)} KiB`).join(', ');
  console.log(
    `packed in ${(consumer.packMs / 1000).toFixed(1)} s (${kib}); npm install in ${(consumer.installMs / 1000).toFixed(1)} s -> ${consumer.dir}`,
  );
  project.provide('consumer', consumer);
  return () => rm(dirname(consumer.dir), { recursive: true, force: true });
}
