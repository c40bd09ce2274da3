import { parse } from 'jsonc-parser';
import { idFromArn } from './arn';

/** One contact attribute a flow reads, and the literal values it compares it against. */
export interface AttributeKeyUsage {
  key: string;
  /** Operands of Compare conditions on this attribute, e.g. ["gold", "silver"]. */
  values: string[];
  /**
   * Where it is read, for hover and completion text: each block by the name the flow designer
   * gives its kind ("Check contact attributes"), with the flow's name when the caller knew it.
   */
  readBy: AttributeReader[];
}

export interface AttributeReader {
  block: string;
  flow?: string;
}

export interface AttributeUsage {
  keys: AttributeKeyUsage[];
  /**
   * Flows this flow can hand the contact to (TransferToFlow, event hooks such as CustomerQueue):
   * IDs when the reference is an ARN or ID, so the caller can fetch them and merge their usage.
   * Dynamic ($.…) references are left out.
   */
  transfers: string[];
}

// `$.Attributes.name`, `$.Attributes['name']`, `$.Attributes.['name']` (the console writes all three).
const attributeRef = (): RegExp => /\$\.Attributes(?:\.([A-Za-z0-9_-]+)|\.?\[\s*(?:'([^']+)'|"([^"]+)")\s*\])/g;

interface FlowAction {
  Identifier?: unknown;
  Type?: unknown;
  Parameters?: unknown;
  Transitions?: { Conditions?: Array<{ Condition?: { Operator?: unknown; Operands?: unknown } }> };
}

/**
 * Every `$.Attributes.x` a Flow-language document reads, with the values Compare blocks test it
 * against. Accepts the flow content as DescribeContactFlow returns it (a JSON string) or parsed.
 * Keys a flow only writes (UpdateContactAttributes) are not reads and are not listed.
 */
export function extractAttributeUsage(flowContent: unknown, flowName?: string): AttributeUsage {
  const flow: unknown = typeof flowContent === 'string' ? parse(flowContent, [], { allowTrailingComma: true }) : flowContent;
  const usage = new Map<string, Collected>();
  const transfers = new Set<string>();
  const note = (key: string, type: unknown, value?: string): void => {
    let u = usage.get(key);
    if (!u) usage.set(key, (u = { values: new Set(), readers: new Map() }));
    if (type !== undefined) {
      const reader: AttributeReader = { block: blockName(type), ...(flowName ? { flow: flowName } : {}) };
      u.readers.set(readerKey(reader), reader);
    }
    if (value !== undefined) u.values.add(value);
  };
  const actions = isRecord(flow) && Array.isArray(flow.Actions) ? (flow.Actions as FlowAction[]) : undefined;
  if (!actions) {
    // Not the Flow language (e.g. a legacy export): still find what it reads.
    forEachString(flow, (s) => forEachRef(s, (k) => note(k, undefined)));
    return finish(usage, transfers);
  }
  for (const action of actions) {
    if (!isRecord(action)) continue;
    const type = action.Type;
    const params = isRecord(action.Parameters) ? action.Parameters : {};
    for (const [name, value] of Object.entries(params)) {
      // UpdateContactAttributes: keys are writes, values may read other attributes.
      const scan = action.Type === 'UpdateContactAttributes' && name === 'Attributes' && isRecord(value) ? Object.values(value) : value;
      forEachString(scan, (s) => forEachRef(s, (k) => note(k, type)));
    }
    if (action.Type === 'Compare' && typeof params.ComparisonValue === 'string') {
      const single = singleAttributeRef(params.ComparisonValue);
      if (single !== undefined) {
        const transitions = (action as FlowAction).Transitions;
        for (const c of transitions?.Conditions ?? []) {
          const operands = c?.Condition?.Operands;
          if (Array.isArray(operands)) for (const o of operands) if (typeof o === 'string' || typeof o === 'number') note(single, type, String(o));
        }
      }
    }
    if (action.Type === 'TransferToFlow' && typeof params.ContactFlowId === 'string') addTransfer(transfers, params.ContactFlowId);
    if (action.Type === 'UpdateContactEventHooks' && isRecord(params.EventHooks)) {
      for (const v of Object.values(params.EventHooks)) if (typeof v === 'string') addTransfer(transfers, v);
    }
  }
  return finish(usage, transfers);
}

/** Union of several flows' usage (a flow and the flows it transfers to). */
export function mergeAttributeUsage(...usages: AttributeUsage[]): AttributeUsage {
  const keys = new Map<string, Collected>();
  const transfers = new Set<string>();
  for (const u of usages) {
    for (const k of u.keys) {
      let m = keys.get(k.key);
      if (!m) keys.set(k.key, (m = { values: new Set(), readers: new Map() }));
      k.values.forEach((v) => m.values.add(v));
      k.readBy.forEach((r) => m.readers.set(readerKey(r), r));
    }
    u.transfers.forEach((t) => transfers.add(t));
  }
  return finish(keys, transfers);
}

interface Collected {
  values: Set<string>;
  readers: Map<string, AttributeReader>;
}

const readerKey = (r: AttributeReader): string => `${r.flow ?? ''}\u0000${r.block}`;

/**
 * The flow designer's names for the Flow-language action types that read attributes (the
 * reference's action table); other types show as their type name.
 */
const BLOCK_NAMES: Record<string, string> = {
  MessageParticipant: 'Play prompt',
  MessageParticipantIteratively: 'Loop prompts',
  GetParticipantInput: 'Get customer input',
  ConnectParticipantWithLexBot: 'Get customer input (Lex)',
  UpdateContactAttributes: 'Set contact attributes',
  Compare: 'Check contact attributes',
  UpdateContactTargetQueue: 'Set working queue',
  InvokeLambdaFunction: 'AWS Lambda function',
  UpdateContactEventHooks: 'Set event hook',
  UpdateFlowLoggingBehavior: 'Set logging behavior',
  TransferToFlow: 'Transfer to flow',
  Wait: 'Wait',
  CheckHoursOfOperation: 'Check hours of operation',
};

function blockName(type: unknown): string {
  return typeof type === 'string' ? (BLOCK_NAMES[type] ?? type) : 'a block';
}

/**
 * "Check contact attributes, Play prompt in Support Bot; Transfer to flow in After Hours": the
 * readers grouped by flow, for hover and completion text.
 */
export function describeReaders(readers: readonly AttributeReader[]): string {
  const byFlow = new Map<string, string[]>();
  for (const r of readers) {
    const list = byFlow.get(r.flow ?? '') ?? [];
    if (!list.includes(r.block)) list.push(r.block);
    byFlow.set(r.flow ?? '', list);
  }
  return [...byFlow.entries()].map(([flow, blocks]) => `${blocks.join(', ')}${flow ? ` in ${flow}` : ''}`).join('; ');
}

function finish(usage: Map<string, Collected>, transfers: Set<string>): AttributeUsage {
  return {
    keys: [...usage.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, u]) => ({ key, values: [...u.values], readBy: [...u.readers.values()] })),
    transfers: [...transfers],
  };
}

function addTransfer(set: Set<string>, ref: string): void {
  if (ref.trim().startsWith('$')) return;
  set.add(idFromArn(ref, 'flow') ?? ref);
}

function singleAttributeRef(s: string): string | undefined {
  const refs: string[] = [];
  forEachRef(s, (k) => refs.push(k));
  const whole = s.trim().replace(attributeRef(), '');
  return refs.length === 1 && whole === '' ? refs[0] : undefined;
}

function forEachRef(s: string, f: (key: string) => void): void {
  if (!s.includes('$.Attributes')) return;
  for (const m of s.matchAll(attributeRef())) f(m[1] ?? m[2] ?? m[3]);
}

function forEachString(v: unknown, f: (s: string) => void): void {
  if (typeof v === 'string') f(v);
  else if (Array.isArray(v)) v.forEach((x) => forEachString(x, f));
  else if (isRecord(v)) Object.values(v).forEach((x) => forEachString(x, f));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
