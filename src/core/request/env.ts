import type { JsonPath } from './types';

/**
 * `${env:NAME}`: NAME is a POSIX-style variable name. A fresh global RegExp per call, because a
 * shared one carries `lastIndex` from one use into the next.
 */
export function envReferencePattern(): RegExp {
  return /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
}
const ENV_REFERENCE_ONCE = /\$\{env:[A-Za-z_][A-Za-z0-9_]*\}/;
/** Anything that starts like a reference, to catch `${env:}`, `${env:1X}`, `${ENV:X}`, `${env:X` ... */
const ENV_LIKE = /\$\{\s*env\s*:[^}]*\}?/gi;

export interface EnvReference {
  name: string;
  /** Index of `${` within the string value (in code units of the decoded value). */
  index: number;
  length: number;
}

export function findEnvReferences(value: string): EnvReference[] {
  const out: EnvReference[] = [];
  for (const m of value.matchAll(envReferencePattern())) out.push({ name: m[1], index: m.index, length: m[0].length });
  return out;
}

/** Text that looks like an env reference but is not a valid one. */
export function findMalformedEnvReferences(value: string): Array<{ text: string; index: number }> {
  const out: Array<{ text: string; index: number }> = [];
  for (const m of value.matchAll(ENV_LIKE)) {
    if (!/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(m[0])) out.push({ text: m[0], index: m.index });
  }
  return out;
}

export function hasEnvReference(value: string): boolean {
  return ENV_REFERENCE_ONCE.test(value);
}

/** Replaces every reference whose variable is set; unset ones stay as written. */
export function substituteEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(envReferencePattern(), (whole, name: string) => env[name] ?? whole);
}

export class MissingEnvError extends Error {
  constructor(
    readonly missing: Array<{ name: string; path: JsonPath }>,
  ) {
    const names = [...new Set(missing.map((m) => m.name))];
    const where = missing.map((m) => `${m.name} (in ${formatPath(m.path)})`).join(', ');
    super(
      `${names.length === 1 ? 'Environment variable' : 'Environment variables'} ${names.join(', ')} ` +
        `${names.length === 1 ? 'is' : 'are'} not set: ${where}. Set ${names.length === 1 ? 'it' : 'them'} ` +
        'before launching, or replace the ${env:...} reference with a value.',
    );
    this.name = 'MissingEnvError';
  }
}

/**
 * Returns a copy of `request` with every `${env:NAME}` in string values replaced. Keys are not
 * touched. Throws MissingEnvError naming every unset variable and where it is used. The message
 * never includes variable values (they may be secrets such as a CustomerId).
 */
export function resolveEnvReferences<T>(request: T, env: Record<string, string | undefined>): T {
  const missing: Array<{ name: string; path: JsonPath }> = [];
  const walk = (v: unknown, path: JsonPath): unknown => {
    if (typeof v === 'string') {
      return v.replace(envReferencePattern(), (_whole, name: string) => {
        const value = env[name];
        if (value === undefined) {
          missing.push({ name, path });
          return '';
        }
        return value;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  const resolved = walk(request, []) as T;
  if (missing.length > 0) throw new MissingEnvError(missing);
  return resolved;
}

/** `ParticipantDetails.DisplayName`, `SupportedMessagingContentTypes[1]`, `Attributes["a b"]`. */
export function formatPath(path: JsonPath): string {
  if (path.length === 0) return 'the request';
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += s === '' ? JSON.stringify(seg) : `[${JSON.stringify(seg)}]`;
  }
  return s;
}
