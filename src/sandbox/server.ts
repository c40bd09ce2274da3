/**
 * The HTTP side: routing, body reading, content-type and size checks, faults and quotas, and
 * writing responses and errors the way AWS does (`x-amzn-RequestId`, `x-amzn-ErrorType`,
 * `{"Message": ...}`). Nothing a client sends may crash or stall the server: every path ends in
 * a response (or, for an injected `drop`, a closed socket).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type SandboxCore } from './core';
import { internalError, ServiceError, type ServiceName } from './errors';
import { type FaultRule } from './faults';
import type { IdentityService } from './identity';
import { JSON_ROUTES, matchRoute, ROUTES, type JsonRoute, type Route } from './routes';
import { isObject, type JsonObject } from './validate';

/** One line of the optional request log: what was called and how it ended. Never holds tokens. */
export interface RequestLogEntry {
  operation: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when the connection was dropped (injected fault, client gone). */
  status: number;
  errorType?: string;
  requestId?: string;
  ms: number;
}

/**
 * Browsers (a chat widget using amazon-connect-chatjs, a webview) call the Participant Service
 * cross-origin, as they do the real one, so its routes answer CORS preflights. Unlike the real
 * service the sandbox never says `Access-Control-Allow-Origin: *`: any web page could then drive a
 * sandbox on the developer's machine. Only pages served from loopback and VS Code webviews get
 * their own origin echoed back.
 */
const PARTICIPANT_CORS = {
  'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, Date',
  Vary: 'Origin',
};
const PREFLIGHT = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'content-type, x-amz-bearer, authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request',
  'Access-Control-Max-Age': '86400',
};

const LOOPBACK_ORIGIN = /^(https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?|vscode-webview:\/\/[a-z0-9.-]+)$/i;

/** The Origin to echo in Access-Control-Allow-Origin, or undefined for any other page. */
export function allowedOrigin(origin: string | string[] | undefined): string | undefined {
  return typeof origin === 'string' && LOOPBACK_ORIGIN.test(origin) ? origin : undefined;
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

/**
 * DNS rebinding guard: a page on evil.example that re-points its name at 127.0.0.1 reaches the
 * sandbox with `Host: evil.example`. Only loopback names (any port) are served; a request with no
 * Host at all (HTTP/1.0 tools) cannot come from a browser and is let through.
 */
export function hostAllowed(host: string | undefined): boolean {
  return host === undefined || LOOPBACK_HOST.test(host);
}

export function hostRefusal(host: string): ServiceError {
  return new ServiceError(403, 'AccessDeniedException', `The sandbox answers only requests addressed to a loopback name (127.0.0.1, localhost or [::1]); Host '${host.slice(0, 100)}' is not one.`);
}

/** decodeURIComponent that answers bad percent-encoding with a 400 instead of throwing URIError. */
export function decodePathSegment(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServiceError(400, 'SerializationException', `The ${name} path segment is not valid percent-encoding.`);
  }
}

/** A Node-level parse error (bad request line or header, header overflow) as an AWS error response. */
export function clientErrorResponse(code: string | undefined): string {
  const [status, reason, type, message] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'RequestHeaderFieldsTooLarge', 'The request headers are larger than the sandbox accepts.']
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'RequestTimeoutException', 'The request did not arrive in time.']
        : [400, 'Bad Request', 'SerializationException', `The request is not valid HTTP/1.1${code ? ` (${code})` : ''}.`];
  const body = JSON.stringify({ Message: message });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
    `x-amzn-RequestId: ${randomUUID()}\r\nx-amzn-ErrorType: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export interface HttpOptions {
  maxBodyBytes: number;
  onRequest?: (entry: RequestLogEntry) => void;
  /** Sandbox-only routes under /sandbox/ (admin); returns false when the path is not one. */
  admin(req: IncomingMessage, res: ServerResponse, path: string, body: () => Promise<unknown>): Promise<boolean>;
  /** STS and SSO stand-ins, tried before the Connect routes (they claim requests synchronously). */
  identity?: IdentityService;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  // setHeader (not writeHead's argument) so the request log can read them back.
  const all: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  };
  for (const [k, v] of Object.entries(all)) res.setHeader(k, v);
  res.writeHead(status);
  res.end(text);
}

function sendError(res: ServerResponse, e: ServiceError, extraHeaders: Record<string, string> = {}): void {
  sendJson(res, e.status, { Message: e.message, ...e.extra }, { 'x-amzn-ErrorType': e.type, ...extraHeaders });
}

const AWS_JSON = 'application/x-amz-json-1.1';

/** awsJson1_1 errors: `{"__type": ..., "message": ...}` and the same type in x-amzn-ErrorType. */
function sendAwsJsonError(res: ServerResponse, e: ServiceError, extraHeaders: Record<string, string> = {}): void {
  sendJson(res, e.status, { __type: e.type, message: e.message, ...e.extra }, { 'Content-Type': AWS_JSON, 'x-amzn-ErrorType': e.type, ...extraHeaders });
}

class BodyError extends ServiceError {}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads the body up to `limit` bytes; beyond it, the request is refused with 413. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
    // A client that goes away mid-body: settle, so nothing waits on it.
    req.on('close', () => {
      if (!done) {
        done = true;
        reject(new Error('the client closed the connection before the request body was complete'));
      }
    });
  });
}

function tooLarge(limit: number): BodyError {
  return new BodyError(413, 'RequestEntityTooLargeException', `The request body is larger than the ${limit} bytes this endpoint accepts.`);
}

function parseJsonBody(raw: Buffer, contentType: string | undefined, accepted = 'application/json'): JsonObject {
  if (raw.length === 0) return {};
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== accepted && type !== 'application/json') {
    throw new BodyError(415, 'UnsupportedMediaTypeException', `Content-Type '${type.slice(0, 100)}' is not supported; send the JSON body with Content-Type: ${accepted}.`);
  }
  let value: unknown;
  let text: string;
  try {
    // Fatal decoding: Buffer#toString would turn bad bytes into U+FFFD and store them in names.
    text = UTF8.decode(raw);
  } catch {
    throw new BodyError(400, 'SerializationException', 'The request body is not valid UTF-8.');
  }
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new BodyError(400, 'SerializationException', `The request body is not valid JSON: ${detail.slice(0, 200)}`);
  }
  if (!isObject(value)) throw new BodyError(400, 'SerializationException', 'The request body must be a JSON object ({...}).');
  return value;
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function faultError(route: Pick<Route, 'service' | 'op'>, f: FaultRule): ServiceError {
  const base = internalError(route.service, f.message ?? `Injected fault: ${route.op} failed on purpose (sandbox fault rule).`);
  return new ServiceError(f.status ?? base.status, f.errorType ?? base.type, f.message ?? base.message);
}

function template(r: Route): string {
  let i = 0;
  return r.pattern.source
    .replace(/^\^|\$$/g, '')
    .replace(/\(\[\^\/\]\+\)/g, () => `{${r.labels[i++] ?? ''}}`)
    .replace(/\\\//g, '/');
}

function allowedList(): string {
  return [...ROUTES.map((r) => `${r.method} ${template(r)}`), ...JSON_ROUTES.map((r) => `POST / (X-Amz-Target: ${r.target})`)].join(', ');
}

/**
 * Injected faults and the TPS quota for one request. Returns 'dropped' when the connection was
 * destroyed, else whether to drop it after handling.
 */
async function applyFaults(
  core: SandboxCore,
  req: IncomingMessage,
  route: Pick<Route, 'service' | 'op' | 'throttleType'>,
  throttleStatus = 429,
): Promise<'dropped' | boolean> {
  let dropAfter = false;
  for (const f of core.faults.take(route.op)) {
    if (f.kind === 'latency') await wait(f.latencyMs ?? 0);
    else if (f.kind === 'drop' && f.afterHandling) dropAfter = true;
    else if (f.kind === 'drop') {
      req.socket.destroy();
      return 'dropped';
    } else throw faultError(route, f);
  }
  if (core.faults.throttled(route.op, core.clock.now().getTime())) {
    throw new ServiceError(throttleStatus, route.throttleType, `Rate exceeded: ${route.op} is limited to the sandbox's TPS quota.`);
  }
  return dropAfter;
}

/**
 * The shape of a SigV4 Authorization header: `AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/
 * <service>/aws4_request, SignedHeaders=<a;b;c>, Signature=<hex>`. The signature itself is never
 * checked (any credentials work in the sandbox); the access key may be empty.
 */
const SIGV4 =
  /^AWS4-HMAC-SHA256 +Credential=[^/\s,]*\/\d{8}\/[a-z0-9-]+\/[a-z0-9-]+\/aws4_request *, *SignedHeaders=[a-z0-9-]+(;[a-z0-9-]+)* *, *Signature=[0-9a-f]+$/;

function requireSigV4(req: IncomingMessage, service: string): void {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || auth.trim() === '') {
    req.resume();
    throw new ServiceError(403, 'MissingAuthenticationTokenException', `Missing Authentication Token: ${service} calls must be signed with AWS Signature Version 4 (any credentials work in the sandbox).`);
  }
  if (!SIGV4.test(auth.trim())) {
    req.resume();
    // AWS answers a header it cannot parse with IncompleteSignatureException (403), naming what is
    // missing; the exact wording is [UNVERIFIED].
    throw new ServiceError(
      403,
      'IncompleteSignatureException',
      `The Authorization header is not a valid AWS Signature Version 4 header. It must look like 'AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=<headers>, Signature=<hex>'.`,
    );
  }
}

/** An awsJson1_1 call (`POST /` + `X-Amz-Target`); errors go out in that protocol's shape. */
async function handleJsonRpc(core: SandboxCore, req: IncomingMessage, res: ServerResponse, target: string, opts: HttpOptions, named: (op: string) => void): Promise<void> {
  const route: JsonRoute | undefined = JSON_ROUTES.find((r) => r.target === target);
  try {
    if (!route) {
      req.resume();
      throw new ServiceError(400, 'UnknownOperationException', `No operation matches X-Amz-Target '${target.slice(0, 200)}'. This endpoint serves: ${JSON_ROUTES.map((r) => r.target).join(', ')}.`);
    }
    named(route.op);
    requireSigV4(req, 'CloudWatch Logs');
    const body = parseJsonBody(await readBody(req, opts.maxBodyBytes), req.headers['content-type'], AWS_JSON);
    const drop = await applyFaults(core, req, route, route.throttleStatus);
    if (drop === 'dropped') return;
    const result = route.handler(core, { labels: {}, query: new URLSearchParams(), headers: req.headers, body });
    if (drop) {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, result, { 'Content-Type': AWS_JSON });
  } catch (e) {
    if (e instanceof ServiceError) {
      sendAwsJsonError(res, e, e instanceof BodyError && e.status === 413 ? { Connection: 'close' } : {});
      return;
    }
    sendAwsJsonError(res, internalError(route?.service ?? 'logs', `The sandbox failed while handling this request: ${e instanceof Error ? e.message : String(e)}`));
  }
}

export function createHandler(core: SandboxCore, opts: HttpOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let service: ServiceName = 'connect';
    let operation = 'Unknown';
    if (opts.onRequest) {
      const log = opts.onRequest;
      const t0 = process.hrtime.bigint();
      let done = false;
      const report = (status: number) => {
        if (done) return;
        done = true;
        const type = res.getHeader('x-amzn-ErrorType');
        const id = res.getHeader('x-amzn-RequestId');
        try {
          log({
            operation,
            method: req.method ?? 'GET',
            path: (req.url ?? '/').split('?')[0].slice(0, 300),
            status,
            ...(typeof type === 'string' ? { errorType: type } : {}),
            ...(typeof id === 'string' ? { requestId: id } : {}),
            ms: Number(process.hrtime.bigint() - t0) / 1e6,
          });
        } catch {
          // A failing logger must not affect the service.
        }
      };
      res.on('finish', () => report(res.statusCode));
      res.on('close', () => report(res.writableFinished ? res.statusCode : 0));
    }
    if (!hostAllowed(req.headers.host)) {
      operation = 'HostRefused';
      req.resume();
      sendError(res, hostRefusal(req.headers.host ?? ''));
      return;
    }
    if (opts.identity) {
      const isSso = (req.method ?? '').toUpperCase() === 'GET';
      if (opts.identity.handle(req, res)) {
        operation = isSso ? 'sso:GetRoleCredentials' : 'sts';
        return;
      }
    }
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const method = (req.method ?? 'GET').toUpperCase();
      if (path.startsWith('/participant/')) {
        const origin = allowedOrigin(req.headers.origin);
        const allow: Record<string, string> = origin ? { 'Access-Control-Allow-Origin': origin } : {};
        for (const [k, v] of Object.entries({ ...PARTICIPANT_CORS, ...allow })) res.setHeader(k, v);
        if (method === 'OPTIONS') {
          operation = 'CorsPreflight';
          req.resume();
          res.writeHead(200, { ...PARTICIPANT_CORS, ...allow, ...PREFLIGHT, 'Content-Length': 0 });
          res.end();
          return;
        }
      }
      if (path === '/sandbox' || path.startsWith('/sandbox/')) {
        operation = 'SandboxAdmin';
        const handled = await opts.admin(req, res, path, async () => parseJsonBody(await readBody(req, opts.maxBodyBytes), req.headers['content-type']));
        if (handled) return;
      }
      // awsJson1_1 services (CloudWatch Logs) all post to `/`; the target header names the call.
      const target = req.headers['x-amz-target'];
      if (method === 'POST' && path === '/' && typeof target === 'string') {
        operation = 'JsonRpc';
        await handleJsonRpc(core, req, res, target, opts, (op) => (operation = op));
        return;
      }
      const match = matchRoute(method, path);
      if (!match.route) {
        req.resume();
        const hint = match.otherMethod ? ` ${match.otherMethod.op} is ${match.otherMethod.method} ${path}.` : '';
        throw new ServiceError(404, 'UnknownOperationException', `No operation matches ${method} ${path.slice(0, 200)}.${hint} This endpoint serves: ${allowedList()}.`);
      }
      const route = match.route;
      service = route.service;
      operation = route.op;
      const labels: Record<string, string> = {};
      for (const [i, name] of route.labels.entries()) labels[name] = decodePathSegment(match.labels[i], name);
      if (route.service === 'connect') requireSigV4(req, 'Connect');
      const raw = route.hasBody ? await readBody(req, opts.maxBodyBytes) : (req.resume(), Buffer.alloc(0));
      const body = route.hasBody ? parseJsonBody(raw, req.headers['content-type']) : {};

      const dropAfter = await applyFaults(core, req, route);
      if (dropAfter === 'dropped') return;
      const result = route.handler(core, { labels, query: url.searchParams, headers: req.headers, body });
      if (dropAfter) {
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, result);
    } catch (e) {
      if (e instanceof ServiceError) {
        // After a refused body the rest of it may still be arriving: close rather than read it.
        sendError(res, e, e instanceof BodyError && e.status === 413 ? { Connection: 'close' } : {});
        return;
      }
      sendError(res, internalError(service, `The sandbox failed while handling this request: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
}
