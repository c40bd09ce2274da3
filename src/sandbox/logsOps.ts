/**
 * CloudWatch Logs on the sandbox port (awsJson1_1: `POST /` with
 * `X-Amz-Target: Logs_20140328.<Operation>`, camelCase members): FilterLogEvents over the flow-log
 * groups, so a client can read flow logs with `CloudWatchLogsClient` pointed at the sandbox.
 */
import { createHash } from 'node:crypto';
import { type OperationInput, type SandboxCore } from './core';
import { ServiceError } from './errors';
import { compileFilterPattern, FilterPatternError } from './flowLogs';
import { Validator, type JsonObject } from './validate';

const invalidParameter = (message: string) => new ServiceError(400, 'InvalidParameterException', message);
/** HTTP 400 for a missing group is [UNVERIFIED] (one third-party spec); the message text is too. */
const groupNotFound = () => new ServiceError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;

/** `arn:aws:logs:<region>:<account>:log-group:<name>` (a trailing `:*` allowed) to the name. */
function groupFromIdentifier(id: string): string {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(id);
  return m ? m[1] : id;
}

interface Cursor {
  /** Hash of the query, so a token is refused with a different query. */
  q: string;
  /** Index of the next event (in the group's timestamp order) to examine. */
  i: number;
}

export function filterLogEvents(core: SandboxCore, input: OperationInput): JsonObject {
  const b = input.body;
  const v = new Validator(invalidParameter);
  // Member constraints below are [UNVERIFIED] (recalled from the model, not checked against it).
  const name = v.str(b.logGroupName, 'logGroupName', { min: 1, max: 512 });
  const identifier = v.str(b.logGroupIdentifier, 'logGroupIdentifier', { min: 1, max: 2048 });
  const streamList = v.list(b.logStreamNames, 'logStreamNames', { min: 1, max: 100 });
  const streams = (streamList ?? []).map((s, i) => v.str(s, `logStreamNames.${i + 1}.member`, { required: true, min: 1, max: 512 }) ?? '');
  const prefix = v.str(b.logStreamNamePrefix, 'logStreamNamePrefix', { min: 1, max: 512 });
  const start = v.int(b.startTime, 'startTime', { min: 0 });
  const end = v.int(b.endTime, 'endTime', { min: 0 });
  const pattern = v.str(b.filterPattern, 'filterPattern', { max: 1024 });
  const nextToken = v.str(b.nextToken, 'nextToken', { min: 1 });
  const limit = v.int(b.limit, 'limit', { min: 1, max: 10_000 });
  v.bool(b.interleaved, 'interleaved');
  v.bool(b.unmask, 'unmask');
  if (name !== undefined && !GROUP_NAME.test(name)) v.fail('logGroupName', 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  v.check();
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name === undefined && identifier === undefined) {
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  }
  if (streamList && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  let matches: (message: string) => boolean;
  try {
    matches = compileFilterPattern(pattern);
  } catch (e) {
    if (e instanceof FilterPatternError) throw invalidParameter(e.message);
    throw e;
  }
  const group = name ?? groupFromIdentifier(identifier!);
  const events = core.logs.events(group);
  if (!events) throw groupNotFound();

  const query = createHash('sha256')
    .update(JSON.stringify([group, streams, prefix ?? null, start ?? null, end ?? null, pattern ?? '']))
    .digest('base64url')
    .slice(0, 16);
  let from = 0;
  if (nextToken !== undefined) {
    const cur = decodeCursor(nextToken);
    if (!cur || cur.q !== query) throw invalidParameter('The specified nextToken is not valid for this request. Send it with the same parameters as the call that returned it.');
    from = cur.i;
  }
  const size = limit ?? 10_000;
  const out: JsonObject[] = [];
  let i = from;
  for (; i < events.length && out.length < size; i++) {
    const e = events[i];
    if (start !== undefined && e.timestamp < start) continue;
    if (end !== undefined && e.timestamp > end) continue;
    if (streamList && !streams.includes(e.logStreamName)) continue;
    if (prefix !== undefined && !e.logStreamName.startsWith(prefix)) continue;
    if (!matches(e.message)) continue;
    out.push({ ...e });
  }
  // As in CloudWatch, only a missing nextToken ends the pages; a full page gets one even if
  // nothing more would match.
  const more = i < events.length;
  return {
    events: out,
    // Deprecated and returned empty by CloudWatch nowadays [UNVERIFIED].
    searchedLogStreams: [],
    ...(more ? { nextToken: Buffer.from(JSON.stringify({ q: query, i } satisfies Cursor)).toString('base64url') } : {}),
  };
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.q === 'string' && Number.isInteger(c.i) && (c.i as number) >= 0) return c as Cursor;
  } catch {
    // reported by the caller
  }
  return undefined;
}
