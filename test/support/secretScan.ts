/**
 * One secret scanner for every test that checks what Chatreq persists or prints (the log channel,
 * global and workspace state, storage folders, tree labels, error messages, CLI output).
 *
 * It is deliberately independent of `redactSecrets` in src/core/log.ts: a scanner built on the
 * redactor would agree with the redactor's blind spots. It finds
 *  - every known secret the test planted (verbatim, JSON-escaped, URL-encoded, base64), and
 *  - token shapes nobody planted: AWS access key IDs, bearer tokens, JWTs, and values of
 *    token/secret/signature/password keys that are not the redaction marker.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Known secrets shorter than this are skipped: they would match ordinary text. */
const MIN_KNOWN_LENGTH = 8;

// Keys whose values are secrets; NextToken and ClientToken are paging and idempotency tokens.
const KEY = String.raw`(?<![A-Za-z0-9_-])(?!NextToken\b|ClientToken\b)[A-Za-z0-9_-]*(?:token|secret|signature|password|secret_access_key)`;
const NOT_REDACTED = '(?!«redacted»|\\*\\*\\*)';

const SHAPES: RegExp[] = [
  // AWS access key IDs (long-term AKIA, temporary ASIA).
  /\bA[KS]IA[A-Z0-9]{16}\b/g,
  // Bearer tokens.
  new RegExp(String.raw`\bBearer\s+${NOT_REDACTED}[A-Za-z0-9._~+/=-]{8,}`, 'gi'),
  // JSON Web Tokens.
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // "Key": "value" (and 'Key': 'value').
  new RegExp(String.raw`(["'])${KEY}\1\s*:\s*(["'])${NOT_REDACTED}[^"'\n]{8,}\2`, 'gi'),
  // Key=value, Key: value (query strings, headers, env and ini lines).
  new RegExp(String.raw`${KEY}\s*[:=]\s*${NOT_REDACTED}[^\s"'&,;«]{8,}`, 'gi'),
];

interface Finding {
  index: number;
  end: number;
  text: string;
}

/** The forms a planted secret can take in persisted or printed text. */
function variants(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, json, json.replace(/\//g, '\\/'), encodeURIComponent(secret), Buffer.from(secret).toString('base64')])];
}

/**
 * Every secret in `text`, in order of appearance: a known secret is reported as itself
 * (whatever form it was found in), a token shape as the text that matched.
 */
export function findSecrets(text: string, knownSecrets: string[]): string[] {
  const found: Finding[] = [];
  for (const secret of knownSecrets) {
    if (secret.length < MIN_KNOWN_LENGTH) continue;
    for (const v of variants(secret)) {
      for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + 1)) found.push({ index: i, end: i + v.length, text: secret });
    }
  }
  const known = found.slice();
  for (const shape of SHAPES) {
    for (const m of text.matchAll(new RegExp(shape.source, shape.flags))) {
      const f = { index: m.index, end: m.index + m[0].length, text: m[0] };
      // A shape around a planted secret is that secret: report it by its known name.
      if (!known.some((k) => k.index < f.end && f.index < k.end)) found.push(f);
    }
  }
  // Earliest first; a finding inside an earlier one is the same secret seen twice.
  found.sort((a, b) => a.index - b.index || b.end - a.end);
  const out: string[] = [];
  let covered = -1;
  for (const f of found) {
    if (f.end <= covered) continue;
    covered = Math.max(covered, f.end);
    if (!out.includes(f.text)) out.push(f.text);
  }
  return out;
}

/**
 * Every secret in every file under `dir` (recursively, dot-files included), as
 * `relative/path: secret`, sorted. Each file is read as bytes and searched as UTF-8 and as
 * UTF-16LE (both alignments), so binary stores such as SQLite state databases are covered.
 * Rejects when `dir` does not exist, so a test cannot pass by scanning the wrong folder.
 */
export async function scanFolder(dir: string, knownSecrets: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const bytes = await readFile(p);
        const texts = [bytes.toString('utf8'), bytes.toString('utf16le'), bytes.subarray(1).toString('utf16le')];
        const secrets = new Set(texts.flatMap((t) => findSecrets(t, knownSecrets)));
        for (const s of secrets) out.push(`${relative(dir, p)}: ${s}`);
      }
    }
  };
  await walk(dir);
  return out.sort();
}
