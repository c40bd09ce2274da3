/**
 * Turns what the SDK and its credential providers throw into one sentence a user can act on, plus
 * the action to offer. Pure: it reads the error's name, code, status and message, never a stack,
 * and everything it returns passes through redactSecrets().
 */
import { checkRegion, connectionRegion, isConnectRegion, type Connection } from '../connection/model';
import { redactSecrets } from '../log';

export type ErrorKind =
  | 'ssoExpired'
  | 'ssoNotSignedIn'
  | 'ssoNoAccess'
  | 'mfaRequired'
  | 'mfaInvalid'
  | 'credentialProcess'
  | 'profileNotFound'
  | 'noCredentials'
  | 'invalidCredentials'
  | 'accessDenied'
  | 'invalidRegion'
  | 'unknownRegion'
  | 'endpointUnreachable'
  | 'sandboxUnreachable'
  | 'network'
  | 'throttled'
  | 'quotaExceeded'
  | 'notFound'
  | 'flowNotPublished'
  | 'invalidRequest'
  | 'serviceError'
  | 'unknown';

export type SuggestedAction =
  | { kind: 'runInTerminal'; label: string; command: string }
  | { kind: 'selectConnection'; label: string }
  | { kind: 'selectRegion'; label: string }
  | { kind: 'openSettings'; label: string; setting: string }
  | { kind: 'retry'; label: string };

export interface ErrorExplanation {
  kind: ErrorKind;
  /** One or two sentences for a notification or an error node. */
  message: string;
  actions: SuggestedAction[];
  /** The AWS request ID, when the service answered (worth quoting to AWS support). */
  requestId?: string;
  /** Trying the same call again later may work. */
  retryable: boolean;
}

export interface ErrorContext {
  connection?: Connection;
  /** The API operation that failed, e.g. 'ListInstances'. */
  operation?: string;
  /** The endpoint override in use, if any (so a DNS failure is blamed on it, not the region). */
  endpoint?: string;
  /** The setting that holds the endpoint override, for the "open settings" action. */
  endpointSetting?: string;
}

interface ErrorFacts {
  name: string;
  message: string;
  code?: string;
  status?: number;
  requestId?: string;
  attempts?: number;
  hostname?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const VALIDATION_NAMES = new Set([
  'InvalidParameterException',
  'InvalidRequestException',
  'ValidationException',
  'ValidationError',
  'InvalidParameterValue',
  'IdempotencyException',
]);

function facts(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: String(error) };
  }
  const e = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    hostname?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  };
  const f: ErrorFacts = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : '',
  };
  // The SSO provider wraps the portal's error as `new CredentialsProviderError(error)`, which
  // leaves only "UnauthorizedException: message" in the text: recover the service error's name.
  const wrapped = /^([A-Z][A-Za-z]+(?:Exception|Error)): ([\s\S]*)$/.exec(f.message);
  if (f.name === 'CredentialsProviderError' && wrapped) {
    f.name = wrapped[1];
    f.message = wrapped[2];
  }
  if (typeof e.code === 'string') f.code = e.code;
  if (typeof e.hostname === 'string') f.hostname = e.hostname;
  const m = e.$metadata;
  if (m?.httpStatusCode) f.status = m.httpStatusCode;
  if (m?.requestId) f.requestId = m.requestId;
  if (m?.attempts) f.attempts = m.attempts;
  return f;
}

/** The first line of a service message, redacted and bounded: never a stack, never a secret. */
function serviceText(message: string): string {
  const first = message.split(/\r?\n/)[0].trim();
  const bounded = first.length > 300 ? `${first.slice(0, 300)}…` : first;
  return redactSecrets(bounded);
}

function profileOf(c: Connection | undefined): string | undefined {
  return c?.kind === 'profile' ? c.profile : undefined;
}

function ssoLogin(profile: string | undefined): SuggestedAction {
  return {
    kind: 'runInTerminal',
    label: 'Run aws sso login',
    command: profile ? `aws sso login --profile ${shellQuote(profile)}` : 'aws sso login',
  };
}

function shellQuote(s: string): string {
  return /^[\w.@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const selectConnection: SuggestedAction = { kind: 'selectConnection', label: 'Select Connection' };
const selectRegion: SuggestedAction = { kind: 'selectRegion', label: 'Select Region' };
const retry: SuggestedAction = { kind: 'retry', label: 'Retry' };

function who(c: Connection | undefined): string {
  if (!c) return 'the current credentials';
  if (c.kind === 'profile') return `profile "${c.profile}"`;
  if (c.kind === 'env') return 'the environment credentials';
  return 'the sandbox';
}

function missingAction(f: ErrorFacts, ctx: ErrorContext): string | undefined {
  const m = /perform:\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(f.message);
  if (m) return m[1];
  return ctx.operation ? `connect:${ctx.operation}` : undefined;
}

function explainCore(f: ErrorFacts, ctx: ErrorContext): Omit<ErrorExplanation, 'requestId'> {
  const profile = profileOf(ctx.connection);
  const msg = f.message;
  const forProfile = profile ? ` for profile "${profile}"` : '';

  // Credential providers (these never reach a service, so they come first).
  if (
    /SSO session associated with this profile (has expired|is invalid)/i.test(msg) ||
    /^Token is expired/i.test(msg) ||
    (/Cannot refresh/i.test(msg) && /sso/i.test(msg))
  ) {
    return {
      kind: 'ssoExpired',
      message: `Your AWS SSO sign-in${forProfile} has expired. Sign in again with aws sso login, then retry.`,
      actions: [ssoLogin(profile), retry],
      retryable: true,
    };
  }
  if (/SSO session token associated with profile=.* was not found/i.test(msg) || /Value not present for '.*' in SSO Token/i.test(msg)) {
    return {
      kind: 'ssoNotSignedIn',
      message: `You are not signed in to AWS SSO${forProfile} (no cached sign-in was found). Run aws sso login, then retry.`,
      actions: [ssoLogin(profile), retry],
      retryable: true,
    };
  }
  if (f.name === 'UnauthorizedException' && (ctx.operation === undefined || ctx.operation === 'GetRoleCredentials')) {
    return {
      kind: 'ssoExpired',
      message: `The AWS SSO portal did not accept your cached sign-in${forProfile} (it expired or was revoked). Run aws sso login, then retry.`,
      actions: [ssoLogin(profile), retry],
      retryable: true,
    };
  }
  if (f.name === 'ForbiddenException' && /no access/i.test(msg)) {
    return {
      kind: 'ssoNoAccess',
      message: `Your AWS SSO user has no access to the account and role named in profile "${profile ?? '?'}" (sso_account_id / sso_role_name). Check the profile, or ask an administrator for the assignment.`,
      actions: [selectConnection],
      retryable: false,
    };
  }
  if (/requires multi-factor authentication, but no MFA code/i.test(msg)) {
    return {
      kind: 'mfaRequired',
      message: `Profile "${profile ?? '?'}" assumes a role that needs an MFA code, and none was entered. Retry and enter the code from your MFA device.`,
      actions: [retry],
      retryable: true,
    };
  }
  if (/MultiFactorAuthentication failed/i.test(msg)) {
    return {
      kind: 'mfaInvalid',
      message: 'The MFA code was not accepted (wrong or already used). Wait for the next code on your device and retry.',
      actions: [retry],
      retryable: true,
    };
  }
  if (/credential_process/i.test(msg)) {
    // The provider's message can quote the process output, which may hold a key: not repeated.
    return {
      kind: 'credentialProcess',
      message: `The credential_process command${forProfile} failed or did not print version 1 credentials JSON. Run it in a terminal to see why.`,
      actions: [retry, selectConnection],
      retryable: true,
    };
  }
  if (/Could not resolve credentials using profile|Profile .* (could not be found|was not found)/i.test(msg)) {
    return {
      kind: 'profileNotFound',
      message: `Profile "${profile ?? '?'}" is missing from your AWS config and credentials files, or has no credentials in it. Fix the profile or select another connection.`,
      actions: [selectConnection],
      retryable: false,
    };
  }
  if (/Unable to find environment variable credentials/i.test(msg)) {
    return {
      kind: 'noCredentials',
      message: 'No AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set for VS Code. Set them before starting VS Code, or select a profile.',
      actions: [selectConnection],
      retryable: false,
    };
  }
  if (/Could not load credentials from any providers/i.test(msg) || f.name === 'CredentialsProviderError') {
    return {
      kind: 'noCredentials',
      message: `No AWS credentials could be found for ${who(ctx.connection)}. Configure a profile (aws configure or aws configure sso) or select another connection.`,
      actions: [selectConnection],
      retryable: false,
    };
  }
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(f.name)) {
    return {
      kind: 'invalidCredentials',
      message: `The temporary credentials of ${who(ctx.connection)} have expired. ${profile ? 'Retry to refresh them' : 'Refresh them'}; for SSO profiles run aws sso login.`,
      actions: profile ? [retry, ssoLogin(profile)] : [retry],
      retryable: true,
    };
  }
  if (/^(UnrecognizedClientException|InvalidSignatureException|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature)$/.test(f.name)) {
    return {
      kind: 'invalidCredentials',
      message: `AWS did not recognise the credentials of ${who(ctx.connection)} (wrong or deactivated access key). Check the keys or select another connection.`,
      actions: [selectConnection],
      retryable: false,
    };
  }

  // Authorisation.
  if (/^(AccessDeniedException|AccessDenied|UnauthorizedOperation|NotAuthorized)$/.test(f.name) || (f.status === 403 && !f.name.endsWith('Exception'))) {
    const action = missingAction(f, ctx);
    return {
      kind: 'accessDenied',
      message: action
        ? `Access denied: ${who(ctx.connection)} is not allowed to call ${action}. Ask your administrator to allow ${action}, or select a connection that has it.`
        : `Access denied for ${who(ctx.connection)}: ${serviceText(msg)}`,
      actions: [selectConnection],
      retryable: false,
    };
  }

  // Region and endpoint.
  const region = ctx.connection ? connectionRegion(ctx.connection) : undefined;
  if (/Region not accepted|Invalid region|invalid Region/i.test(msg) || (region && ctx.connection?.kind !== 'sandbox' && checkRegion(region))) {
    return {
      kind: 'invalidRegion',
      message: `"${region ?? '?'}" is not a valid AWS region name. Select a region such as us-east-1.`,
      actions: [selectRegion],
      retryable: false,
    };
  }
  const code = f.code ?? '';
  if (NETWORK_CODES.has(code) || /^(TimeoutError|RequestTimeout|RequestTimeoutException|NetworkingError)$/.test(f.name) || /socket hang up/i.test(msg)) {
    const attempts = f.attempts && f.attempts > 1 ? ` (after ${f.attempts} attempts)` : '';
    if (ctx.connection?.kind === 'sandbox') {
      return {
        kind: 'sandboxUnreachable',
        message: `The Connect sandbox${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} did not answer${attempts}. Restart it and retry.`,
        actions: [retry],
        retryable: true,
      };
    }
    const dns = code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    if (ctx.endpoint) {
      return {
        kind: 'endpointUnreachable',
        message: dns
          ? `The endpoint override ${ctx.endpoint} does not resolve (unknown host ${f.hostname ?? ''}). Check the endpoint setting.`.replace(' ()', '')
          : `The endpoint override ${ctx.endpoint} could not be reached (${code || f.name})${attempts}. Check the endpoint setting and your network.`,
        actions: ctx.endpointSetting ? [{ kind: 'openSettings', label: 'Open Settings', setting: ctx.endpointSetting }, retry] : [retry],
        retryable: !dns,
      };
    }
    if (dns && region && !isConnectRegion(region)) {
      return {
        kind: 'unknownRegion',
        message: `Amazon Connect is not available in region "${region}" (${f.hostname ?? 'its endpoint'} does not resolve). Select a region where your instance is.`,
        actions: [selectRegion],
        retryable: false,
      };
    }
    return {
      kind: 'network',
      message: `Could not reach AWS${region ? ` in ${region}` : ''} (${code || f.name})${attempts}. Check your network, proxy or VPN, then retry.`,
      actions: [retry],
      retryable: true,
    };
  }

  // Service answers.
  if (THROTTLE_NAMES.has(f.name) || (f.status === 429 && f.name !== 'LimitExceededException')) {
    const op = ctx.operation ? `connect:${ctx.operation}` : 'the request';
    const attempts = f.attempts ? ` after ${f.attempts} attempts` : '';
    return {
      kind: 'throttled',
      message: `Amazon Connect kept throttling ${op}${attempts}. Wait a little and retry; if it persists, the account's API rate quota is too low for this use.`,
      actions: [retry],
      retryable: true,
    };
  }
  if (f.name === 'LimitExceededException' || f.name === 'ServiceQuotaExceededException') {
    return {
      kind: 'quotaExceeded',
      message: `A service quota was reached: ${serviceText(msg) || 'limit exceeded'}. End some active chats or raise the quota, then retry.`,
      actions: [retry],
      retryable: true,
    };
  }
  if (f.name === 'ContactFlowNotPublishedException') {
    return {
      kind: 'flowNotPublished',
      message: 'The flow has not been published. Publish it in the flow designer, or open its saved ($SAVED) version.',
      actions: [],
      retryable: false,
    };
  }
  if (/NotFound/.test(f.name) || f.status === 404 || f.status === 410) {
    return {
      kind: 'notFound',
      message: `${serviceText(msg) || 'The resource was not found.'} It may have been deleted or belong to another region or connection; refresh the explorer.`,
      actions: [retry, selectConnection],
      retryable: false,
    };
  }
  if (VALIDATION_NAMES.has(f.name) || f.status === 400) {
    return {
      kind: 'invalidRequest',
      message: `Amazon Connect rejected the request${ctx.operation ? ` (${ctx.operation})` : ''}: ${serviceText(msg) || f.name}`,
      actions: [],
      retryable: false,
    };
  }
  if ((f.status && f.status >= 500) || /InternalServ(ice|er)|ServiceUnavailable/.test(f.name)) {
    return {
      kind: 'serviceError',
      message: `Amazon Connect had an internal error${f.attempts ? ` on all ${f.attempts} attempts` : ''}. Retry in a moment.`,
      actions: [retry],
      retryable: true,
    };
  }
  const text = serviceText(msg);
  return {
    kind: 'unknown',
    message: `${ctx.operation ? `${ctx.operation} failed: ` : ''}${f.name}${text ? `: ${text}` : ''}`,
    actions: [retry],
    retryable: true,
  };
}

export function explainAwsError(error: unknown, context: ErrorContext = {}): ErrorExplanation {
  const f = facts(error);
  const core = explainCore(f, context);
  const out: ErrorExplanation = { ...core, message: redactSecrets(core.message) };
  if (f.requestId) out.requestId = f.requestId;
  return out;
}
