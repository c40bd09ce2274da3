/** Small HTTP helpers shared by the STS and SSO stand-ins (node:http only, no framework). */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** AWS services cap request bodies far above this; identity calls are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(`request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

export function newRequestId(): string {
  return randomUUID();
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...extraHeaders,
  });
  res.end(body);
}

/** Escapes element text (the documents put no user text in attributes, so quotes stay). */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The access key ID a SigV4 `authorization` header was signed with, if the header is SigV4. */
export function sigV4AccessKeyId(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\//.exec(auth);
  return m?.[1];
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Temporary credentials shaped like the ones STS and the SSO portal hand out. */
export function temporaryCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let suffix = '';
  for (const b of bytes) suffix += KEY_ALPHABET[b % KEY_ALPHABET.length];
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString('base64');
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(180))).toString('base64');
  return { accessKeyId: `ASIA${suffix}`, secretAccessKey: secret, sessionToken: `IQoJsandbox${token}` };
}
