/**
 * What `chatreq sandbox` prints, in one place: the CLI writes these lines and the extension (which
 * runs the CLI as a child process) reads them. Pure and free of imports, so the extension can
 * bundle it without loading the sandbox.
 */

/** The one line on stdout once the server listens: `Connect sandbox listening on http://127.0.0.1:PORT`. */
export function listeningLine(url: string): string {
  return `Connect sandbox listening on ${url}`;
}

/** The URL and port from a {@link listeningLine}, or undefined for any other line. */
export function parseListeningLine(line: string): { url: string; port: number } | undefined {
  const m = /^Connect sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/.exec(line);
  return m ? { url: m[1], port: Number(m[2]) } : undefined;
}

/** One HTTP request as the sandbox logs it. */
export interface RequestLogFields {
  operation: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when the connection was dropped. */
  status: number;
  errorType?: string;
  ms: number;
}

/**
 * A request-log line without its timestamp: `StartChatContact PUT /contact/chat -> 200 1.2 ms`.
 * The CLI's `--log` puts an ISO timestamp in front (see {@link requestLogLine}); the extension's
 * output channel adds its own.
 */
export function formatRequest(e: RequestLogFields): string {
  return `${e.operation} ${e.method} ${e.path} -> ${e.status === 0 ? 'dropped' : e.status}${e.errorType ? ` ${e.errorType}` : ''} ${e.ms.toFixed(1)} ms`;
}

/** A `--log` line on stderr: `2026-01-15T09:00:00.000Z StartChatContact PUT /contact/chat -> 200 1.2 ms`. */
export function requestLogLine(e: RequestLogFields, at: Date = new Date()): string {
  return `${at.toISOString()} ${formatRequest(e)}`;
}

/** The request part of a `--log` line (without the timestamp), or undefined for any other line. */
export function parseRequestLogLine(line: string): string | undefined {
  const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (\S+ [A-Z]+ \S* -> .*)$/.exec(line);
  return m?.[1];
}

/** Prefix of the CLI's messages on stderr (a skipped flow file, a flow runtime error). */
export const STDERR_PREFIX = 'chatreq sandbox: ';

/**
 * The port-in-use message, the same wherever the sandbox is started; `fix` says how to choose
 * another port where it was started (a CLI option, a setting).
 */
export function portInUseMessage(port: number, fix: string): string {
  return `The Connect sandbox could not listen on port ${port}: it is in use. ${fix}`;
}

/** The port from a {@link portInUseMessage}, or undefined when the text is not one. */
export function parsePortInUse(text: string): number | undefined {
  const m = /could not listen on port (\d+): it is in use/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The fix the CLI names in {@link portInUseMessage}. */
export const CLI_PORT_FIX = 'Pick another with --port, or --port 0 for a free one.';
