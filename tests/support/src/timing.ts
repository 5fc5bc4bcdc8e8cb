/** Runs `f` `runs` times and words the wall and CPU medians (benchmark reports, never test assertions). */
export function timeRuns(runs: number, f: () => unknown): string {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
  return `wall median ${med(wall)} ms (min ${Math.min(...wall).toFixed(1)}), cpu median ${med(cpu)} ms`;
}
