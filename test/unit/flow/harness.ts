import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContactControl, ContactView, TranscriptItemInput } from '../../../src/sandbox/contactRuntime';
import { createFlowRuntime, type FlowRuntime, type FlowRuntimeOptions, type FlowSource } from '../../../src/sandbox/flow';

export const fixtures = join(__dirname, '../../fixtures/flows');
export const instanceId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const instanceArn = `arn:aws:connect:us-west-2:111122223333:instance/${instanceId}`;

export function fixtureFlow(file: string, id: string, name: string): FlowSource {
  return { id, arn: `${instanceArn}/contact-flow/${id}`, name, content: readFileSync(join(fixtures, file), 'utf8') };
}

/** A flow written inline: [Identifier, Type, Parameters?, Transitions?]. */
export type ActionSpec = [string, string, Record<string, unknown>?, Record<string, unknown>?];
export function flowDoc(start: string, actions: ActionSpec[]): object {
  return {
    Version: '2019-10-30',
    StartAction: start,
    Actions: actions.map(([Identifier, Type, Parameters = {}, Transitions = {}]) => ({ Identifier, Type, Parameters, Transitions })),
  };
}

export function source(id: string, content: object | string, name = id): FlowSource {
  return { id, arn: `${instanceArn}/contact-flow/${id}`, name, content };
}

export type Posted = TranscriptItemInput & { time: string };

/**
 * The service layer's side of the seam, reduced to what it records: posted items, attributes,
 * how the contact ended, and a clock whose timers fire only when the test advances it.
 */
export class RecordingControl implements ContactControl {
  items: Posted[] = [];
  attributes: Record<string, string> | undefined;
  endedWith: string | undefined;
  onEnd: (() => void) | undefined;
  private t: number;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; fn: () => void; live: boolean }> = [];

  constructor(start = Date.parse('2026-11-23T15:00:00.000Z')) {
    this.t = start;
  }

  post(item: TranscriptItemInput): void {
    this.items.push({ ...item, time: this.now().toISOString() });
  }
  setAttributes(attributes: Record<string, string>): void {
    this.attributes = attributes;
  }
  end(reason: 'FLOW_DISCONNECT' | 'CUSTOMER_DISCONNECT' | 'API' | 'EXPIRED' | 'ERROR'): void {
    this.endedWith = reason;
    this.items.push({ Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.chat.ended', ParticipantRole: 'SYSTEM', time: this.now().toISOString() });
    for (const timer of this.timers) timer.live = false;
    this.onEnd?.();
  }
  now(): Date {
    return new Date(this.t);
  }
  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + ms, seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }
  pendingTimers(): number {
    return this.timers.filter((t) => t.live).length;
  }
  /** Moves the clock forward, firing due timers in time order. */
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.fn();
    }
    this.t = until;
  }

  /** The flow's messages: [DisplayName, Content]. */
  messages(): Array<[string | undefined, string | undefined]> {
    return this.items.filter((i) => i.Type === 'MESSAGE').map((i) => [i.DisplayName, i.Content]);
  }
  texts(): string[] {
    return this.items.filter((i) => i.Type === 'MESSAGE').map((i) => i.Content ?? '');
  }
  notices(): string[] {
    return this.items
      .filter((i) => i.ContentType === 'application/vnd.chatreq.sandbox.notice')
      .map((i) => (JSON.parse(i.Content ?? '{}') as { notice: string }).notice);
  }
}

let contactSeq = 0;

export interface Started {
  runtime: FlowRuntime;
  control: RecordingControl;
  contactId: string;
  say(text: string, contentType?: string): void;
  trace(): NonNullable<ReturnType<FlowRuntime['getTrace']>>;
  branches(): string[];
}

export function view(overrides: Partial<ContactView> = {}): ContactView {
  const contactId = `c-${++contactSeq}`;
  return {
    contactId,
    initialContactId: contactId,
    instanceId,
    instanceArn,
    contactFlowId: 'main',
    channel: 'CHAT',
    attributes: {},
    segmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' } },
    customerDisplayName: 'Customer',
    customerParticipantId: `p-${contactSeq}`,
    ...overrides,
  };
}

/** Starts one contact on a runtime (made from the flows given unless one is passed). */
export function startContact(
  flows: FlowSource[] | FlowRuntime,
  overrides: Partial<ContactView> = {},
  options: Partial<FlowRuntimeOptions> = {},
  control = new RecordingControl(),
): Started {
  const runtime = Array.isArray(flows)
    ? createFlowRuntime({
        findFlow: (inst, ref) => (inst === instanceId ? flows.find((f) => f.id === ref || f.arn === ref || f.name === ref) : undefined),
        seed: 7,
        ...options,
      })
    : flows;
  const v = view(overrides);
  control.onEnd = () => runtime.contactEnded(v.contactId);
  runtime.start(v, control);
  const trace = (): NonNullable<ReturnType<FlowRuntime['getTrace']>> => {
    const t = runtime.getTrace(v.contactId);
    if (!t) throw new Error(`no trace for ${v.contactId}`);
    return t;
  };
  return {
    runtime,
    control,
    contactId: v.contactId,
    say: (text, contentType = 'text/plain') => {
      control.post({ Type: 'MESSAGE', ContentType: contentType, Content: text, ParticipantRole: 'CUSTOMER', DisplayName: 'Customer' });
      runtime.customerMessage(v.contactId, { ContentType: contentType, Content: text });
    },
    trace,
    branches: () => trace().steps.map((s) => `${s.identifier}:${s.branch}`),
  };
}
