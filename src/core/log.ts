/**
 * The logging seam between the vscode-free core and whoever hosts it (the extension's
 * LogOutputChannel, the CLI's stderr, a test's array). Every message passes through
 * {@link redactSecrets} before it reaches a sink, so a token that slips into a message by
 * accident is still never written.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

// JSON members, header names and query parameters whose values are secrets in Connect,
// Participant and AWS traffic. Any key ending in token, secret, password or signature counts too.
const SECRET_KEYS = [
  'ParticipantToken',
  'ConnectionToken',
  'X-Amz-Bearer',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'aws_secret_access_key',
  'aws_session_token',
  'SecretAccessKey',
  'secretAccessKey',
  'SessionToken',
  'sessionToken',
  'accessToken',
  'Authorization',
];
// Error codes such as ExpiredToken, InvalidIdentityToken or BadToken name a problem, not a secret.
const SECRET_KEY_SUFFIX = '(?!(?:Expired|Invalid|Bad)[A-Za-z]*Token\\b)[A-Za-z0-9_-]*(?:token|secret|password|signature)';

const keyAlternation = SECRET_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|');
/**
 * A secret key and its separator: `"Key": `, `\"Key\":` (JSON inside a JSON string), `'Key': `,
 * `Key: ` (a header), `Key=` (a query string or an env line), `key = ` (an ini file).
 */
const secretKeyPattern = new RegExp(`(\\\\?["']?)\\b(?:${keyAlternation}|${SECRET_KEY_SUFFIX})\\1(\\s*)([:=])(\\s*)`, 'gi');
// Access key IDs (AKIA/ASIA + 16 upper-case alphanumerics).
const accessKeyIdPattern = /\b(A[KS]IA)[A-Z0-9]{16}\b/g;
// `Bearer <token>` anywhere, whatever the key in front of it.
const bearerPattern = /\b(Bearer\s+)(?!«redacted»)[A-Za-z0-9._~+/=-]+/gi;
// A JSON Web Token (header.payload.signature, base64url, header starts with `{"`).
const jwtPattern = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export const REDACTED = '«redacted»';

/**
 * Replaces anything that looks like a credential or a Connect token with a fixed marker. The
 * whole value goes: a quoted value up to its closing quote (escaped quotes included), a header
 * value to the end of its line, a query-string value to the next `&`; access key IDs, bearer
 * tokens and JWTs are redacted wherever they appear.
 */
export function redactSecrets(text: string): string {
  return redactKeyedValues(text)
    .replace(bearerPattern, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(jwtPattern, REDACTED)
    .replace(accessKeyIdPattern, (_m, p: string) => `${p}…${REDACTED}`);
}

function redactKeyedValues(text: string): string {
  let out = '';
  let copied = 0;
  const re = new RegExp(secretKeyPattern.source, secretKeyPattern.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, keyQuote, spaceBefore, separator, spaceAfter] = m;
    const start = m.index + whole.length;
    const end = valueEnd(text, start, { keyQuoted: keyQuote !== '', separator, spaced: spaceBefore !== '' || spaceAfter !== '' });
    if (end <= start) continue;
    const value = text.slice(start, end);
    const quote = /^\\?["']/.exec(value)?.[0] ?? '';
    const closed = quote !== '' && value.length >= 2 * quote.length && value.endsWith(quote) ? quote : '';
    out += text.slice(copied, start) + quote + REDACTED + closed;
    copied = end;
    re.lastIndex = end;
  }
  return out + text.slice(copied);
}

/** Where the value that starts at `start` ends (exclusive). */
function valueEnd(text: string, start: number, k: { keyQuoted: boolean; separator: string; spaced: boolean }): number {
  const lineEnd = (from: number): number => {
    const i = text.slice(from).search(/[\r\n]/);
    return i < 0 ? text.length : from + i;
  };
  const escaped = text[start] === '\\' && (text[start + 1] === '"' || text[start + 1] === "'");
  const q = escaped ? text[start + 1] : text[start];
  if (q === '"' || q === "'") {
    // Closing quote: the same quote after an even run of backslashes (one backslash when the
    // value is itself inside a JSON string, where inner quotes carry three).
    for (let i = start + (escaped ? 2 : 1); i < text.length; i++) {
      if (text[i] === '\n') return i;
      if (text[i] !== q) continue;
      let run = 0;
      while (text[i - 1 - run] === '\\') run++;
      if (escaped ? run === 1 : run % 2 === 0) return i + 1;
    }
    return lineEnd(start);
  }
  // A header (`Key: value`) or an ini line (`key = value`) runs to the end of the line.
  if ((!k.keyQuoted && k.separator === ':') || (k.separator === '=' && k.spaced)) return lineEnd(start);
  const stop = text.slice(start).search(k.separator === '=' ? /[&\s"'<>;,)]/ : /[\s"',;}\]]/);
  return stop < 0 ? text.length : start + stop;
}

/** Wraps a sink so every message is redacted first. */
export function redactingLogger(sink: Logger): Logger {
  return {
    trace: (m) => sink.trace(redactSecrets(m)),
    debug: (m) => sink.debug(redactSecrets(m)),
    info: (m) => sink.info(redactSecrets(m)),
    warn: (m) => sink.warn(redactSecrets(m)),
    error: (m) => sink.error(redactSecrets(m)),
  };
}
