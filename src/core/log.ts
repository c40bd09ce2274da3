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

// JSON members and header names whose values are secrets in Connect, Participant and AWS traffic.
const SECRET_KEYS = [
  'ParticipantToken',
  'ConnectionToken',
  'X-Amz-Bearer',
  'X-Amz-Security-Token',
  'aws_secret_access_key',
  'aws_session_token',
  'SecretAccessKey',
  'secretAccessKey',
  'SessionToken',
  'sessionToken',
  'accessToken',
  'Authorization',
];

const keyAlternation = SECRET_KEYS.map((k) => k.replace(/[-]/g, '\\-')).join('|');
// "Key": "value"  /  Key: value  /  Key=value
const keyValuePattern = new RegExp(`("?(?:${keyAlternation})"?\\s*[:=]\\s*"?)([^"\\s,;}]+)`, 'gi');
// Access key IDs (AKIA/ASIA + 16 upper-case alphanumerics).
const accessKeyIdPattern = /\b(A[KS]IA)[A-Z0-9]{16}\b/g;

/** Replaces anything that looks like a credential or a Connect token with a fixed marker. */
export function redactSecrets(text: string): string {
  return text
    .replace(keyValuePattern, (_m, prefix: string) => `${prefix}«redacted»`)
    .replace(accessKeyIdPattern, (_m, p: string) => `${p}…«redacted»`);
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
