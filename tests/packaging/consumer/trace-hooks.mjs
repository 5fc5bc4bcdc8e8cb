import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.CT3D_TRACE_FILE, `${result.url}\n`);
  return result;
}
