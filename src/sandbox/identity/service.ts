/**
 * The identity stand-ins (STS AssumeRole, SSO GetRoleCredentials) as one request handler that a
 * `node:http` server can mount next to the Connect routes. The handler claims a request
 * synchronously (by method, path and content type) so a router can try it first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerSso, isSsoRequest } from './sso';
import { answerSts, isStsRequest } from './sts';
import { SANDBOX_MFA_CODE, type IdentityEvent, type IdentityOptions, type IdentityPolicy } from './types';
import { BodyTooLargeError, newRequestId, readBody, send } from './wire';

export interface IdentityService {
  /** Answers the request and returns true when it is an STS or SSO call; false leaves it alone. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Calls answered so far, oldest first. */
  readonly events: readonly IdentityEvent[];
  clearEvents(): void;
}

function policyFrom(options: IdentityOptions): IdentityPolicy {
  const assignments = options.ssoAssignments;
  return {
    mfaCode: options.mfaCode ?? SANDBOX_MFA_CODE,
    mfaRequired: options.mfaRequired ?? ((arn) => /mfa/i.test(arn.slice(arn.lastIndexOf('/') + 1))),
    ssoGrants: assignments
      ? (accountId, roleName) => assignments.some((a) => a.accountId === accountId && a.roleName === roleName)
      : () => true,
    now: options.now ?? Date.now,
  };
}

// Bounded so a long-running sandbox does not grow without limit.
const MAX_EVENTS = 1000;

export function createIdentityService(options: IdentityOptions = {}): IdentityService {
  const policy = policyFrom(options);
  const events: IdentityEvent[] = [];
  const record = (e: IdentityEvent): void => {
    events.push(e);
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  };
  return {
    events,
    clearEvents: () => void events.splice(0, events.length),
    handle(req, res) {
      if (isSsoRequest(req)) {
        answerSso(req, res, policy, record);
        req.resume();
        return true;
      }
      if (!isStsRequest(req)) return false;
      readBody(req).then(
        (body) => answerSts(req, res, body, policy, record),
        (e: unknown) => {
          const requestId = newRequestId();
          const tooLarge = e instanceof BodyTooLargeError;
          const xml =
            `<ErrorResponse><Error><Type>Sender</Type><Code>${tooLarge ? 'RequestEntityTooLarge' : 'MalformedInput'}</Code>` +
            `<Message>${tooLarge ? 'Request body is too large' : 'Request body could not be read'}</Message></Error>` +
            `<RequestId>${requestId}</RequestId></ErrorResponse>`;
          send(res, tooLarge ? 413 : 400, 'text/xml', xml, requestId, { connection: 'close' });
        },
      );
      return true;
    },
  };
}

/** The sandbox's shared identity service (default options). */
export const sandboxIdentity: IdentityService = createIdentityService();

/** Mount point for the sandbox server: `if (handleIdentityRequest(req, res)) return;`. */
export function handleIdentityRequest(req: IncomingMessage, res: ServerResponse): boolean {
  return sandboxIdentity.handle(req, res);
}
