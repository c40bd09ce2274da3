/**
 * Conversation tests (`*.chattest.json`): the file model, its parser and its semantic checks.
 * One test per file, or `"tests": [ ... ]`. Pure (no fs, no vscode): the caller reads the text.
 * Every diagnostic has a range in the file, and a message naming the test and the step.
 */
import { type Node, parseTree, type ParseError } from 'jsonc-parser';
import type { Diagnostic, DiagnosticSource, Range } from '../request';
import { LineIndex } from '../request/text';
import { formatPath } from '../request/env';
import { validateRequestText } from '../request/validate';

export const CHATTEST_FILE_SUFFIX = '.chattest.json';
export const DEFAULT_TIMEOUT_SECONDS = 10;

export function isChatTestFileName(name: string): boolean {
  return name.endsWith(CHATTEST_FILE_SUFFIX);
}

/** What an `expect` step asks of a message; a string in the file is `{ contains }`. */
export interface ExpectSpec {
  equals?: string;
  contains?: string;
  /** A regular expression (JavaScript syntax, no flags). */
  matches?: string;
  /** A role (SYSTEM, AGENT, CUSTOM_BOT…) or a display name; case-insensitive. */
  from?: string;
}

export type ChatTestStep =
  | { kind: 'expect'; expect: ExpectSpec }
  | { kind: 'say'; say: string }
  | { kind: 'select'; select: string }
  | { kind: 'expectAttributes'; expectAttributes: Record<string, string> }
  | { kind: 'expectEnded'; expectEnded: boolean }
  | { kind: 'expectTrace'; expectTrace: string };

export interface ParsedStep {
  step: ChatTestStep;
  /** Zero-based index in the test's steps. */
  index: number;
  range: Range;
}

export interface ChatTest {
  name: string;
  /** A request file path (relative to the test file), or an inline StartChatContact object. */
  request: string | Record<string, unknown>;
  override?: Record<string, unknown>;
  timeoutSeconds: number;
  steps: ParsedStep[];
  /** The test's object in the file. */
  range: Range;
  /** The `request` and `override` values in the file, when there. */
  requestRange?: Range;
  overrideRange?: Range;
  /** Zero-based index among the file's tests. */
  index: number;
}

export interface ParsedChatTestFile {
  tests: ChatTest[];
  diagnostics: Diagnostic[];
}

const STEP_KINDS = ['expect', 'say', 'select', 'expectAttributes', 'expectEnded', 'expectTrace'] as const;
const TEST_MEMBERS = new Set(['$schema', 'name', 'request', 'override', 'timeoutSeconds', 'steps']);
const EXPECT_MEMBERS = new Set(['equals', 'contains', 'matches', 'from']);

/** A short description of a step, for messages and the Test Explorer ("expect "Welcome""). */
export function describeStep(step: ChatTestStep): string {
  switch (step.kind) {
    case 'expect': {
      const e = step.expect;
      const parts: string[] = [];
      if (e.equals !== undefined) parts.push(`equals ${JSON.stringify(e.equals)}`);
      if (e.contains !== undefined) parts.push(`contains ${JSON.stringify(e.contains)}`);
      if (e.matches !== undefined) parts.push(`matches /${e.matches}/`);
      if (e.from !== undefined) parts.push(`from ${e.from}`);
      return `expect ${parts.join(', ')}`;
    }
    case 'say':
      return `say ${JSON.stringify(step.say)}`;
    case 'select':
      return `select ${JSON.stringify(step.select)}`;
    case 'expectAttributes':
      return `expectAttributes ${Object.entries(step.expectAttributes)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}`;
    case 'expectEnded':
      return step.expectEnded ? 'expectEnded' : 'expectEnded false';
    case 'expectTrace':
      return `expectTrace ${JSON.stringify(step.expectTrace)}`;
  }
}

function value(n: Node | undefined): unknown {
  if (!n) return undefined;
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        if (k && typeof k.value === 'string') o[k.value] = value(v);
      }
      return o;
    }
    case 'array':
      return (n.children ?? []).map(value);
    default:
      return n.value as unknown;
  }
}

function members(n: Node): Array<{ key: string; keyNode: Node; node: Node | undefined }> {
  return (n.children ?? []).map((p) => ({ key: String(p.children?.[0]?.value ?? ''), keyNode: p.children![0], node: p.children?.[1] }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks a test file. Tests with errors are still returned (the editor shows them); callers run only files without errors. */
export interface ParseOptions {
  /**
   * Which checks an inline request (and a request with `override`) gets, as validateRequestText
   * runs them: Chatreq's own rules by default; add 'json' for the request schema too (the CLI,
   * with the JSON engine loaded; in the editor VS Code's JSON service checks the schema).
   */
  requestSources?: DiagnosticSource[];
}

export function parseChatTestText(text: string, options: ParseOptions = {}): ParsedChatTestFile {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineIndex(src);
  const diagnostics: Diagnostic[] = [];
  const at: At = Object.assign(
    (n: { offset: number; length: number }, message: string, code = 'chattest/invalid', severity: Diagnostic['severity'] = 'error') =>
      void diagnostics.push({ code, severity, message, range: lines.range(n.offset, n.length) }),
    { range: (n: { offset: number; length: number }) => lines.range(n.offset, n.length), text: src, requestSources: options.requestSources ?? ['chatreq'] },
  );
  const errors: ParseError[] = [];
  const root = parseTree(src, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const e = errors[0] ?? { offset: 0, length: 0 };
    at(e, 'This is not valid JSON: fix the syntax first (strict JSON: no comments, no trailing commas).', 'chattest/json');
    return { tests: [], diagnostics };
  }
  if (root.type !== 'object') {
    at(root, 'A conversation test file holds one JSON object: a test, or { "tests": [ ... ] }.', 'chattest/not-an-object');
    return { tests: [], diagnostics };
  }
  const testsMember = members(root).find((m) => m.key === 'tests');
  let testNodes: Node[];
  if (testsMember) {
    if (testsMember.node?.type !== 'array') {
      at(testsMember.node ?? testsMember.keyNode, '"tests" must be an array of tests.');
      return { tests: [], diagnostics };
    }
    for (const m of members(root)) if (m.key !== 'tests' && m.key !== '$schema') at(m.keyNode, `"${m.key}" is not allowed next to "tests": put it inside each test.`);
    testNodes = testsMember.node.children ?? [];
    if (testNodes.length === 0) at(testsMember.node, '"tests" is empty: add a test.', 'chattest/empty', 'warning');
  } else testNodes = [root];

  const tests: ChatTest[] = [];
  const names = new Map<string, number>();
  testNodes.forEach((tn, index) => {
    const t = checkTest(tn, index, testsMember ? `Test ${index + 1}` : 'The test', at);
    if (!t) return;
    const seen = names.get(t.name);
    if (seen !== undefined) at(tn, `Test "${t.name}" has the same name as test ${seen + 1}; give each test its own name.`, 'chattest/duplicate-name');
    else names.set(t.name, index);
    tests.push(t);
  });
  return { tests, diagnostics };
}

interface At {
  (n: { offset: number; length: number }, message: string, code?: string, severity?: Diagnostic['severity']): void;
  range(n: { offset: number; length: number }): Range;
  /** The file's text (without a byte-order mark). */
  text: string;
  requestSources: DiagnosticSource[];
}

/**
 * An inline request gets the checks of a request file, at its place in the test file. With an
 * `override`, the merged request is checked and its problems are shown on `override` (a request
 * file's are {@link checkFileRequest}'s). A test cannot ask for a target, so the inline request
 * (with `override`) must name InstanceId and ContactFlowId.
 */
function checkInlineRequest(reqNode: Node, override: Record<string, unknown> | undefined, ovNode: Node | undefined, title: string, at: At): void {
  const sources = at.requestSources;
  const merged = mergeOverride(value(reqNode) as Record<string, unknown>, override);
  if (!override) {
    const text = at.text.slice(reqNode.offset, reqNode.offset + reqNode.length);
    for (const d of validateRequestText(text, { sources })) {
      if (d.code === NOT_A_MEMBER) continue;
      // The schema's words do not name the member (VS Code shows them at it): say which.
      const where = d.source === 'json' && d.path && d.path.length > 0 ? `request.${formatPath(d.path)}` : 'request';
      at({ offset: reqNode.offset + d.range.offset, length: d.range.length }, `${title}: ${where}: ${d.message}`, d.code, d.severity);
    }
  } else for (const d of mergedProblems(merged, sources, title)) at(ovNode ?? reqNode, d.message, d.code, d.severity);
  const missing = missingTargets(merged);
  if (missing.length > 0) {
    at(reqNode, `${title}: the request has no ${missing.join(' and ')}: add ${missing.map((m) => `"${m}"`).join(' and ')} (a test cannot ask for ${pronoun(missing)} when it runs).`, 'chattest/missing-target');
  }
}

/** A member that is not StartChatContact's (`$schema`): launch drops it, so it is not a test's problem. */
const NOT_A_MEMBER = 'chatreq/not-a-start-chat-contact-member';

/** The targets a test's request must name itself: a test cannot ask for them when it runs. */
function missingTargets(request: Record<string, unknown>): string[] {
  return ['InstanceId', 'ContactFlowId'].filter((m) => request[m] === undefined);
}

function pronoun(names: readonly string[]): string {
  return names.length === 1 ? 'it' : 'them';
}

/** The request rules on the request with `override` merged, worded for the test (they are shown on `override`). */
function mergedProblems(merged: Record<string, unknown>, sources: DiagnosticSource[], title: string): Array<Pick<Diagnostic, 'code' | 'severity' | 'message'>> {
  return validateRequestText(JSON.stringify(merged, null, 2), { sources })
    .filter((d) => d.code !== NOT_A_MEMBER)
    .map((d) => {
      const where = d.source === 'json' && d.path && d.path.length > 0 ? ` (${formatPath(d.path)})` : '';
      return { code: d.code, severity: d.severity, message: `${title}: the request with "override"${where}: ${d.message}` };
    });
}

function checkTest(tn: Node, index: number, label: string, at: At): ChatTest | undefined {
  if (tn.type !== 'object') {
    at(tn, `${label} must be an object with "name", "request" and "steps".`);
    return undefined;
  }
  const ms = members(tn);
  const get = (k: string) => ms.find((m) => m.key === k);
  for (const m of ms) if (!TEST_MEMBERS.has(m.key)) at(m.keyNode, `${label}: "${m.key}" is not a test member (name, request, override, timeoutSeconds, steps).`, 'chattest/unknown-member');
  const nameM = get('name');
  let name = `test ${index + 1}`;
  if (!nameM) at(tn, `${label} has no "name": add one (it names the test in reports).`);
  else if (typeof nameM.node?.value !== 'string' || nameM.node.value.trim() === '') at(nameM.node ?? nameM.keyNode, `${label}: "name" must be a non-empty string.`);
  else name = nameM.node.value;
  const title = `Test "${name}"`;

  const reqM = get('request');
  let request: ChatTest['request'] = {};
  if (!reqM) at(tn, `${title} has no "request": give a request file path ("./support.chatreq.json") or an inline StartChatContact object.`);
  else if (reqM.node?.type === 'string' && typeof reqM.node.value === 'string' && reqM.node.value.trim() !== '') request = reqM.node.value;
  else if (reqM.node?.type === 'object') request = value(reqM.node) as Record<string, unknown>;
  else at(reqM.node ?? reqM.keyNode, `${title}: "request" must be a request file path or a StartChatContact object.`);

  const ovM = get('override');
  let override: Record<string, unknown> | undefined;
  if (ovM) {
    if (ovM.node?.type !== 'object') at(ovM.node ?? ovM.keyNode, `${title}: "override" must be an object (merged into the request).`);
    else override = value(ovM.node) as Record<string, unknown>;
  }
  if (reqM?.node?.type === 'object') checkInlineRequest(reqM.node, override, ovM?.node, title, at);
  const toM = get('timeoutSeconds');
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (toM) {
    const v: unknown = toM.node?.value;
    if (typeof v !== 'number' || !(v > 0) || v > 3600) at(toM.node ?? toM.keyNode, `${title}: "timeoutSeconds" must be a number of seconds above 0 (at most 3600).`);
    else timeoutSeconds = v;
  }
  const stM = get('steps');
  const steps: ParsedStep[] = [];
  if (!stM) at(tn, `${title} has no "steps": add at least one, such as { "expect": "Welcome" }.`);
  else if (stM.node?.type !== 'array') at(stM.node ?? stM.keyNode, `${title}: "steps" must be an array.`);
  else {
    const list = stM.node.children ?? [];
    if (list.length === 0) at(stM.node, `${title}: "steps" is empty: add at least one step.`, 'chattest/empty', 'warning');
    list.forEach((sn, i) => {
      const s = checkStep(sn, `${title}, step ${i + 1}`, at);
      if (s) steps.push({ step: s, index: i, range: at.range(sn) });
    });
  }
  return {
    name,
    request,
    ...(override ? { override } : {}),
    timeoutSeconds,
    steps,
    range: at.range(tn),
    ...(reqM?.node ? { requestRange: at.range(reqM.node) } : {}),
    ...(ovM?.node ? { overrideRange: at.range(ovM.node) } : {}),
    index,
  };
}

function checkStep(sn: Node, label: string, at: At): ChatTestStep | undefined {
  if (sn.type !== 'object') {
    at(sn, `${label} must be an object with one of ${STEP_KINDS.map((k) => `"${k}"`).join(', ')}.`);
    return undefined;
  }
  const ms = members(sn);
  const kinds = ms.filter((m) => (STEP_KINDS as readonly string[]).includes(m.key));
  for (const m of ms) if (!(STEP_KINDS as readonly string[]).includes(m.key)) at(m.keyNode, `${label}: "${m.key}" is not a step (use one of ${STEP_KINDS.join(', ')}).`, 'chattest/unknown-step');
  if (kinds.length !== 1) {
    if (kinds.length > 1) at(sn, `${label} has ${kinds.map((k) => `"${k.key}"`).join(' and ')}: one step does one thing; split it.`);
    else if (ms.length === 0) at(sn, `${label} is empty: use one of ${STEP_KINDS.join(', ')}.`);
    return undefined;
  }
  const { key, node, keyNode } = kinds[0];
  const where = node ?? keyNode;
  const v = value(node);
  switch (key) {
    case 'expect': {
      if (typeof v === 'string') {
        if (v === '') at(where, `${label}: "expect" must not be empty.`);
        return { kind: 'expect', expect: { contains: v } };
      }
      if (!isObject(v)) {
        at(where, `${label}: "expect" must be a string (the text contains it) or an object with equals, contains, matches, from.`);
        return undefined;
      }
      const spec: ExpectSpec = {};
      let ok = true;
      for (const [k, x] of Object.entries(v)) {
        if (!EXPECT_MEMBERS.has(k)) {
          at(where, `${label}: "expect" has "${k}"; use equals, contains, matches or from.`);
          ok = false;
        } else if (typeof x !== 'string') {
          at(where, `${label}: "expect.${k}" must be a string.`);
          ok = false;
        } else spec[k as keyof ExpectSpec] = x;
      }
      if (ok && Object.keys(spec).length === 0) {
        at(where, `${label}: "expect" is empty; say what the message equals, contains or matches, or whom it is from.`);
        ok = false;
      }
      if (spec.matches !== undefined) {
        try {
          new RegExp(spec.matches);
        } catch (e) {
          at(where, `${label}: "expect.matches" is not a valid regular expression: ${(e as Error).message}.`);
          ok = false;
        }
      }
      return ok ? { kind: 'expect', expect: spec } : undefined;
    }
    case 'say':
      if (typeof v !== 'string' || v.length < 1 || v.length > 1024) {
        at(where, `${label}: "say" must be the customer's message, 1 to 1024 characters.`);
        return undefined;
      }
      return { kind: 'say', say: v };
    case 'select':
      if (typeof v !== 'string' || v === '') {
        at(where, `${label}: "select" must be the title of an option of the interactive message.`);
        return undefined;
      }
      return { kind: 'select', select: v };
    case 'expectAttributes': {
      if (!isObject(v) || Object.keys(v).length === 0 || Object.values(v).some((x) => typeof x !== 'string')) {
        at(where, `${label}: "expectAttributes" must be an object of attribute names and string values, such as { "tier": "gold" }.`);
        return undefined;
      }
      return { kind: 'expectAttributes', expectAttributes: v as Record<string, string> };
    }
    case 'expectEnded':
      if (typeof v !== 'boolean') {
        at(where, `${label}: "expectEnded" must be true (wait for the end) or false (still open).`);
        return undefined;
      }
      return { kind: 'expectEnded', expectEnded: v };
    case 'expectTrace':
      if (typeof v !== 'string' || v === '') {
        at(where, `${label}: "expectTrace" must be a block Identifier or a block type (such as "UpdateContactAttributes").`);
        return undefined;
      }
      return { kind: 'expectTrace', expectTrace: v };
  }
  return undefined;
}

/**
 * The checks of a test whose request is a file, once that file's text is read (the editor reads
 * it; a run reports the same problems as it starts). The file's own problems are shown in the file:
 * here they are one warning. The request with `override` merged must pass the request rules, and
 * it must name InstanceId and ContactFlowId: a test cannot ask for them when it runs.
 */
export function checkFileRequest(test: ChatTest, requestText: string): Diagnostic[] {
  if (typeof test.request !== 'string' || !test.requestRange) return [];
  const title = `Test "${test.name}"`;
  const out: Diagnostic[] = [];
  const at = (range: Range, code: string, severity: Diagnostic['severity'], message: string) => out.push({ code, severity, message, range });
  const base = requestObject(requestText);
  if (typeof base === 'string') {
    at(test.requestRange, 'chattest/request-has-errors', 'warning', `${title}: the request file ${test.request} ${base}; the test cannot run until it is fixed there.`);
    return out;
  }
  const merged = mergeOverride(base, test.override);
  if (test.override && test.overrideRange) {
    for (const d of mergedProblems(merged, ['chatreq'], title)) if (d.severity === 'error') at(test.overrideRange, d.code, 'error', d.message);
  }
  const missing = missingTargets(merged);
  if (missing.length > 0) {
    at(test.requestRange, 'chattest/missing-target', 'error', `${title}: ${test.request} has no ${missing.join(' and ')}: add ${pronoun(missing)} there or in "override" (a test cannot ask for ${pronoun(missing)} when it runs).`);
  }
  return out;
}

/** A request file's object, or what keeps it from being one a test can run ("is not valid JSON", "has 2 errors"). */
function requestObject(text: string): Record<string, unknown> | string {
  let base: unknown;
  try {
    base = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return 'is not valid JSON';
  }
  if (!isObject(base)) return 'does not hold a JSON object';
  const n = validateRequestText(text, { sources: ['chatreq'] }).filter((d) => d.severity === 'error').length;
  return n > 0 ? `has ${n} error${n === 1 ? '' : 's'}` : base;
}

/**
 * The inline StartChatContact request (a test's `"request": { ... }`) whose object holds `offset`,
 * as a span of `text`, for the request file's live completion and hover. Tolerant of a file being
 * edited (jsonc-parser's loose tree).
 */
export function inlineRequestAt(text: string, offset: number): { offset: number; length: number } | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (root?.type !== 'object') return undefined;
  const tests = members(root).find((m) => m.key === 'tests')?.node;
  const candidates = tests?.type === 'array' ? (tests.children ?? []) : [root];
  for (const t of candidates) {
    if (t.type !== 'object') continue;
    const req = members(t).find((m) => m.key === 'request')?.node;
    if (req?.type === 'object' && offset > req.offset && offset < req.offset + req.length) return { offset: req.offset, length: req.length };
  }
  return undefined;
}

/** Deep merge of `override` into `base` (objects merge member by member; null removes a member; anything else replaces). */
export function mergeOverride(base: Record<string, unknown>, override: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!override) return { ...base };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const b = out[k];
    if (v === null) delete out[k];
    else out[k] = isObject(b) && isObject(v) ? mergeOverride(b, v) : v;
  }
  return out;
}
