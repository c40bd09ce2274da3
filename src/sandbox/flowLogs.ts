/**
 * The sandbox's in-memory CloudWatch Logs: one log group per instance, `/aws/connect/<alias>`,
 * holding the flow-log records the flow runtime writes (one per block run), and the filter
 * patterns FilterLogEvents understands.
 *
 * Bounded: each group keeps its newest `maxPerGroup` events; older ones are dropped first.
 */
import { type FlowLogRecord } from './contactRuntime';

export interface LogEvent {
  logStreamName: string;
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export function flowLogGroupName(alias: string): string {
  return `/aws/connect/${alias}`;
}

export class LogStore {
  private readonly groups = new Map<string, LogEvent[]>();
  private seq = 0;

  constructor(private readonly maxPerGroup = 10_000) {}

  /** Creates an empty group (as enabling flow logs on an instance does). */
  createGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, []);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  append(group: string, stream: string, timestamp: number, message: string, ingestionTime = timestamp): LogEvent {
    let events = this.groups.get(group);
    if (!events) this.groups.set(group, (events = []));
    // Real event ids are long digit strings; this one sorts like them: time, then a counter.
    const eventId = `${String(timestamp).padStart(16, '0')}${String(++this.seq).padStart(20, '0')}`;
    const event: LogEvent = { logStreamName: stream, timestamp, message, ingestionTime, eventId };
    events.push(event);
    if (events.length > this.maxPerGroup) events.splice(0, events.length - this.maxPerGroup);
    return event;
  }

  /** A group's events sorted by timestamp (stable: same-millisecond events keep their order). */
  events(group: string): LogEvent[] | undefined {
    const events = this.groups.get(group);
    if (!events) return undefined;
    return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i).map((x) => x.e);
  }

  /** A flow-log group's records, parsed back from the messages (for tests and the admin view). */
  flowRecords(group: string): FlowLogRecord[] {
    return (this.events(group) ?? []).map((e) => JSON.parse(e.message) as FlowLogRecord);
  }
}

// ------------------------------------------------------------------------------- filter patterns

export class FilterPatternError extends Error {}

type Matcher = (message: string) => boolean;

/**
 * Compiles a CloudWatch Logs filter pattern. Supported (a subset of the real syntax):
 * - empty: every event;
 * - JSON patterns `{ $.Field = "value" }`, `!=`, numeric `< > <= >=`, `*` wildcards in quoted
 *   values, nested selectors `$.A.B`, `EXISTS` / `NOT EXISTS`, terms joined by `&&` / `||`
 *   (`&&` binds tighter), parentheses around terms;
 * - otherwise space-separated terms that must all occur (case-sensitive), `"quoted phrases"`,
 *   and `-term` for a term that must not occur.
 */
export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new FilterPatternError('Invalid filter pattern: a JSON pattern must end with }.');
    const body = text.slice(1, -1).trim();
    const test = jsonExpression(body);
    return (message) => {
      let doc: unknown;
      try {
        doc = JSON.parse(message);
      } catch {
        return false;
      }
      return test(doc);
    };
  }
  return termPattern(text);
}

function termPattern(text: string): Matcher {
  const include: string[] = [];
  const exclude: string[] = [];
  const re = /(-?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    if (term === '') continue;
    (m[1] === '-' ? exclude : include).push(term);
  }
  return (message) => include.every((t) => message.includes(t)) && !exclude.some((t) => message.includes(t));
}

type DocTest = (doc: unknown) => boolean;

/** Splits on an operator at parenthesis depth 0, outside quotes. */
function splitTop(s: string, op: '&&' | '||'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && s.startsWith(op, i)) {
      parts.push(s.slice(start, i));
      start = i + op.length;
      i += op.length - 1;
    }
  }
  if (quoted || depth !== 0) throw new FilterPatternError('Invalid filter pattern: unbalanced quotes or parentheses.');
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

function jsonExpression(s: string): DocTest {
  if (s === '') throw new FilterPatternError('Invalid filter pattern: the JSON pattern {} has no condition.');
  const ors = splitTop(s, '||');
  if (ors.length > 1) {
    const tests = ors.map(jsonExpression);
    return (d) => tests.some((t) => t(d));
  }
  const ands = splitTop(s, '&&');
  if (ands.length > 1) {
    const tests = ands.map(jsonExpression);
    return (d) => tests.every((t) => t(d));
  }
  const one = ands[0];
  if (one.startsWith('(') && one.endsWith(')')) return jsonExpression(one.slice(1, -1).trim());
  return jsonTerm(one);
}

function select(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A `*` glob as a matcher, without a regular expression (so a pattern full of `*` cannot make
 * matching blow up): the usual two-pointer scan, at worst text length x pattern length.
 */
function wildcard(pattern: string): { test(text: string): boolean } {
  return {
    test(text: string): boolean {
      let t = 0;
      let p = 0;
      let star = -1;
      let mark = 0;
      while (t < text.length) {
        if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
          t++;
          p++;
        } else if (p < pattern.length && pattern[p] === '*') {
          star = p++;
          mark = t;
        } else if (star >= 0) {
          p = star + 1;
          t = ++mark;
        } else {
          return false;
        }
      }
      while (p < pattern.length && pattern[p] === '*') p++;
      return p === pattern.length;
    },
  };
}

function jsonTerm(term: string): DocTest {
  const m = /^\$((?:\.[A-Za-z0-9_@-]+)+)\s*(?:(=|!=|<=|>=|<|>)\s*(.+)|(NOT\s+EXISTS|EXISTS))$/.exec(term);
  if (!m) throw new FilterPatternError(`Invalid filter pattern: cannot read the condition "${term.slice(0, 100)}"; write it as $.Field = "value".`);
  const path = m[1].slice(1).split('.');
  if (m[4] !== undefined) {
    const wantExists = !/^NOT/.test(m[4]);
    return (d) => (select(d, path) !== undefined) === wantExists;
  }
  const op = m[2];
  const raw = m[3].trim();
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) throw new FilterPatternError(`Invalid filter pattern: unterminated string in "${term.slice(0, 100)}".`);
    if (op !== '=' && op !== '!=') throw new FilterPatternError(`Invalid filter pattern: strings compare only with = or != ("${term.slice(0, 100)}").`);
    const re = wildcard(raw.slice(1, -1).replace(/\\(.)/g, '$1'));
    return (d) => {
      const v = select(d, path);
      const hit = (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && re.test(String(v));
      return op === '=' ? hit : v !== undefined && !hit;
    };
  }
  const num = Number(raw);
  if (raw !== '' && Number.isFinite(num)) {
    return (d) => {
      const v = select(d, path);
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isNaN(n)) return false;
      switch (op) {
        case '=': return n === num;
        case '!=': return n !== num;
        case '<': return n < num;
        case '>': return n > num;
        case '<=': return n <= num;
        default: return n >= num;
      }
    };
  }
  if (op !== '=' && op !== '!=') throw new FilterPatternError(`Invalid filter pattern: "${raw.slice(0, 50)}" is not a number.`);
  // Unquoted words: true/false/null or a bare string value.
  const re = wildcard(raw);
  return (d) => {
    const v = select(d, path);
    const hit = v === null ? raw === 'NULL' || raw === 'null' : (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && re.test(String(v));
    return op === '=' ? hit : v !== undefined && !hit;
  };
}
