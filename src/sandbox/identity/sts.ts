/**
 * STS AssumeRole as the SDK's STS client expects it: the awsQuery protocol (form-encoded POST to
 * `/`, XML answer, `ErrorResponse` XML for errors with the HTTP status STS uses).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdentityEvent, IdentityPolicy } from './types';
import { newRequestId, send, sigV4AccessKeyId, temporaryCredentials, xmlEscape } from './wire';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;

/** A request is STS's when it is a form-encoded POST to the root path (awsQuery). */
export function isStsRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const path = (req.url ?? '').split('?')[0];
  const type = String(req.headers['content-type'] ?? '');
  return path === '/' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

function validationError(member: string, constraint: string, value: string | null): StsError {
  const shown = value === null ? 'null' : `'${value}'`;
  return new StsError(
    400,
    'ValidationError',
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

interface AssumeRoleInput {
  roleArn: string;
  roleName: string;
  accountId: string;
  sessionName: string;
  durationSeconds: number;
  serialNumber?: string;
  tokenCode?: string;
}

function parseAssumeRole(form: URLSearchParams): AssumeRoleInput {
  const roleArn = form.get('RoleArn');
  if (roleArn === null) throw validationError('roleArn', 'Member must not be null', null);
  const arn = ROLE_ARN.exec(roleArn);
  if (!arn) throw validationError('roleArn', 'Member must be a valid IAM role ARN', roleArn);
  const sessionName = form.get('RoleSessionName');
  if (sessionName === null) throw validationError('roleSessionName', 'Member must not be null', null);
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(
      'roleSessionName',
      'Member must have length between 2 and 64 and satisfy regular expression pattern: [\\w+=,.@-]*',
      sessionName,
    );
  }
  const durationText = form.get('DurationSeconds');
  const durationSeconds = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
    throw validationError(
      'durationSeconds',
      'Member must have value between 900 and 43200',
      durationText,
    );
  }
  const serialNumber = form.get('SerialNumber') ?? undefined;
  if (serialNumber !== undefined && !MFA_SERIAL.test(serialNumber)) {
    throw validationError('serialNumber', 'Member must have length between 9 and 256', serialNumber);
  }
  const tokenCode = form.get('TokenCode') ?? undefined;
  if (tokenCode !== undefined && !/^\d{6}$/.test(tokenCode)) {
    throw validationError(
      'tokenCode',
      'Member must have length 6 and satisfy regular expression pattern: [\\d]*',
      tokenCode,
    );
  }
  return {
    roleArn,
    accountId: arn[1],
    roleName: arn[2],
    sessionName,
    durationSeconds,
    ...(serialNumber !== undefined ? { serialNumber } : {}),
    ...(tokenCode !== undefined ? { tokenCode } : {}),
  };
}

function assumeRoleXml(input: AssumeRoleInput, nowMs: number, requestId: string): string {
  const creds = temporaryCredentials();
  const expiration = new Date(nowMs + input.durationSeconds * 1000).toISOString();
  const roleId = `AROA${creds.accessKeyId.slice(4)}`;
  return [
    `<AssumeRoleResponse xmlns="${STS_NS}">`,
    '  <AssumeRoleResult>',
    '    <AssumedRoleUser>',
    `      <AssumedRoleId>${roleId}:${xmlEscape(input.sessionName)}</AssumedRoleId>`,
    `      <Arn>arn:aws:sts::${input.accountId}:assumed-role/${xmlEscape(input.roleName)}/${xmlEscape(input.sessionName)}</Arn>`,
    '    </AssumedRoleUser>',
    '    <Credentials>',
    `      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>`,
    `      <SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey>`,
    `      <SessionToken>${xmlEscape(creds.sessionToken)}</SessionToken>`,
    `      <Expiration>${expiration}</Expiration>`,
    '    </Credentials>',
    '  </AssumeRoleResult>',
    '  <ResponseMetadata>',
    `    <RequestId>${requestId}</RequestId>`,
    '  </ResponseMetadata>',
    '</AssumeRoleResponse>',
    '',
  ].join('\n');
}

function errorXml(e: StsError, requestId: string): string {
  return [
    `<ErrorResponse xmlns="${STS_NS}">`,
    '  <Error>',
    `    <Type>${e.type}</Type>`,
    `    <Code>${xmlEscape(e.code)}</Code>`,
    `    <Message>${xmlEscape(e.message)}</Message>`,
    '  </Error>',
    `  <RequestId>${requestId}</RequestId>`,
    '</ErrorResponse>',
    '',
  ].join('\n');
}

export function answerSts(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  policy: IdentityPolicy,
  record: (e: IdentityEvent) => void,
): void {
  const requestId = newRequestId();
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  const sourceAccessKeyId = sigV4AccessKeyId(req);
  const event: IdentityEvent = { service: 'sts', operation: action || '(none)', outcome: 'ok' };
  if (sourceAccessKeyId) event.sourceAccessKeyId = sourceAccessKeyId;
  try {
    if (action !== 'AssumeRole') {
      throw new StsError(400, 'InvalidAction', `Could not find operation ${action || '(none)'} for version 2011-06-15`);
    }
    if (!sourceAccessKeyId) {
      throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const input = parseAssumeRole(form);
    event.roleArn = input.roleArn;
    if (input.serialNumber) event.mfaSerial = input.serialNumber;
    const needsMfa = policy.mfaRequired(input.roleArn);
    if (needsMfa && (!input.serialNumber || !input.tokenCode)) {
      throw new StsError(
        403,
        'AccessDenied',
        `User: arn:aws:iam::${input.accountId}:user/sandbox is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
      );
    }
    if (input.serialNumber && !input.tokenCode) {
      throw new StsError(400, 'ValidationError', 'TokenCode is required when SerialNumber is provided');
    }
    if (input.tokenCode && input.tokenCode !== policy.mfaCode) {
      throw new StsError(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    }
    record(event);
    send(res, 200, 'text/xml', assumeRoleXml(input, policy.now(), requestId), requestId);
  } catch (e) {
    const err = e instanceof StsError ? e : new StsError(500, 'InternalFailure', 'The request processing has failed.', 'Receiver');
    event.outcome = err.code;
    record(event);
    send(res, err.status, 'text/xml', errorXml(err, requestId), requestId);
  }
}
