/**
 * From a request file's text to a StartChatContact call: {@link prepareLaunch} checks the text with
 * the one validation engine, fills in the target, resolves `${env:NAME}` and checks the resolved
 * values again, and fixes ONE ClientToken for the launch; {@link startChatContact} sends it, with
 * that token on every retry the SDK makes, so a retried launch never starts a second chat.
 *
 * Pure up to startChatContact (no fs, no vscode); nothing here logs a response body (it holds
 * the participant token).
 */
import type { StartChatContactCommandInput } from '@aws-sdk/client-connect';
import { randomUUID } from 'node:crypto';
import { explainAwsError, type ErrorKind } from '../aws/explainError';
import { loadAws } from '../aws/lazy';
import type { AwsSession } from '../aws/session';
import { silentLogger, type Logger } from '../log';
import type { ChatRecord } from './types';
import {
  findEnvReferences,
  maskByteOrderMark,
  formatPath,
  MissingEnvError,
  requestMemberNames,
  requestToStartChatContactInput,
  validateRequestText,
  type Diagnostic,
  type JsonPath,
} from '../request';

export interface PrepareLaunchOptions {
  /** The request file's text. */
  text: string;
  /** Environment for `${env:NAME}` (process.env in production). */
  env: Record<string, string | undefined>;
  /** The file's path or name, only for messages. */
  fileName?: string;
  /** Used when the file has no InstanceId (what the UI asked for with a picker). */
  instanceId?: string;
  /** Used when the file has no ContactFlowId. */
  contactFlowId?: string;
  /** The token to use when the file fixes none (to rebuild a past launch); default: a new UUID. */
  clientToken?: string;
}

export type LaunchTarget = 'InstanceId' | 'ContactFlowId';

export interface PreparedLaunch {
  ok: true;
  /** Ready for StartChatContact: only API members, env resolved, ClientToken set. */
  input: StartChatContactCommandInput;
  clientToken: string;
  /** One-line warnings worth showing (the file's warnings, members dropped, defaults used). */
  warnings: string[];
  /** Every diagnostic of the file (warnings and infos; no errors). */
  diagnostics: Diagnostic[];
}

export interface LaunchProblem {
  ok: false;
  /** invalid: the file has errors; missing-target: ask for InstanceId/ContactFlowId; env: a variable is unset or its value is invalid. */
  reason: 'invalid' | 'missing-target' | 'env';
  /** One line naming the first problem: the field, what is wrong, how to fix it. */
  message: string;
  diagnostics: Diagnostic[];
  /** For missing-target: what to ask for. */
  missing?: LaunchTarget[];
}

export type LaunchPreparation = PreparedLaunch | LaunchProblem;

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function where(d: Diagnostic, fileName?: string): string {
  const base = fileName ? `${fileName.split(/[\\/]/).pop()}:` : 'line ';
  return `${base}${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

function describe(d: Diagnostic, fileName?: string): string {
  const path = d.path && d.path.length > 0 ? formatPath(d.path) : '';
  // Most engine messages already open with the field's name.
  const field = path && !d.message.startsWith(path) ? `${path}: ` : '';
  return oneLine(`${field}${d.message} (${where(d, fileName)})`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path`, or undefined. */
function valueAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number' ? Array.isArray(v) : isObject(v)) v = (v as Record<string | number, unknown>)[seg];
    else return undefined;
  }
  return v;
}

/** Every `${env:NAME}` in the strings at and under `path` of the request as written. */
function envNamesAt(root: unknown, path: JsonPath): string[] {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const r of findEnvReferences(v)) names.add(r.name);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(valueAt(root, path));
  // A key-level diagnostic (a whole-object budget such as Attributes) also counts its members.
  return [...names];
}

/**
 * Checks and prepares one launch. Order: the file's own errors ('invalid'), then a missing
 * InstanceId/ContactFlowId ('missing-target', so the UI can ask), then `${env:}` ('env': an unset
 * variable, or a value that breaks a rule once resolved). Never includes an env value in a message.
 */
export function prepareLaunch(options: PrepareLaunchOptions): LaunchPreparation {
  const { text, env, fileName } = options;
  // The AWS CLI's refusal of $schema does not matter here: launch drops it.
  const diagnostics = validateRequestText(text, { env }).filter((d) => d.code !== 'chatreq/not-a-start-chat-contact-member');
  // Problems in resolved ${env:NAME} values are reported below, as reason 'env'.
  const errors = diagnostics.filter((d) => d.severity === 'error' && d.env === undefined);
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length === 2 ? '' : 's'})` : '';
    return { ok: false, reason: 'invalid', message: `${describe(errors[0], fileName)}${more}`, diagnostics };
  }
  const parsed = JSON.parse(maskByteOrderMark(text)) as Record<string, unknown>;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map((d) => describe(d, fileName));

  // Only StartChatContact members travel ($schema and anything the engine let through are dropped).
  const members = new Set(requestMemberNames().filter((m) => m !== '$schema'));
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (members.has(k)) request[k] = v;
    else if (k !== '$schema') warnings.push(`${k} is not a StartChatContact member; it is not sent.`);
  }

  const missing: LaunchTarget[] = [];
  if (request.InstanceId === undefined && !options.instanceId) missing.push('InstanceId');
  if (request.ContactFlowId === undefined && !options.contactFlowId) missing.push('ContactFlowId');
  if (missing.length > 0) {
    return {
      ok: false,
      reason: 'missing-target',
      message: `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set: add ${missing.map((m) => `"${m}"`).join(' and ')} to the request file, or choose ${missing.length === 1 ? 'it' : 'them'} when launching.`,
      diagnostics,
      missing,
    };
  }

  let input: StartChatContactCommandInput;
  try {
    input = requestToStartChatContactInput(request, {
      env,
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      ...(options.contactFlowId ? { contactFlowId: options.contactFlowId } : {}),
    });
  } catch (e) {
    if (e instanceof MissingEnvError) {
      const first = e.missing[0];
      const names = [...new Set(e.missing.map((m) => m.name))];
      return {
        ok: false,
        reason: 'env',
        message: `${formatPath(first.path)}: environment variable ${first.name} is not set${names.length > 1 ? ` (nor ${names.slice(1).join(', ')})` : ''}. Set it before launching, or replace \${env:${first.name}} with a value.`,
        diagnostics,
      };
    }
    throw e;
  }

  // The resolved values must pass the same checks as literals would (lengths, enums, the
  // attribute budget): serialise the resolved request and validate that text.
  const resolvedText = JSON.stringify(input, null, 2);
  const resolvedErrors = validateRequestText(resolvedText).filter((d) => d.severity === 'error');
  if (resolvedErrors.length > 0) {
    const d = resolvedErrors[0];
    const path = d.path ?? [];
    const names = envNamesAt(request, path);
    const field = path.length > 0 ? formatPath(path) : 'the request';
    const from = names.length > 0 ? ` (from ${names.map((n) => `\${env:${n}}`).join(', ')})` : '';
    const fix = names.length > 0 ? ` Change ${names.length === 1 ? 'the value of' : 'the values of'} ${names.join(', ')}.` : '';
    // The engine may quote the offending value; a resolved value can be a secret, so each one is
    // replaced by its variable's name.
    let what = oneLine(d.message);
    for (const n of names) {
      const value = env[n];
      if (value) what = what.split(JSON.stringify(value).slice(1, -1)).join(`\${env:${n}}`).split(value).join(`\${env:${n}}`);
    }
    return { ok: false, reason: 'env', message: `${field}${from}, once resolved: ${what}${fix}`, diagnostics: [...diagnostics, ...resolvedErrors] };
  }

  const clientToken = typeof input.ClientToken === 'string' && input.ClientToken !== '' ? input.ClientToken : (options.clientToken ?? randomUUID());
  input.ClientToken = clientToken;
  return { ok: true, input, clientToken, warnings, diagnostics };
}

/** What a failed call means for the user: token-free, one or two sentences, and what to do. */
/**
 * The request a past chat sent, rebuilt from its record when its request file is not there (or it
 * had none): the target, the customer's name, the attributes, the content types (interactive
 * messages come only when listed) and the initial message, as sent. Other members are not kept.
 */
export function requestFromRecord(record: ChatRecord): Record<string, unknown> {
  return {
    InstanceId: record.origin.instanceId,
    ContactFlowId: record.origin.contactFlowId,
    ParticipantDetails: { DisplayName: record.displayName || 'Customer' },
    ...(Object.keys(record.attributes).length > 0 ? { Attributes: { ...record.attributes } } : {}),
    ...(record.initialMessage ? { InitialMessage: { ...record.initialMessage } } : {}),
    ...(record.contentTypes ? { SupportedMessagingContentTypes: [...record.contentTypes] } : {}),
  };
}

export interface ChatError {
  message: string;
  fix?: string;
  /** The explanation kind (throttled, accessDenied…) or a chatreq code. */
  diagnosticCode?: string;
}

const FIXES: Partial<Record<ErrorKind, string>> = {
  throttled: 'Wait a few seconds and launch again; for load tests lower the rate (chatreq launch --rate) or ask AWS to raise the StartChatContact quota.',
  quotaExceeded: 'End some active chats (or wait for them to expire), or raise the concurrent active chats quota.',
  accessDenied: 'Ask your administrator for the missing permission, or select a connection that has it.',
  flowNotPublished: 'Publish the flow in the flow designer, then launch again.',
  notFound: 'Check InstanceId and ContactFlowId, and that the connection uses the instance\'s region.',
  ssoExpired: 'Run aws sso login, then launch again.',
  ssoNotSignedIn: 'Run aws sso login, then launch again.',
  sandboxUnreachable: 'Start the sandbox again, then launch again.',
  network: 'Check your network, proxy or VPN, then launch again.',
  serviceError: 'Launch again in a moment.',
};

/** A call's error as a {@link ChatError}; `operation` names the API call (StartChatContact…). */
export function chatError(e: unknown, session: AwsSession | undefined, operation: string): ChatError {
  if (isAbort(e)) return { message: `${operation} was cancelled.`, diagnosticCode: 'cancelled' };
  const x = explainAwsError(e, {
    ...(session ? { connection: session.connection } : {}),
    operation,
    ...(session?.connectEndpoint && session.connection.kind !== 'sandbox' ? { endpoint: session.connectEndpoint } : {}),
  });
  const fix = FIXES[x.kind];
  return { message: x.message, ...(fix ? { fix } : {}), diagnosticCode: x.kind };
}

export function isAbort(e: unknown): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'RequestAbortedError';
}

/** An error whose message is already fit for the user (token-free). */
export class ChatCallError extends Error {
  constructor(
    readonly chatError: ChatError,
    override readonly cause?: unknown,
  ) {
    super(chatError.message);
    this.name = 'ChatCallError';
  }
}

export interface StartedContact {
  contactId: string;
  participantId: string;
  participantToken: string;
  continuedFromContactId?: string;
  /** SDK attempts the call took (1 when no retry was needed). */
  attempts: number;
  requestId?: string;
}

export interface StartOptions {
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * StartChatContact with the prepared ClientToken. Retries are the SDK's (standard mode, the
 * session's maxAttempts); the same input object, so the same ClientToken, goes out on every
 * attempt, and Connect answers a repeated token with the contact it already started [UNVERIFIED
 * on real Connect: the reference only documents those semantics for the outbound operations].
 * Throws {@link ChatCallError}; the response body is never logged.
 */
export async function startChatContact(session: AwsSession, input: StartChatContactCommandInput, options: StartOptions = {}): Promise<StartedContact> {
  const logger = options.logger ?? silentLogger;
  if (!input.ClientToken) throw new Error('startChatContact needs the ClientToken from prepareLaunch, so retries cannot start a second chat.');
  const aws = await loadAws();
  const started = performance.now();
  try {
    const out = await session.clients.connect.send(
      new aws.connectApi.StartChatContactCommand(input),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const ms = Math.round(performance.now() - started);
    const m = out.$metadata;
    logger.info(
      `[chat] connect:StartChatContact region=${session.region} instance=${input.InstanceId} flow=${input.ContactFlowId} ${ms} ms requestId=${m.requestId ?? '-'} attempts=${m.attempts ?? 1} ok (contact ${out.ContactId ?? '?'})`,
    );
    if (!out.ContactId || !out.ParticipantId || !out.ParticipantToken) {
      throw new ChatCallError({ message: 'StartChatContact answered without a contact ID, participant ID or participant token.', diagnosticCode: 'badResponse' });
    }
    return {
      contactId: out.ContactId,
      participantId: out.ParticipantId,
      participantToken: out.ParticipantToken,
      ...(out.ContinuedFromContactId ? { continuedFromContactId: out.ContinuedFromContactId } : {}),
      attempts: m.attempts ?? 1,
      ...(m.requestId ? { requestId: m.requestId } : {}),
    };
  } catch (e) {
    if (e instanceof ChatCallError) throw e;
    const ms = Math.round(performance.now() - started);
    const meta = (e as { $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number } }).$metadata ?? {};
    logger.warn(
      `[chat] connect:StartChatContact region=${session.region} ${ms} ms requestId=${meta.requestId ?? '-'} attempts=${meta.attempts ?? 1} failed: ${(e as Error).name ?? 'Error'}${meta.httpStatusCode ? ` HTTP ${meta.httpStatusCode}` : ''}`,
    );
    throw new ChatCallError(chatError(e, session, 'StartChatContact'), e);
  }
}
