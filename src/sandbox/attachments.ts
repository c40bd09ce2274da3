/**
 * Chat attachments (chat-extras §5.4), kept in memory: StartAttachmentUpload hands out an upload
 * URL on the sandbox's own port (standing in for the S3 presigned URL), the client PUTs the bytes
 * there with the headers it was told to include, CompleteAttachmentUpload shares the file as an
 * ATTACHMENT item, and GetAttachment hands out a download URL on the same port.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Contact, type Participant } from './contacts';
import { type OperationInput, type SandboxCore } from './core';
import { participantValidation, ServiceError } from './errors';
import { byConnectionToken, chain, replay, requireActive, requireReadable } from './participantOps';
import { Validator, type JsonObject } from './validate';

export const ATTACHMENT_DATA_PATH = '/sandbox/attachment-data/';

/**
 * Allowed types and the size cap follow the admin guide's "Feature specifications" page
 * (about 20 MB; csv, doc(x), jpeg/jpg, pdf, png, ppt(x), txt, wav, xls(x) and a few more) and
 * are [UNVERIFIED] estimates, as is the per-contact count quota.
 */
export const ATTACHMENT_TYPES = new Set([
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'image/jpeg',
  'image/png',
  'image/heic',
  'application/pdf',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'text/plain',
  'audio/wav',
  'audio/x-wav',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_CONTACT = 50;
/** How long upload and download URLs work: [UNVERIFIED] for uploads; GetAttachment defaults to 300 s. */
const UPLOAD_URL_TTL_MS = 5 * 60_000;
const DEFAULT_DOWNLOAD_TTL_S = 300;

export interface Attachment {
  id: string;
  contactId: string;
  uploaderId: string;
  name: string;
  contentType: string;
  declaredBytes: number;
  data?: Buffer;
  completed: boolean;
  completeToken?: string;
  uploadKey: string;
  uploadExpires: number;
}

export class AttachmentStore {
  readonly byId = new Map<string, Attachment>();
  private readonly byUploadKey = new Map<string, Attachment>();
  private readonly downloads = new Map<string, { attachment: Attachment; expires: number }>();

  add(a: Attachment): void {
    this.byId.set(a.id, a);
    this.byUploadKey.set(a.uploadKey, a);
  }

  forUpload(key: string): Attachment | undefined {
    return this.byUploadKey.get(key);
  }

  countFor(contactId: string): number {
    let n = 0;
    for (const a of this.byId.values()) if (a.contactId === contactId) n++;
    return n;
  }

  download(a: Attachment, expires: number): string {
    const key = urlKey();
    this.downloads.set(key, { attachment: a, expires });
    return key;
  }

  forDownload(key: string, now: number): Attachment | undefined {
    const d = this.downloads.get(key);
    if (!d) return undefined;
    if (d.expires <= now) {
      this.downloads.delete(key);
      return undefined;
    }
    return d.attachment;
  }

  /** Drops everything of a contact the store forgets (bounded memory). */
  forgetContact(contactId: string): void {
    for (const a of this.byId.values()) {
      if (a.contactId !== contactId) continue;
      this.byId.delete(a.id);
      this.byUploadKey.delete(a.uploadKey);
    }
    for (const [k, d] of this.downloads) if (d.attachment.contactId === contactId) this.downloads.delete(k);
  }
}

function urlKey(): string {
  return randomBytes(24).toString('hex');
}

function quotaExceeded(message: string): ServiceError {
  return new ServiceError(402, 'ServiceQuotaExceededException', message);
}

export function startAttachmentUpload(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const type = v.str(b.ContentType, 'ContentType', { required: true, min: 1, max: 255 });
  const size = v.int(b.AttachmentSizeInBytes, 'AttachmentSizeInBytes', { required: true, min: 1 });
  const name = v.str(b.AttachmentName, 'AttachmentName', { required: true, min: 1, max: 256 });
  const clientToken = v.str(b.ClientToken, 'ClientToken', { required: true, min: 1, max: 500 });
  v.check();
  const earlier = replay(p, `start-attachment\n${clientToken!}`);
  if (earlier) return earlier as JsonObject;
  requireActive(p);
  if (!ATTACHMENT_TYPES.has(type!.toLowerCase())) {
    throw participantValidation(`ContentType '${type!.slice(0, 100)}' is not an attachment type this chat accepts. Accepted: ${[...ATTACHMENT_TYPES].join(', ')}.`);
  }
  if (size! > MAX_ATTACHMENT_BYTES) {
    throw participantValidation(`AttachmentSizeInBytes ${size!} is larger than the ${MAX_ATTACHMENT_BYTES} bytes an attachment may have.`);
  }
  if (core.attachments.countFor(p.contact.contactId) >= MAX_ATTACHMENTS_PER_CONTACT) {
    throw quotaExceeded(`The number of attachments per contact exceeds the quota (${MAX_ATTACHMENTS_PER_CONTACT} in the sandbox).`);
  }
  const now = core.clock.now().getTime();
  const a: Attachment = {
    id: randomUUID(),
    contactId: p.contact.contactId,
    uploaderId: p.participantId,
    name: name!,
    contentType: type!,
    declaredBytes: size!,
    completed: false,
    uploadKey: urlKey(),
    uploadExpires: now + UPLOAD_URL_TTL_MS,
  };
  core.attachments.add(a);
  const response = {
    AttachmentId: a.id,
    UploadMetadata: {
      Url: `${core.httpBase()}${ATTACHMENT_DATA_PATH}${a.uploadKey}`,
      UrlExpiry: new Date(a.uploadExpires).toISOString(),
      // S3 presigned uploads name the headers that were signed; which ones Connect lists is [UNVERIFIED].
      HeadersToInclude: { 'Content-Type': a.contentType },
    },
  };
  p.replies.set(`start-attachment\n${clientToken!}`, response);
  return response;
}

export function completeAttachmentUpload(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const ids = v.list(b.AttachmentIds, 'AttachmentIds', { required: true, min: 1, max: 1 });
  const id = ids ? v.str(ids[0], 'AttachmentIds.1.member', { required: true, min: 1, max: 256 }) : undefined;
  const clientToken = v.str(b.ClientToken, 'ClientToken', { required: true, min: 1, max: 500 });
  v.check();
  const a = core.attachments.byId.get(id!);
  if (!a || a.uploaderId !== p.participantId) throw participantValidation(`AttachmentIds: '${id!.slice(0, 256)}' names no attachment this participant started.`);
  if (a.completed) {
    if (a.completeToken === clientToken) return {};
    throw new ServiceError(409, 'ConflictException', `The attachment '${a.id}' has already been completed.`);
  }
  requireActive(p);
  if (!a.data) throw participantValidation(`The attachment '${a.id}' has not been uploaded: PUT the file to UploadMetadata.Url first.`);
  a.completed = true;
  a.completeToken = clientToken!;
  // Connect scans the file and may move it from IN_PROGRESS to APPROVED or REJECTED; the sandbox
  // approves at once (the real sequence is [UNVERIFIED]).
  core.store.post(p.contact, {
    Type: 'ATTACHMENT',
    ContentType: a.contentType,
    Attachments: [{ ContentType: a.contentType, AttachmentId: a.id, AttachmentName: a.name, Status: 'APPROVED' }],
    ParticipantId: p.participantId,
    DisplayName: p.displayName,
    ParticipantRole: p.role,
  });
  return {};
}

function visibleTo(core: SandboxCore, p: Participant, a: Attachment): boolean {
  return chain(core, p.contact).some((c: Contact) => c.contactId === a.contactId);
}

export function getAttachment(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const id = v.str(b.AttachmentId, 'AttachmentId', { required: true, min: 1, max: 256 });
  const ttl = v.int(b.UrlExpiryInSeconds, 'UrlExpiryInSeconds', { min: 5, max: 300 });
  v.check();
  requireReadable(p);
  if (p.role === 'CUSTOM_BOT') throw new ServiceError(403, 'AccessDeniedException', 'CUSTOM_BOT participants cannot download attachments.');
  const a = core.attachments.byId.get(id!);
  if (!a || !a.completed || !visibleTo(core, p, a)) throw participantValidation(`AttachmentId '${id!.slice(0, 256)}' names no attachment shared in this chat.`);
  const expires = core.clock.now().getTime() + (ttl ?? DEFAULT_DOWNLOAD_TTL_S) * 1000;
  const key = core.attachments.download(a, expires);
  return { Url: `${core.httpBase()}${ATTACHMENT_DATA_PATH}${key}`, UrlExpiry: new Date(expires).toISOString(), AttachmentSizeInBytes: a.data!.length };
}

/** S3-style XML error, as a presigned URL answers. */
function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * PUT (upload) and GET (download) on the URLs above. Answers like S3 does: 200 with an ETag, or
 * an XML error. Returns false when the path is not an attachment URL.
 */
export async function handleAttachmentData(core: SandboxCore, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (!path.startsWith(ATTACHMENT_DATA_PATH)) return false;
  const key = path.slice(ATTACHMENT_DATA_PATH.length);
  const method = (req.method ?? 'GET').toUpperCase();
  const now = core.clock.now().getTime();
  if (method === 'GET') {
    req.resume();
    const a = core.attachments.forDownload(key, now);
    if (!a?.data) {
      s3Error(res, 403, 'AccessDenied', 'Request has expired or the URL is not valid.');
      return true;
    }
    res.writeHead(200, { 'Content-Type': a.contentType, 'Content-Length': a.data.length, 'Content-Disposition': `attachment; filename="${a.name.replace(/["\\\r\n]/g, '_')}"` });
    res.end(a.data);
    return true;
  }
  if (method !== 'PUT') {
    req.resume();
    s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    return true;
  }
  const a = core.attachments.forUpload(key);
  if (!a || a.uploadExpires <= now || a.completed) {
    req.resume();
    s3Error(res, 403, 'AccessDenied', 'Request has expired or the URL is not valid.');
    return true;
  }
  const type = String(req.headers['content-type'] ?? '');
  if (type.toLowerCase() !== a.contentType.toLowerCase()) {
    req.resume();
    s3Error(res, 403, 'SignatureDoesNotMatch', `The Content-Type header must be '${a.contentType}', as UploadMetadata.HeadersToInclude says.`);
    return true;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  await new Promise<void>((resolve) => {
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > a.declaredBytes) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', resolve);
    req.on('close', resolve);
    req.on('error', () => resolve());
  });
  if (tooBig || size !== a.declaredBytes) {
    s3Error(res, 400, 'BadDigest', `The upload has ${size} bytes; StartAttachmentUpload declared ${a.declaredBytes}.`);
    return true;
  }
  a.data = Buffer.concat(chunks);
  res.writeHead(200, { ETag: `"${randomUUID().replace(/-/g, '')}"`, 'Content-Length': 0 });
  res.end();
  return true;
}
