/** The suffix every request file has. */
export const REQUEST_FILE_SUFFIX = '.chatreq.json';

/** Whether a path or file name names a request file (case-insensitive, like the glob). */
export function isRequestFileName(path: string): boolean {
  return path.toLowerCase().endsWith(REQUEST_FILE_SUFFIX);
}

// Characters Windows, macOS or Linux refuse in a file name, plus the path separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f]/;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * The base name (without `.chatreq.json`) the user typed for a new request, checked: a name, not
 * a path. The suffix may be typed or not. Returns the problem as a sentence that says what to change.
 */
export function checkRequestName(input: string): { name: string } | { error: string } {
  let name = input.trim();
  if (isRequestFileName(name)) name = name.slice(0, -REQUEST_FILE_SUFFIX.length);
  else if (name.toLowerCase().endsWith('.json')) name = name.slice(0, -'.json'.length);
  if (name === '') return { error: 'Type a name for the request file, e.g. "order-status".' };
  if (/[/\\]/.test(name)) return { error: `"${name}" contains a path separator. Type a file name only; the file goes in the selected folder.` };
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    const shown = bad[0].charCodeAt(0) < 0x20 ? 'a control character' : `"${bad[0]}"`;
    return { error: `A file name cannot contain ${shown}. Use letters, digits, "-", "_" or ".".` };
  }
  if (name === '.' || name === '..' || name.startsWith('.')) return { error: 'Start the name with a letter or digit (a leading "." hides the file).' };
  if (/[. ]$/.test(name)) return { error: 'End the name with a letter or digit, not "." or a space.' };
  if (RESERVED.test(name)) return { error: `"${name}" is a reserved device name on Windows. Choose another name.` };
  if (name.length + REQUEST_FILE_SUFFIX.length > 255) return { error: `The name is too long (${name.length} characters). Keep it under ${255 - REQUEST_FILE_SUFFIX.length}.` };
  return { name };
}

/** A file-name-friendly form of a flow name: "Support Bot (Lex)" → "support-bot-lex". */
export function slugForFileName(s: string): string {
  const slug = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'chat-request' : slug;
}

/** The names to try, in order, when `base` may be taken: `base`, `base-2`, `base-3`, ... */
export function* requestNameCandidates(base: string): Generator<string> {
  yield base;
  for (let i = 2; i < 10_000; i++) yield `${base}-${i}`;
  yield `${base}-${Date.now()}`;
}

/** The first of {@link requestNameCandidates} that `taken` says is free. */
export function freeRequestName(base: string, taken: (name: string) => boolean): string {
  for (const name of requestNameCandidates(base)) if (!taken(name)) return name;
  return `${base}-${Date.now()}`;
}
