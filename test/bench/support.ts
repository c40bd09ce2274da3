/** What every benchmark module returns, and the timing helper they share. */
export type Figure = { name: string; value: number; unit: string };

/** Median of `runs` timings of `f`, in milliseconds (after a short warm-up). */
export function median(runs: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(20, runs); i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
