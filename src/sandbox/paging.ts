/**
 * NextToken handling. Tokens are opaque to clients (as AWS's are) but carry the offset and a key
 * of the filter they belong to, so a token replayed with other filters, or a made-up one, is
 * refused with a clear message instead of silently returning the wrong page.
 */
import { createHash } from 'node:crypto';
import { type ServiceError } from './errors';

export function encodeToken(op: string, key: string, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, op, k: digest(key), o: offset })).toString('base64url');
}

export function decodeToken(
  token: string,
  op: string,
  key: string,
  member: string,
  makeError: (m: string) => ServiceError,
): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { v?: unknown; op?: unknown; k?: unknown; o?: unknown } | undefined;
  if (!t || t.v !== 1 || t.op !== op || typeof t.o !== 'number' || !Number.isInteger(t.o) || t.o < 0) {
    throw makeError(`Invalid ${member}: it is not a token returned by an earlier ${op} call. Send the NextToken value from the previous page unchanged.`);
  }
  if (t.k !== digest(key)) {
    throw makeError(`Invalid ${member}: it belongs to a ${op} call with different parameters. Keep the other parameters the same while paginating.`);
  }
  return t.o;
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/** One page of `items` from `offset`, plus the token for the next page if there is one. */
export function page<T>(items: T[], offset: number, size: number, nextToken: (offset: number) => string): { items: T[]; next?: string } {
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return end < items.length ? { items: slice, next: nextToken(end) } : { items: slice };
}
