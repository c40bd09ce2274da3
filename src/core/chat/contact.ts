/**
 * What Connect knows about a test chat's contact: DescribeContact (reduced to
 * {@link ContactDetails}), GetContactAttributes, and the flow trace, read back from the flow logs
 * in CloudWatch Logs with FilterLogEvents.
 */
import type { Contact } from '@aws-sdk/client-connect';
import { explainAwsError } from '../aws/explainError';
import { loadAws } from '../aws/lazy';
import type { AwsSession } from '../aws/session';
import { silentLogger, type Logger } from '../log';
import type { ContactDetails, FlowLogRecord, TraceStatus } from './types';

export interface CallOptions {
  signal?: AbortSignal;
  logger?: Logger;
}

function iso(d: Date | string | number | undefined): string | undefined {
  if (d === undefined || d === null) return undefined;
  const t = d instanceof Date ? d : typeof d === 'number' ? new Date(d * 1000) : new Date(d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** A DescribeContact `Contact` as the views show it (epoch times as ISO strings). Pure. */
export function contactDetails(c: Contact): ContactDetails {
  const out: ContactDetails = {};
  const set = <K extends keyof ContactDetails>(k: K, v: ContactDetails[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('channel', c.Channel);
  set('initiationMethod', c.InitiationMethod);
  set('initiationTimestamp', iso(c.InitiationTimestamp));
  set('disconnectTimestamp', iso(c.DisconnectTimestamp));
  set('lastUpdateTimestamp', iso(c.LastUpdateTimestamp));
  set('disconnectReason', c.DisconnectReason);
  if (c.QueueInfo) {
    const q: NonNullable<ContactDetails['queue']> = {};
    if (c.QueueInfo.Id) q.id = c.QueueInfo.Id;
    const at = iso(c.QueueInfo.EnqueueTimestamp);
    if (at) q.enqueueTimestamp = at;
    out.queue = q;
  }
  if (c.AgentInfo) {
    const a: NonNullable<ContactDetails['agent']> = {};
    if (c.AgentInfo.Id) a.id = c.AgentInfo.Id;
    const at = iso(c.AgentInfo.ConnectedToAgentTimestamp);
    if (at) a.connectedToAgentTimestamp = at;
    out.agent = a;
  }
  set('initialContactId', c.InitialContactId);
  set('previousContactId', c.PreviousContactId);
  set('relatedContactId', c.RelatedContactId);
  return out;
}

function meta(e: unknown): { requestId?: string; attempts?: number; httpStatusCode?: number } {
  return (e as { $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number } }).$metadata ?? {};
}

async function logged<T extends { $metadata: { requestId?: string; attempts?: number } }>(
  logger: Logger,
  what: string,
  send: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    const out = await send();
    logger.debug(`[chat] ${what} ${Math.round(performance.now() - t0)} ms requestId=${out.$metadata.requestId ?? '-'} attempts=${out.$metadata.attempts ?? 1} ok`);
    return out;
  } catch (e) {
    const m = meta(e);
    logger.warn(`[chat] ${what} ${Math.round(performance.now() - t0)} ms requestId=${m.requestId ?? '-'} attempts=${m.attempts ?? 1} failed: ${(e as Error).name ?? 'Error'}${m.httpStatusCode ? ` HTTP ${m.httpStatusCode}` : ''}`);
    throw e;
  }
}

/** DescribeContact (needs connect:DescribeContact). Throws the SDK's error. */
export async function describeContact(session: AwsSession, target: { instanceId: string; contactId: string }, options: CallOptions = {}): Promise<ContactDetails> {
  const aws = await loadAws();
  const out = await logged(options.logger ?? silentLogger, `connect:DescribeContact contact=${target.contactId}`, () =>
    session.clients.connect.send(
      new aws.connectApi.DescribeContactCommand({ InstanceId: target.instanceId, ContactId: target.contactId }),
      options.signal ? { abortSignal: options.signal } : {},
    ),
  );
  return contactDetails(out.Contact ?? {});
}

/** GetContactAttributes by the chain's initial contact ID (needs connect:GetContactAttributes). */
export async function getContactAttributes(
  session: AwsSession,
  target: { instanceId: string; initialContactId: string },
  options: CallOptions = {},
): Promise<Record<string, string>> {
  const aws = await loadAws();
  const out = await logged(options.logger ?? silentLogger, `connect:GetContactAttributes contact=${target.initialContactId}`, () =>
    session.clients.connect.send(
      new aws.connectApi.GetContactAttributesCommand({ InstanceId: target.instanceId, InitialContactId: target.initialContactId }),
      options.signal ? { abortSignal: options.signal } : {},
    ),
  );
  return { ...(out.Attributes ?? {}) };
}

/** The instance's alias (DescribeInstance), which names its flow-log group. */
export async function instanceAlias(session: AwsSession, instanceId: string, options: CallOptions = {}): Promise<string | undefined> {
  const aws = await loadAws();
  const out = await logged(options.logger ?? silentLogger, `connect:DescribeInstance instance=${instanceId}`, () =>
    session.clients.connect.send(new aws.connectApi.DescribeInstanceCommand({ InstanceId: instanceId }), options.signal ? { abortSignal: options.signal } : {}),
  );
  return out.Instance?.InstanceAlias;
}

export function flowLogGroup(instanceAlias: string): string {
  return `/aws/connect/${instanceAlias}`;
}

export interface FlowTraceOptions extends CallOptions {
  instanceAlias: string;
  contactId: string;
  /** When the contact started; records before it (minus a minute of clock slack) are not read. */
  startTime: Date | string;
  endTime?: Date | string;
  /** Events per page (FilterLogEvents `limit`; default: the service's, up to 10,000). */
  limit?: number;
  /** Pages read at most (default 50); a safety net, not a normal end. */
  maxPages?: number;
}

export interface FlowTrace {
  records: FlowLogRecord[];
  status: TraceStatus;
}

function isRecord(v: unknown): v is FlowLogRecord {
  const o = v as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.ContactId === 'string' && typeof o.ContactFlowModuleType === 'string' && typeof o.Timestamp === 'string';
}

/** Canonical JSON (sorted keys), so a record delivered twice is recognised whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Parses FilterLogEvents messages into flow-log records: the contact's only, sorted by Timestamp
 * (stable), and each once (flow logs are delivered at least once, so duplicates happen). Pure.
 */
export function flowLogRecords(messages: ReadonlyArray<string | undefined>, contactId: string): FlowLogRecord[] {
  const seen = new Set<string>();
  const out: FlowLogRecord[] = [];
  for (const m of messages) {
    if (!m) continue;
    let v: unknown;
    try {
      v = JSON.parse(m);
    } catch {
      continue;
    }
    if (!isRecord(v) || v.ContactId !== contactId) continue;
    const key = canonical(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out
    .map((r, i) => ({ r, i, t: Date.parse(r.Timestamp) }))
    .sort((a, b) => (a.t || 0) - (b.t || 0) || a.i - b.i)
    .map((x) => x.r);
}

/**
 * The flow trace of one contact: FilterLogEvents on `/aws/connect/<alias>` with the pattern
 * `{ $.ContactId = "<id>" }`, every page (a page may be empty and still carry nextToken; only a
 * missing nextToken ends). Never throws for the service's answers: the status says what happened.
 */
export async function readFlowTrace(session: AwsSession, options: FlowTraceOptions): Promise<FlowTrace> {
  const logger = options.logger ?? silentLogger;
  const logGroup = flowLogGroup(options.instanceAlias);
  const aws = await loadAws();
  const start = new Date(options.startTime).getTime() - 60_000;
  const end = options.endTime !== undefined ? new Date(options.endTime).getTime() + 60_000 : undefined;
  const messages: Array<string | undefined> = [];
  const seenEvents = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  const maxPages = options.maxPages ?? 50;
  try {
    do {
      const out = await logged(logger, `logs:FilterLogEvents group=${logGroup} page=${pages + 1}`, () =>
        session.clients.logs.send(
          new aws.logsApi.FilterLogEventsCommand({
            logGroupName: logGroup,
            filterPattern: `{ $.ContactId = "${options.contactId.replace(/["\\]/g, '')}" }`,
            ...(Number.isFinite(start) ? { startTime: Math.max(0, start) } : {}),
            ...(end !== undefined && Number.isFinite(end) ? { endTime: end } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
            ...(token ? { nextToken: token } : {}),
          }),
          options.signal ? { abortSignal: options.signal } : {},
        ),
      );
      for (const e of out.events ?? []) {
        if (e.eventId) {
          if (seenEvents.has(e.eventId)) continue;
          seenEvents.add(e.eventId);
        }
        messages.push(e.message);
      }
      token = out.nextToken;
      pages++;
    } while (token && pages < maxPages);
  } catch (e) {
    const name = (e as { name?: string }).name ?? '';
    if (name === 'ResourceNotFoundException') return { records: [], status: { kind: 'no-log-group', logGroup } };
    const x = explainAwsError(e, { connection: session.connection, operation: 'FilterLogEvents' });
    if (x.kind === 'accessDenied') {
      return {
        records: [],
        status: {
          kind: 'access-denied',
          message: `Reading the flow trace needs logs:FilterLogEvents on log group ${logGroup}, which this connection is not allowed. Ask your administrator to allow logs:FilterLogEvents on arn:aws:logs:${session.region}:<account>:log-group:${logGroup}:*.`,
        },
      };
    }
    return { records: [], status: { kind: 'error', message: x.message.replace(/connect:FilterLogEvents/g, 'logs:FilterLogEvents') } };
  }
  return { records: flowLogRecords(messages, options.contactId), status: { kind: 'ok' } };
}
