/**
 * The IAM Identity Center portal's GetRoleCredentials, restJson1 as the SDK's SSO client sends it:
 * `GET /federation/credentials?role_name=&account_id=` with the access token in
 * `x-amz-sso_bearer_token`. Errors carry `x-amzn-ErrorType` and a `{ "message" }` body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkSsoAccessToken } from './tokens';
import type { IdentityEvent, IdentityPolicy } from './types';
import { newRequestId, send, temporaryCredentials } from './wire';

export const SSO_CREDENTIALS_PATH = '/federation/credentials';

export function isSsoRequest(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.url ?? '').split('?')[0] === SSO_CREDENTIALS_PATH;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  send(res, status, 'application/json', JSON.stringify({ message }), requestId, { 'x-amzn-ErrorType': code });
}

export function answerSso(
  req: IncomingMessage,
  res: ServerResponse,
  policy: IdentityPolicy,
  record: (e: IdentityEvent) => void,
): void {
  const requestId = newRequestId();
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const roleName = query.get('role_name');
  const accountId = query.get('account_id');
  const event: IdentityEvent = { service: 'sso', operation: 'GetRoleCredentials', outcome: 'ok' };
  if (roleName) event.roleName = roleName;
  if (accountId) event.accountId = accountId;
  const fail = (status: number, code: string, message: string): void => {
    event.outcome = code;
    record(event);
    sendError(res, status, code, message, requestId);
  };
  const header = req.headers['x-amz-sso_bearer_token'];
  const token = Array.isArray(header) ? header[0] : header;
  const check = checkSsoAccessToken(token, policy.now());
  // The portal gives the same answer for an unknown and an expired token.
  if (!check.ok) return fail(401, 'UnauthorizedException', 'Session token not found or invalid');
  if (!roleName) return fail(400, 'InvalidRequestException', "Missing required parameter 'role_name'");
  if (!accountId) return fail(400, 'InvalidRequestException', "Missing required parameter 'account_id'");
  if (!/^\d{12}$/.test(accountId)) return fail(400, 'InvalidRequestException', 'Invalid account_id: expected 12 digits');
  if (!policy.ssoGrants(accountId, roleName)) return fail(403, 'ForbiddenException', 'No access');
  const creds = temporaryCredentials();
  record(event);
  const body = {
    roleCredentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      // The portal reports expiry in epoch milliseconds.
      expiration: policy.now() + 3600 * 1000,
    },
  };
  send(res, 200, 'application/json', JSON.stringify(body), requestId);
}
