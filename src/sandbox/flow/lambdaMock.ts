import { WorkspaceFileError, describe, isObject, parseJsonFile } from './workspaceFile';

/**
 * Canned Lambda responses for InvokeLambdaFunction, read from a workspace file
 * (`lambda-mocks.json`). Keys are a function ARN or a function name.
 */
export interface LambdaCase {
  when: Record<string, string>;
  response?: Record<string, unknown>;
  error?: string;
}

export interface LambdaMock {
  response?: Record<string, unknown>;
  error?: string;
  delaySeconds: number;
  cases: LambdaCase[];
}

export interface LambdaMocks {
  file: string;
  functions: Map<string, LambdaMock>;
}

function readOutcome(raw: Record<string, unknown>, at: string): { response?: Record<string, unknown>; error?: string } {
  if (raw.response !== undefined && !isObject(raw.response)) {
    throw new WorkspaceFileError(`${at}: response must be a JSON object (what the function returns), got ${describe(raw.response)}.`);
  }
  if (raw.error !== undefined && (typeof raw.error !== 'string' || raw.error === '')) {
    throw new WorkspaceFileError(`${at}: error must be a non-empty string (why the invocation fails), got ${describe(raw.error)}.`);
  }
  return { response: raw.response, error: raw.error };
}

/** Parses and validates the Lambda mock file; the message names the file and the field. */
export function parseLambdaMockFile(text: string, fileName: string): LambdaMocks {
  const doc = parseJsonFile(text, fileName);
  if (!isObject(doc) || !isObject(doc.functions)) {
    throw new WorkspaceFileError(`${fileName}: expected {"functions": {"<function ARN or name>": { ... }}}, got ${describe(doc)} without a "functions" object.`);
  }
  const functions = new Map<string, LambdaMock>();
  for (const [key, raw] of Object.entries(doc.functions)) {
    const at = `${fileName}: functions["${key}"]`;
    if (!isObject(raw)) throw new WorkspaceFileError(`${at} must be an object, got ${describe(raw)}.`);
    const outcome = readOutcome(raw, at);
    if (outcome.response !== undefined && outcome.error !== undefined) {
      throw new WorkspaceFileError(`${at}: give either response or error, not both.`);
    }
    const delay = raw.delaySeconds ?? 0;
    if (typeof delay !== 'number' || !(delay >= 0)) {
      throw new WorkspaceFileError(`${at}: delaySeconds must be a number of seconds, 0 or more, got ${describe(delay)}.`);
    }
    const casesRaw = raw.cases ?? [];
    if (!Array.isArray(casesRaw)) throw new WorkspaceFileError(`${at}: cases must be an array.`);
    const cases = casesRaw.map((c, i): LambdaCase => {
      const cat = `${at}.cases[${i}]`;
      if (!isObject(c)) throw new WorkspaceFileError(`${cat} must be an object.`);
      if (!isObject(c.when) || Object.values(c.when).some((v) => typeof v !== 'string')) {
        throw new WorkspaceFileError(`${cat}.when must be an object of parameter names to string values.`);
      }
      const o = readOutcome(c, cat);
      if ((o.response === undefined) === (o.error === undefined)) {
        throw new WorkspaceFileError(`${cat}: give exactly one of response or error.`);
      }
      return { when: c.when as Record<string, string>, ...o };
    });
    if (outcome.response === undefined && outcome.error === undefined && cases.length === 0) {
      throw new WorkspaceFileError(`${at}: give a response, an error, or cases.`);
    }
    functions.set(key, { ...outcome, delaySeconds: delay, cases });
  }
  return { file: fileName, functions };
}

/** The function name inside a Lambda ARN (without a version or alias qualifier). */
export function functionNameOf(arnOrName: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arnOrName);
  return m ? m[1] : arnOrName;
}

export function findMock(mocks: LambdaMocks, arn: string): LambdaMock | undefined {
  const exact = mocks.functions.get(arn);
  if (exact) return exact;
  const name = functionNameOf(arn);
  for (const [key, mock] of mocks.functions) {
    if (functionNameOf(key) === name) return mock;
  }
  return undefined;
}

export type LambdaOutcome = { ok: true; response: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Runs a mock: the first case whose `when` values all equal the invocation's parameters (falling
 * back to contact attributes for names not passed), else the default response or error. A delay
 * longer than the block's time limit is a timeout; STRING_MAP validation rejects nested values.
 */
export function invokeMock(
  mock: LambdaMock,
  input: { parameters: Record<string, string>; attributes: Record<string, string>; timeLimitSeconds: number; responseType: 'STRING_MAP' | 'JSON' },
): LambdaOutcome {
  if (mock.delaySeconds > input.timeLimitSeconds) {
    return { ok: false, reason: `the mock takes ${mock.delaySeconds}s, longer than InvocationTimeLimitSeconds ${input.timeLimitSeconds}s (timeout)` };
  }
  const lookup = (k: string): string | undefined => input.parameters[k] ?? input.attributes[k];
  const chosen = mock.cases.find((c) => Object.entries(c.when).every(([k, v]) => lookup(k) === v)) ?? mock;
  if (chosen.error !== undefined) return { ok: false, reason: `the function failed: ${chosen.error}` };
  if (chosen.response === undefined) return { ok: false, reason: 'no case matched and the mock has no default response' };
  if (input.responseType === 'STRING_MAP') {
    const nested = Object.entries(chosen.response).find(([, v]) => typeof v === 'object' && v !== null);
    if (nested) {
      return { ok: false, reason: `ResponseType STRING_MAP needs flat values, but "${nested[0]}" is nested (use ResponseValidation JSON)` };
    }
  }
  return { ok: true, response: chosen.response };
}
