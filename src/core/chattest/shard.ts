/**
 * Deterministic shards: every test has a stable key (its file relative to the root, and its name);
 * the sorted keys are dealt round-robin, so `--shard 1/N` … `--shard N/N` partition the suite
 * exactly, whatever order the files were found in, on every machine.
 */
export interface Shard {
  /** One-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must be I/N, such as 1/4 (got '${text}')`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: I must be from 1 to N, and N at least 1`;
  return { index, count };
}

export function shardOf<T>(items: readonly T[], key: (item: T) => string, shard: Shard): T[] {
  const sorted = items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return sorted.filter((_, i) => i % shard.count === shard.index - 1).map((x) => x.item);
}
