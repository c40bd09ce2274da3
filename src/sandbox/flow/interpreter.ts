import { SANDBOX_NOTICE_CONTENT_TYPE, type ContactControl, type ContactView, type FlowLogRecord, type FlowLoggingState } from '../contactRuntime';
import { DEFAULT_SUPPORTED_CONTENT_TYPES, EVENT_TYPE_PREFIX, INTERACTIVE, INTERACTIVE_RESPONSE, TEXT_MARKDOWN, TEXT_PLAIN } from '../../core/request/limits';
import { asText, interpolate, resolveParameter, type AttributeScope } from './attributes';
import { firstMatchingCondition } from './conditions';
import { findHours, isOpen } from './hours';
import { findMock, invokeMock } from './lambdaMock';
import { LexConversation, findBot, type LexReply, type LexTurn } from './lexBot';
import type { FlowRuntimeOptions, QueueInfo } from './options';
import type { Flow, FlowAction, FlowSource, FlowTrace } from './types';
import { parseFlow } from './validate';
import type { Workspace } from './workspace';

export const noticeContentType = SANDBOX_NOTICE_CONTENT_TYPE;
const eventPrefix = EVENT_TYPE_PREFIX;
const systemName = 'SYSTEM_MESSAGE';
const botName = 'BOT';

/** Blocks Connect routes down the Error branch on the chat channel (admin guide, block support by channel). */
const errorOnChat: Record<string, string> = {
  GetParticipantInput: 'Get customer input works on chat only with Amazon Lex (ConnectParticipantWithLexBot)',
  MessageParticipantIteratively: 'Loop prompts is not supported on chat',
  TransferParticipantToThirdParty: 'Call phone number is not supported on chat',
  CheckOutboundCallStatus: 'Check call progress is not supported on chat',
  CheckVoiceId: 'Check Voice ID is not supported on chat',
  StartVoiceIdStream: 'Set Voice ID is not supported on chat',
};

/** Supported on chat but with nothing to show in the sandbox: they succeed. */
const noEffect = new Set([
  'UpdateContactRecordingBehavior', 'UpdateContactRecordingAndAnalyticsBehavior', 'UpdateContactTextToSpeechVoice',
  'UpdateContactRoutingBehavior', 'UpdateContactData', 'TagContact', 'UnTagContact', 'UpdateRoutingCriteria',
]);

type Branch = { type: 'next' } | { type: 'condition'; index: number } | { type: 'error'; errorType: string };

type Outcome =
  | { kind: 'branch'; branch: Branch; note?: string }
  /** The block waits for the customer or a timer; {@link FlowContact.resume} continues it. */
  | { kind: 'park'; note?: string }
  /** The flow stops here; `endContact` also ends the chat. */
  | { kind: 'stop'; endContact: boolean; note?: string }
  | { kind: 'transfer'; flow: Flow; source: FlowSource; note?: string; mode?: 'queue' };

type Parked =
  | { kind: 'lex'; action: FlowAction; conversation: LexConversation; sessionAttributes: Record<string, string>; timeoutMs: number; cancel: () => void }
  | { kind: 'wait'; action: FlowAction; events: string[]; cancel: () => void }
  | { kind: 'view'; action: FlowAction; cancel: () => void };

interface Running {
  flow: Flow;
  source: FlowSource;
  /** Queue flows (the CustomerQueue hook) end without ending the chat. */
  mode: 'contact' | 'queue';
}

const plainTypes = new Set([TEXT_PLAIN, TEXT_MARKDOWN]);
const interactiveType = INTERACTIVE;
const interactiveResponseType = INTERACTIVE_RESPONSE;

/**
 * Flow-language Type -> the legacy block name Connect writes as ContactFlowModuleType in flow logs
 * (reference chat-extras §1.3). Only SetQueue and InvokeExternalResource are confirmed by a source;
 * every other name here is [UNVERIFIED]. Types not listed are logged under their own Type.
 */
const MODULE_TYPES: Record<string, string> = {
  UpdateContactTargetQueue: 'SetQueue',
  InvokeLambdaFunction: 'InvokeExternalResource',
  MessageParticipant: 'PlayPrompt', // [UNVERIFIED]
  ConnectParticipantWithLexBot: 'GetUserInput', // [UNVERIFIED]
  GetParticipantInput: 'GetUserInput', // [UNVERIFIED]
  Compare: 'CheckAttribute', // [UNVERIFIED]
  UpdateContactAttributes: 'SetAttributes', // [UNVERIFIED]
  TransferContactToQueue: 'Transfer', // [UNVERIFIED]
  DisconnectParticipant: 'Disconnect', // [UNVERIFIED]
  UpdateFlowLoggingBehavior: 'SetLoggingBehavior', // [UNVERIFIED]
  TransferToFlow: 'TransferToFlow', // [UNVERIFIED]
  CheckHoursOfOperation: 'CheckHoursOfOperation', // [UNVERIFIED]
  DistributeByPercentage: 'DistributeByPercentage', // [UNVERIFIED]
  Wait: 'Wait', // [UNVERIFIED]
};

/** What one block's flow-log record should say beyond the defaults (set while the block runs). */
interface BlockLog {
  parameters?: Record<string, string>;
  /** One record per entry instead of one (Set contact attributes logs each attribute) [UNVERIFIED]. */
  perEntry?: Array<Record<string, string>>;
  results?: string;
  externalResults?: Record<string, string>;
}

/** Parameters as text: strings resolved (a single JSONPath), other values JSON. */
function textParameters(params: Record<string, unknown>, scope: AttributeScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') out[k] = resolveParameter(v, scope) ?? '';
    else if (v !== undefined) out[k] = asText(v) ?? '';
  }
  return out;
}

/**
 * The text a customer sees for an interactive template when the chat did not list the
 * interactive content type (the sandbox's fallback; what Connect does then is [UNVERIFIED]):
 * the title, the subtitle, and one line per option, so the customer can type the option's title.
 */
export function interactiveAsText(content: string): string {
  try {
    const t = JSON.parse(content) as { data?: { content?: { title?: unknown; subtitle?: unknown; elements?: unknown } } };
    const c = t.data?.content;
    const lines: string[] = [];
    if (typeof c?.title === 'string') lines.push(c.title);
    if (typeof c?.subtitle === 'string') lines.push(c.subtitle);
    if (Array.isArray(c?.elements)) {
      for (const e of c.elements as Array<{ title?: unknown }>) if (typeof e?.title === 'string') lines.push(`- ${e.title}`);
    }
    if (lines.length > 0) return lines.join('\n');
  } catch {
    // not JSON: show it as it is
  }
  return content;
}

/** One contact's run through its flows. Every public method is safe to call at any time. */
export class FlowContact {
  readonly trace: FlowTrace;
  private readonly scope: AttributeScope;
  private running: Running | undefined;
  private parked: Parked | undefined;
  private hooks: Record<string, string> = {};
  private queued = false;
  private initialMessagePending: boolean;
  private ended = false;
  /** The last Set logging behavior block's value (flow logs). */
  private logging: FlowLoggingState = 'unset';
  /** Extra flow-log content for the block being run (or parked). */
  private blockLog: BlockLog | undefined;

  constructor(
    private readonly view: ContactView,
    private readonly control: ContactControl,
    private readonly options: FlowRuntimeOptions,
    private readonly workspace: Workspace,
    private readonly random: () => number,
    private readonly onEnded: () => void,
  ) {
    this.scope = { contact: view, attributes: { ...view.attributes }, external: {}, lex: {}, flowAttributes: {} };
    this.initialMessagePending = view.initialMessage !== undefined && plainTypes.has(view.initialMessage.ContentType);
    this.trace = {
      contactId: view.contactId, status: 'running', steps: [], attributes: this.scope.attributes,
      external: {}, lex: {}, flowLogging: false, notices: [], stepsUsed: 0,
    };
  }

  start(): void {
    this.guard(() => {
      const source = this.options.findFlow(this.view.instanceId, this.view.contactFlowId);
      if (!source) {
        this.notice(`The contact's flow "${this.view.contactFlowId}" was not found in instance ${this.view.instanceId}; the chat ends.`);
        this.endContact('ERROR', 'flow not found');
        return;
      }
      let flow: Flow;
      try {
        flow = parseFlow(source.content, source.name || source.id);
      } catch (err) {
        this.notice(`${(err as Error).message} The chat ends.`);
        this.endContact('ERROR', 'malformed flow');
        return;
      }
      this.running = { flow, source, mode: 'contact' };
      this.run(flow.StartAction);
    });
  }

  customerMessage(message: { ContentType: string; Content: string }): void {
    this.guard(() => {
      const parked = this.parked;
      if (!parked || this.ended) return;
      if (parked.kind === 'wait') {
        if (!parked.events.includes('CustomerReturned')) return;
        this.unpark();
        this.resume(parked.action, resultBranch(parked.action, 'CustomerReturned'), 'the customer sent a message');
        return;
      }
      if (parked.kind === 'view') {
        const text = customerText(message);
        if (text === undefined) return;
        this.unpark();
        this.resume(parked.action, viewBranch(parked.action, text), `the customer answered the view with "${text.slice(0, 100)}"`);
        return;
      }
      const text = customerText(message);
      if (text === undefined) return;
      parked.cancel();
      this.lexTurn(parked, parked.conversation.hear(text));
    });
  }

  contactEnded(reason = 'ended by the service (customer disconnect, StopContact or expiry)'): void {
    if (this.ended) return;
    this.ended = true;
    if (this.parked) this.step(this.parked.action, 'Interrupted', undefined, 'the contact ended while this block waited');
    this.parked?.cancel();
    this.parked = undefined;
    this.finishTrace(reason);
  }

  // -------------------------------------------------------------------------------------------

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // A bug here must not take the sandbox down: report it and end this one chat.
      try {
        this.notice(`The sandbox flow runtime failed: ${(err as Error).message}`);
        this.endContact('ERROR', 'runtime failure');
      } catch {
        // nothing more to do
      }
    }
  }

  private now(): string {
    return this.control.now().toISOString();
  }

  private notice(text: string): void {
    this.trace.notices.push(text);
    if ((this.options.notices ?? 'transcript') === 'transcript' && !this.ended) {
      this.control.post({
        Type: 'EVENT', ContentType: noticeContentType, ParticipantRole: 'SYSTEM', DisplayName: 'SANDBOX',
        Content: JSON.stringify({ notice: text }),
      });
    }
  }

  // No ParticipantId: the service layer keeps one id per role, as Connect shows one SYSTEM participant.
  private say(content: string, displayName: string, contentType: string = TEXT_PLAIN): void {
    this.control.post({ Type: 'MESSAGE', ContentType: contentType, Content: content, ParticipantRole: 'SYSTEM', DisplayName: displayName });
  }

  private endContact(reason: 'FLOW_DISCONNECT' | 'ERROR', why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.parked?.cancel();
    this.parked = undefined;
    this.finishTrace(why);
    this.control.end(reason);
  }

  private finishTrace(reason: string): void {
    this.trace.status = 'ended';
    this.trace.endReason = reason;
    this.trace.waitingOn = undefined;
    this.syncTrace();
    this.onEnded();
  }

  private syncTrace(): void {
    this.trace.attributes = { ...this.scope.attributes };
    this.trace.external = this.scope.external;
    this.trace.lex = this.scope.lex;
    this.trace.queue = this.scope.queue ? { ...this.scope.queue } : undefined;
  }

  private step(action: FlowAction, branch: string, next: string | undefined, note: string | undefined): void {
    const r = this.running;
    this.trace.steps.push({
      time: this.now(), flowId: r?.source.id ?? '', flowName: r?.source.name ?? '',
      identifier: action.Identifier, type: action.Type, branch, next, ...(note ? { note } : {}),
    });
    const extra = this.blockLog;
    this.blockLog = undefined;
    this.writeFlowLog(action, branch, extra);
  }

  /**
   * The block's flow-log record(s), written when the block finishes (a Lex or Wait block: when the
   * customer answered or the timer fired), so Timestamp is the finishing time. Results is [UNVERIFIED] beyond the Lambda error text: the
   * condition operand that matched (for a Lex block, the intent), the error type of an error
   * branch, or nothing for a plain success.
   */
  private writeFlowLog(action: FlowAction, branch: string, extra: BlockLog | undefined): void {
    const r = this.running;
    const log = this.control.flowLog?.bind(this.control);
    if (!r || !log) return;
    let results = extra?.results;
    if (results === undefined) {
      if (branch.startsWith('Error: ')) results = branch.slice('Error: '.length);
      else if (branch.startsWith('Condition: ')) {
        const operand = /^Condition: \S+ (".*")/.exec(branch)?.[1];
        try {
          results = operand !== undefined ? String(JSON.parse(operand.split(', ')[0])) : undefined;
        } catch {
          results = undefined;
        }
      } else if (branch === 'Interrupted') results = 'Interrupted';
    }
    const base: Omit<FlowLogRecord, 'Parameters'> = {
      ContactId: this.view.contactId,
      ContactFlowId: r.source.arn,
      ContactFlowName: r.source.name,
      ContactFlowModuleType: MODULE_TYPES[action.Type] ?? action.Type,
      Identifier: action.Identifier,
      Timestamp: this.now(),
    };
    const tail = {
      ...(results !== undefined ? { Results: results } : {}),
      ...(extra?.externalResults ? { ExternalResults: extra.externalResults } : {}),
    };
    const lists = extra?.perEntry && extra.perEntry.length > 0 ? extra.perEntry : [extra?.parameters ?? textParameters(action.Parameters, this.scope)];
    for (const Parameters of lists) log({ ...base, Parameters, ...tail }, this.logging);
  }

  /** Runs blocks from `id` until one waits, the flow stops, or the chat ends. */
  private run(id: string | undefined): void {
    let current = id;
    const budget = this.options.stepBudget ?? 1000;
    while (current !== undefined && !this.ended && this.running) {
      const action: FlowAction | undefined = this.running.flow.actions.get(current);
      if (!action) return; // cannot happen: validation checked every target
      if (this.trace.stepsUsed >= budget) {
        this.notice(`The contact ran ${budget} blocks (the sandbox step budget) and is stopped at "${action.Identifier}" (${action.Type}); check the flow for a loop that never waits.`);
        this.endContact('ERROR', 'step budget exhausted');
        return;
      }
      this.trace.stepsUsed++;
      const outcome = this.execute(action);
      current = this.follow(action, outcome);
    }
    if (current === undefined && !this.ended && this.running && !this.parked) this.flowFinished();
  }

  /** Records the step and returns the next block to run (undefined: stop or wait). */
  private follow(action: FlowAction, outcome: Outcome): string | undefined {
    switch (outcome.kind) {
      case 'park':
        this.trace.status = 'waiting';
        this.trace.waitingOn = { identifier: action.Identifier, type: action.Type, since: this.now() };
        this.syncTrace();
        return undefined;
      case 'stop':
        this.step(action, 'End', undefined, outcome.note);
        if (outcome.endContact) this.endContact('FLOW_DISCONNECT', `${action.Type} "${action.Identifier}"`);
        return undefined;
      case 'transfer':
        this.step(action, 'Success', outcome.flow.StartAction, outcome.note ?? `to flow "${outcome.source.name}"`);
        this.running = { flow: outcome.flow, source: outcome.source, mode: outcome.mode ?? this.running?.mode ?? 'contact' };
        this.scope.flowAttributes = {};
        return outcome.flow.StartAction;
      case 'branch': {
        const [label, next, extra] = this.target(action, outcome.branch);
        const note = [outcome.note, extra].filter(Boolean).join('; ') || undefined;
        this.step(action, label, next, note);
        return next;
      }
    }
  }

  /** Where a branch leads, following Connect's fallbacks for branches the flow does not wire. */
  private target(action: FlowAction, branch: Branch): [string, string | undefined, string?] {
    const t = action.Transitions;
    if (branch.type === 'next') return ['Success', t.NextAction];
    if (branch.type === 'condition') {
      const c = t.Conditions[branch.index];
      return [`Condition: ${c.Condition.Operator} ${c.Condition.Operands.map((o) => JSON.stringify(o)).join(', ')}`, c.NextAction];
    }
    const label = `Error: ${branch.errorType}`;
    const wired = t.Errors.find((e) => e.ErrorType === branch.errorType);
    if (wired) return [label, wired.NextAction];
    if (branch.errorType === 'NoMatchingCondition' && t.NextAction !== undefined) return [label, t.NextAction, 'no NoMatchingCondition branch: took NextAction'];
    const catchAll = t.Errors.find((e) => e.ErrorType === 'NoMatchingError');
    if (catchAll) return [label, catchAll.NextAction, `no ${branch.errorType} branch: took NoMatchingError`];
    return [label, undefined, `no branch for ${branch.errorType}: the flow ends`];
  }

  /** The flow ran out of blocks without disconnecting. */
  private flowFinished(): void {
    this.running = undefined;
    if (this.queued) {
      this.trace.status = 'queued';
      this.syncTrace();
      return;
    }
    // Connect disconnects a contact whose inbound flow ends without a transfer.
    this.endContact('FLOW_DISCONNECT', 'the flow ended');
  }

  /** Continues after a parked block finishes. */
  private resume(action: FlowAction, outcome: Outcome, note: string): void {
    this.trace.status = this.queued ? 'queued' : 'running';
    this.trace.waitingOn = undefined;
    const withNote: Outcome = outcome.kind === 'branch' ? { ...outcome, note: [note, outcome.note].filter(Boolean).join('; ') } : outcome;
    this.run(this.follow(action, withNote));
  }

  private unpark(): void {
    this.parked?.cancel();
    this.parked = undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Blocks

  private execute(action: FlowAction): Outcome {
    const p = action.Parameters;
    const error = (errorType: string, note?: string): Outcome => ({ kind: 'branch', branch: { type: 'error', errorType }, note });
    const next = (note?: string): Outcome => ({ kind: 'branch', branch: { type: 'next' }, note });
    if (errorOnChat[action.Type]) return error('NoMatchingError', `${errorOnChat[action.Type]}: Connect takes the Error branch`);
    if (noEffect.has(action.Type)) return next('no effect in the sandbox');
    switch (action.Type) {
      case 'MessageParticipant': {
        if (typeof p.Text !== 'string') return error('NoMatchingError', 'only Text messages work on chat (SSML, PromptId and Media are voice only)');
        const text = interpolate(p.Text, this.scope);
        this.blockLog = { parameters: { Text: text, TextToSpeechType: 'text' } };
        if (text === '') return error('NoMatchingError', 'the message text is empty');
        this.say(text, systemName);
        return next();
      }
      case 'ConnectParticipantWithLexBot':
        return this.startLex(action);
      case 'UpdateContactAttributes': {
        if (p.TargetContact === 'Related') return error('NoMatchingError', 'the sandbox has no related contact to update');
        const updates: Record<string, string> = {};
        for (const [k, v] of Object.entries(p.Attributes as Record<string, string>)) updates[k] = resolveParameter(v, this.scope) ?? '';
        Object.assign(this.scope.attributes, updates);
        this.blockLog = { perEntry: Object.entries(updates).map(([Key, Value]) => ({ Key, Value })) };
        this.control.setAttributes({ ...this.scope.attributes });
        this.syncTrace();
        return next(`set ${Object.keys(updates).join(', ')}`);
      }
      case 'Compare': {
        const value = resolveParameter(p.ComparisonValue as string, this.scope);
        this.blockLog = { parameters: { ComparisonValue: value ?? '' } };
        return this.choose(action, value, value === undefined ? 'no value' : `value ${JSON.stringify(value)}`);
      }
      case 'DistributeByPercentage': {
        const drawn = Math.floor(this.random() * 100) + 1;
        return this.choose(action, String(drawn), `drew ${drawn}`);
      }
      case 'CheckHoursOfOperation':
        return this.checkHours(action);
      case 'Wait':
        return this.startWait(action);
      case 'Loop': {
        const raw = String(p.LoopCount);
        const count = Number(resolveParameter(raw, this.scope));
        if (!Number.isInteger(count) || count < 0 || count > 100) return error('NoMatchingError', `LoopCount resolved to ${JSON.stringify(resolveParameter(raw, this.scope) ?? null)}, not 0 to 100`);
        // Counted per block: ContinueLooping `count` times, then DoneLooping once, then start over.
        const key = `${this.running?.source.id ?? ''}\u0000${action.Identifier}`;
        const done = this.loops.get(key) ?? 0;
        const result = done < count ? 'ContinueLooping' : 'DoneLooping';
        this.loops.set(key, result === 'DoneLooping' ? 0 : done + 1);
        return { ...resultBranch(action, result), note: `${result} (${Math.min(done + 1, count)}/${count})` };
      }
      case 'UpdateFlowLoggingBehavior':
        this.trace.flowLogging = p.FlowLoggingBehavior === 'Enabled';
        this.logging = this.trace.flowLogging ? 'enabled' : 'disabled';
        // Parameter name and value as recalled from a record [UNVERIFIED].
        this.blockLog = { parameters: { LoggingBehavior: this.trace.flowLogging ? 'Enable' : 'Disable' } };
        return next(`flow logging ${String(p.FlowLoggingBehavior)}`);
      case 'UpdateFlowAttributes': {
        for (const [k, v] of Object.entries(p.FlowAttributes as Record<string, unknown>)) {
          const raw = typeof v === 'string' ? v : String((v as { Value: string }).Value);
          this.scope.flowAttributes[k] = resolveParameter(raw, this.scope) ?? '';
        }
        return next();
      }
      case 'UpdateContactTargetQueue': {
        const ref = resolveParameter(String(p.QueueId ?? p.AgentId), this.scope);
        if (!ref) return error('NoMatchingError', 'the queue reference has no value');
        const queue = this.lookupQueue(ref, p.AgentId !== undefined);
        if (!queue) return error('NoMatchingError', `no queue "${ref}" in instance ${this.view.instanceId}`);
        this.scope.queue = { id: queue.id, arn: queue.arn, name: queue.name };
        this.targetQueue = queue;
        this.blockLog = { parameters: { Queue: queue.arn } };
        this.syncTrace();
        return next(`queue ${queue.name}`);
      }
      case 'TransferContactToQueue':
        return this.transferToQueue();
      case 'TransferToFlow': {
        const ref = resolveParameter(p.ContactFlowId as string, this.scope);
        const target = ref ? this.loadFlow(ref) : { error: 'the flow reference has no value' };
        if ('error' in target) return error('NoMatchingError', target.error);
        this.blockLog = { parameters: { ContactFlowId: target.source.arn } };
        return { kind: 'transfer', flow: target.flow, source: target.source };
      }
      case 'InvokeLambdaFunction':
        return this.invokeLambda(action);
      case 'UpdateContactEventHooks': {
        const [hook, value] = Object.entries(p.EventHooks as Record<string, string>)[0];
        if (hook === 'CustomerHold' || hook === 'AgentHold') return error('NoMatchingError', 'Set hold flow is not supported on chat: Connect takes the Error branch');
        const ref = resolveParameter(value, this.scope);
        if (!ref) return error('NoMatchingError', `the ${hook} flow reference has no value`);
        if (['CustomerQueue', 'CustomerWhisper', 'AgentWhisper', 'CustomerRemaining'].includes(hook)) {
          const target = this.loadFlow(ref);
          if ('error' in target) return error('NoMatchingError', target.error);
        }
        this.hooks[hook] = ref;
        return next(`${hook} = ${ref}`);
      }
      case 'ShowView':
        return this.showView(action);
      case 'CreateTask': {
        // The task contact is not created or run: the sandbox has no task channel. The block takes
        // its Success path, as Connect does when the task is accepted.
        const name = resolveParameter(param(p.Name), this.scope) ?? '';
        if (name === '') return error('NoMatchingError', 'the task has no Name');
        this.blockLog = { parameters: textParameters(p, this.scope) };
        this.notice(`CreateTask "${action.Identifier}": task "${name}" accepted (the sandbox does not run task contacts).`);
        return next(`task "${name}" created (not run)`);
      }
      case 'CheckMetricData':
        return this.checkQueueStatus(action);
      case 'CreatePersistentContactAssociation': {
        const source = resolveParameter(param(p.SourceContactId), this.scope) ?? '';
        const type = param(p.RehydrationType, 'ENTIRE_PAST_SESSION');
        if (!['ENTIRE_PAST_SESSION', 'FROM_SEGMENT'].includes(type)) return error('NoMatchingError', `RehydrationType "${type}" is not ENTIRE_PAST_SESSION or FROM_SEGMENT`);
        if (source === '') return error('NoMatchingError', 'SourceContactId has no value');
        const status = this.control.contactStatus?.(source);
        if (status === undefined) return error('NoMatchingError', `no contact "${source}" in this instance`);
        if (status !== 'ENDED') return error('NoMatchingError', `contact "${source}" has not ended`);
        this.blockLog = { parameters: { SourceContactId: source, RehydrationType: type } };
        // The association is accepted; the sandbox does not copy the past transcript into this chat.
        return next(`associated with ${source} (${type}; transcript not rehydrated)`);
      }
      case 'EndFlowExecution':
        return { kind: 'stop', endContact: false };
      case 'DisconnectParticipant':
        return { kind: 'stop', endContact: true };
      default:
        this.notice(`Unsupported block "${action.Identifier}" (${action.Type}): the sandbox does not run this action type, so it took the NoMatchingError branch.`);
        return error('NoMatchingError', 'unsupported block in the sandbox');
    }
  }

  private targetQueue: QueueInfo | undefined;
  private readonly loops = new Map<string, number>();

  private choose(action: FlowAction, value: string | undefined, note: string): Outcome {
    const index = firstMatchingCondition(action, value);
    return index >= 0
      ? { kind: 'branch', branch: { type: 'condition', index }, note }
      : { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingCondition' }, note };
  }

  private loadFlow(ref: string): { flow: Flow; source: FlowSource } | { error: string } {
    const source = this.options.findFlow(this.view.instanceId, ref);
    if (!source) return { error: `no flow "${ref}" in instance ${this.view.instanceId}` };
    try {
      return { flow: parseFlow(source.content, source.name || source.id), source };
    } catch (err) {
      this.notice((err as Error).message);
      return { error: `flow "${source.name}" is malformed` };
    }
  }

  private lookupQueue(ref: string, agent: boolean): QueueInfo | undefined {
    if (!agent && this.options.findQueue) return this.options.findQueue(this.view.instanceId, ref);
    const id = ref.slice(ref.lastIndexOf('/') + 1);
    const arn = ref.startsWith('arn:') ? ref : `${this.view.instanceArn}/${agent ? 'agent' : 'queue'}/${id}`;
    return { id, arn, name: agent ? `agent:${id}` : id };
  }

  private transferToQueue(): Outcome {
    const queue = this.targetQueue;
    if (!queue) return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: 'no working queue set (use UpdateContactTargetQueue first)' };
    if (this.queued) return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: 'the contact is already in a queue' };
    if (queue.atCapacity) return { kind: 'branch', branch: { type: 'error', errorType: 'QueueAtCapacity' }, note: `queue ${queue.name} is at capacity` };
    this.queued = true;
    this.control.queued?.({ id: queue.id, arn: queue.arn, name: queue.name });
    this.blockLog = { parameters: { Queue: queue.arn } };
    this.control.post({ Type: 'EVENT', ContentType: `${eventPrefix}transfer.succeeded`, ParticipantRole: 'SYSTEM', DisplayName: systemName });
    const hook = this.hooks.CustomerQueue;
    if (hook) {
      const target = this.loadFlow(hook);
      if (!('error' in target)) return { kind: 'transfer', flow: target.flow, source: target.source, mode: 'queue', note: `queued in ${queue.name}; customer queue flow "${target.source.name}"` };
    }
    return { kind: 'stop', endContact: false, note: `queued in ${queue.name}` };
  }

  private checkHours(action: FlowAction): Outcome {
    const fail = (note: string): Outcome => ({ kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note });
    const given = action.Parameters.HoursOfOperationId as string | undefined;
    let ref: string | undefined;
    if (given !== undefined) {
      ref = resolveParameter(given, this.scope);
      if (!ref) return fail('the hours reference has no value');
    } else {
      if (!this.targetQueue) return fail('no HoursOfOperationId and no working queue');
      ref = this.targetQueue.hoursOfOperationId;
    }
    const at = (this.options.clock ?? (() => this.control.now()))();
    let open: boolean;
    if (ref === undefined) {
      open = true;
    } else {
      const loaded = this.workspace.hours();
      if ('error' in loaded) {
        this.notice(`CheckHoursOfOperation "${action.Identifier}": ${loaded.error} It took the Error branch.`);
        return fail(loaded.error);
      }
      const hours = findHours(loaded.hours, ref);
      if (!hours) {
        this.notice(`CheckHoursOfOperation "${action.Identifier}": no hours of operation "${ref}" in the sandbox; add them to hours-of-operation.json. It took the Error branch.`);
        return fail(`no hours of operation "${ref}" configured in the sandbox`);
      }
      open = isOpen(hours, at);
    }
    const result = open ? 'True' : 'False';
    const outcome = resultBranch(action, result);
    return { ...outcome, note: `${ref ?? 'queue without hours (always open)'} at ${at.toISOString()}: ${open ? 'in hours' : 'out of hours'}` };
  }

  /**
   * Show view on chat: the view reaches the customer as an interactive message carrying a
   * DescribeView token, and the block waits for the answer. The message's template shape
   * (templateType "ViewResource" with data.content.viewToken) is [UNVERIFIED]; so is the
   * Timeout error name. The answer (an interactive response or plain text naming the action) picks
   * the Condition that Equals it, else the block's NextAction.
   */
  private showView(action: FlowAction): Outcome {
    const p = action.Parameters;
    const resource = p.ViewResource as { Id?: unknown } | undefined;
    const ref = resolveParameter(param(resource?.Id), this.scope) ?? '';
    if (ref === '') return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: 'ViewResource.Id has no value' };
    const token = this.control.showView?.(ref);
    if (!token) {
      return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: `no view "${ref}" in the sandbox (built-in views: detail, cards, form, list, confirmation)` };
    }
    const seconds = Number(resolveParameter(param(p.InvocationTimeLimitSeconds, '300'), this.scope));
    const timeout = Number.isFinite(seconds) && seconds > 0 ? seconds : 300;
    this.blockLog = { parameters: { ViewResource: ref } };
    this.say(JSON.stringify({ templateType: 'ViewResource', version: '1.0', data: { content: { viewId: ref, viewToken: token } } }), systemName, interactiveType);
    const cancel = this.control.setTimer(timeout * 1000, () =>
      this.guard(() => {
        if (this.parked?.kind !== 'view' || this.parked.action !== action) return;
        this.parked = undefined;
        this.resume(action, { kind: 'branch', branch: { type: 'error', errorType: 'Timeout' } }, `no answer within ${timeout}s`);
      }),
    );
    this.parked = { kind: 'view', action, cancel };
    return { kind: 'park', note: `view ${ref} shown` };
  }

  /**
   * Check queue status (CheckMetricData): compares one queue metric with the Conditions. The
   * numbers are the sandbox's own (contacts it queued; agents from agents.json, else none).
   */
  private checkQueueStatus(action: FlowAction): Outcome {
    const p = action.Parameters;
    const ref = p.QueueId !== undefined ? resolveParameter(param(p.QueueId), this.scope) : this.targetQueue?.id;
    if (!ref) return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: 'no queue given and no working queue set' };
    const queue = p.QueueId === undefined ? this.targetQueue : this.lookupQueue(ref, false);
    if (!queue) return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: `no queue "${ref}" in instance ${this.view.instanceId}` };
    const m = this.control.queueMetrics?.(queue.id) ?? { contactsInQueue: 0, oldestContactAgeSeconds: 0, agentsAvailable: 0, agentsOnline: 0, agentsStaffed: 0 };
    const metric = param(p.MetricType, 'NumberOfContactsInQueue');
    const values: Record<string, number> = {
      NumberOfContactsInQueue: m.contactsInQueue,
      OldestContactInQueueAgeSeconds: m.oldestContactAgeSeconds,
      NumberOfAgentsAvailable: m.agentsAvailable,
      NumberOfAgentsOnline: m.agentsOnline,
      NumberOfAgentsStaffed: m.agentsStaffed,
    };
    if (!(metric in values)) return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: `metric "${metric}" is not one the sandbox tracks` };
    const value = String(values[metric]);
    this.blockLog = { parameters: { Queue: queue.arn, MetricType: metric }, results: value };
    return this.choose(action, value, `${metric} of ${queue.name} = ${value}`);
  }

  private startWait(action: FlowAction): Outcome {
    const p = action.Parameters;
    const raw = typeof p.TimeoutSeconds === 'number' ? String(p.TimeoutSeconds) : (p.TimeoutSeconds as string);
    const seconds = Number(resolveParameter(raw, this.scope));
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 604800) {
      return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note: `TimeoutSeconds resolved to ${JSON.stringify(resolveParameter(raw, this.scope) ?? null)}, not 1 to 604800` };
    }
    const events = (p.Events as string[] | undefined) ?? [];
    if (events.includes('BotParticipantDisconnected')) {
      return { kind: 'branch', branch: { type: 'error', errorType: 'ParticipantNotFound' }, note: 'no bot participant is in this chat' };
    }
    const cancel = this.control.setTimer(seconds * 1000, () =>
      this.guard(() => {
        if (this.parked?.kind !== 'wait' || this.parked.action !== action) return;
        this.parked = undefined;
        this.resume(action, resultBranch(action, 'WaitCompleted'), `waited ${seconds}s`);
      }),
    );
    this.parked = { kind: 'wait', action, events, cancel };
    return { kind: 'park' };
  }

  private invokeLambda(action: FlowAction): Outcome {
    const p = action.Parameters;
    const arn = resolveParameter(p.LambdaFunctionARN as string, this.scope) ?? '';
    const fail = (note: string): Outcome => ({ kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note });
    const loaded = this.workspace.lambdaMocks();
    if ('error' in loaded) {
      this.notice(`InvokeLambdaFunction "${action.Identifier}": ${loaded.error} It took the Error branch.`);
      return fail(loaded.error);
    }
    const mock = findMock(loaded.mocks, arn);
    if (!mock) {
      this.notice(`InvokeLambdaFunction "${action.Identifier}": ${loaded.mocks.file} has no mock for ${arn}; add it under "functions". It took the Error branch.`);
      return fail(`no mock for ${arn}`);
    }
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries((p.LambdaInvocationAttributes as Record<string, string> | undefined) ?? {})) {
      parameters[k] = resolveParameter(v, this.scope) ?? '';
    }
    const responseType = ((p.ResponseValidation as { ResponseType?: string } | undefined)?.ResponseType ?? 'STRING_MAP') as 'STRING_MAP' | 'JSON';
    const timeLimitSeconds = p.InvocationTimeLimitSeconds !== undefined ? Number(p.InvocationTimeLimitSeconds) : 3;
    // The record's shape is confirmed (chat-extras §1.3): TimeLimit in ms as text, the response
    // as ExternalResults, and on failure no ExternalResults but this Results text.
    const logParameters = { FunctionArn: arn, ResponseValidation: `ResponseType=${responseType}`, TimeLimit: String(Math.round(timeLimitSeconds * 1000)), ...parameters };
    this.blockLog = { parameters: logParameters, results: 'The Lambda Function Returned An Error.' };
    const result = invokeMock(mock, {
      parameters, attributes: this.scope.attributes, responseType, timeLimitSeconds,
    });
    if (!result.ok) return fail(result.reason);
    this.blockLog = {
      parameters: logParameters,
      externalResults: Object.fromEntries(Object.entries(result.response).map(([k, v]) => [k, asText(v) ?? ''])),
    };
    this.scope.external = responseType === 'STRING_MAP'
      ? Object.fromEntries(Object.entries(result.response).map(([k, v]) => [k, asText(v) ?? '']))
      : result.response;
    this.syncTrace();
    return { kind: 'branch', branch: { type: 'next' }, note: `${arn} returned ${Object.keys(result.response).length} keys` };
  }

  private startLex(action: FlowAction): Outcome {
    const p = action.Parameters;
    const v2 = p.LexV2Bot as { AliasArn: string } | undefined;
    const v1 = p.LexBot as { Name: string } | undefined;
    const label = v2 ? `alias ${v2.AliasArn}` : `"${v1?.Name ?? ''}"`;
    const fail = (note: string): Outcome => ({ kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingError' }, note });
    const loaded = this.workspace.lexBots();
    if ('error' in loaded) {
      this.notice(`Lex block "${action.Identifier}": ${loaded.error} It took the Error branch.`);
      return fail(loaded.error);
    }
    const bot = findBot(loaded.bots, v2 ? { aliasArn: v2.AliasArn } : { name: v1?.Name });
    if (!bot) {
      this.notice(`Lex block "${action.Identifier}": no bot definition for ${label} in ${loaded.files.join(', ')}; add one (name${v2 ? ', aliasArns or botId' : ''}). It took the Error branch.`);
      return fail(`no bot definition for ${label}`);
    }
    if (typeof p.Text === 'string') {
      const prompt = interpolate(p.Text, this.scope);
      if (prompt) this.say(prompt, systemName);
    }
    const sessionAttributes: Record<string, string> = {};
    for (const [k, v] of Object.entries((p.LexSessionAttributes as Record<string, string> | undefined) ?? {})) {
      sessionAttributes[k] = resolveParameter(v, this.scope) ?? '';
    }
    const timeoutText = (p.LexTimeoutSeconds as { Text?: string | number } | undefined)?.Text;
    const timeoutSeconds = timeoutText !== undefined ? Number(resolveParameter(String(timeoutText), this.scope)) : (this.options.lexTimeoutSeconds ?? 300);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return fail(`LexTimeoutSeconds resolved to ${String(timeoutText)}, not a positive number`);
    const parked: Parked = { kind: 'lex', action, conversation: new LexConversation(bot), sessionAttributes, timeoutMs: timeoutSeconds * 1000, cancel: () => undefined };
    // [UNVERIFIED] parameter names for a Lex block's record.
    this.blockLog = {
      parameters: {
        ...(typeof p.Text === 'string' ? { Text: interpolate(p.Text, this.scope) } : {}),
        ...(v2 ? { BotAliasArn: v2.AliasArn } : { BotName: v1?.Name ?? '' }),
      },
    };
    const init = (p.LexInitializationData ?? p.LexInitilizationData) as { InitialMessage?: string } | undefined;
    let first: string | undefined = init?.InitialMessage !== undefined ? interpolate(init.InitialMessage, this.scope) : undefined;
    if (!first && !bot.welcome && this.initialMessagePending && this.view.initialMessage) {
      // The chat's initial message is the customer's first utterance to the first bot. A bot with
      // a welcome reply opens the conversation itself instead (sandbox choice: a menu bot would
      // otherwise answer a greeting such as "hi" with its fallback before showing the menu).
      first = this.view.initialMessage.Content;
    }
    this.initialMessagePending = false;
    if (first) {
      const turn = parked.conversation.hear(first);
      if (turn.done) return this.lexDone(parked, turn);
      this.postReplies(turn.replies);
    } else if (bot.welcome) {
      // The bot opens the conversation (a welcome intent's message in a real bot).
      this.postReplies([bot.welcome]);
    }
    this.armLex(parked);
    return { kind: 'park' };
  }

  private armLex(parked: Extract<Parked, { kind: 'lex' }>): void {
    parked.cancel = this.control.setTimer(parked.timeoutMs, () =>
      this.guard(() => {
        if (this.parked !== parked) return;
        this.parked = undefined;
        this.resume(parked.action, { kind: 'branch', branch: { type: 'error', errorType: 'InputTimeLimitExceeded' } }, `no customer input for ${parked.timeoutMs / 1000}s`);
      }),
    );
    this.parked = parked;
  }

  private postReplies(replies: LexReply[]): void {
    for (const r of replies) {
      // Connect sends interactive messages only to chats that listed the content type in
      // SupportedMessagingContentTypes; otherwise the sandbox sends the options as text.
      const supported = this.view.supportedContentTypes ?? DEFAULT_SUPPORTED_CONTENT_TYPES;
      if (r.contentType === interactiveType && !supported.includes(interactiveType)) this.say(interactiveAsText(r.content), botName);
      else this.say(r.content, botName, r.contentType);
    }
  }

  /** A customer turn while the bot waits. */
  private lexTurn(parked: Extract<Parked, { kind: 'lex' }>, turn: LexTurn): void {
    if (!turn.done) {
      this.postReplies(turn.replies);
      this.armLex(parked);
      return;
    }
    this.parked = undefined;
    this.resume(parked.action, this.lexDone(parked, turn), '');
  }

  private lexDone(parked: Extract<Parked, { kind: 'lex' }>, turn: Extract<LexTurn, { done: true }>): Outcome {
    this.postReplies(turn.replies);
    this.blockLog = { ...this.blockLog, results: turn.intentName };
    this.scope.lex = {
      IntentName: turn.intentName,
      IntentConfidence: { Score: String(turn.score) },
      Slots: turn.slots,
      SessionAttributes: { ...parked.sessionAttributes, ...turn.sessionAttributes },
      DialogState: 'Fulfilled',
    };
    this.syncTrace();
    return { ...resultBranch(parked.action, turn.intentName), note: `intent ${turn.intentName}` };
  }
}

/** The Equals condition whose operand is the block's result, or NoMatchingCondition. */
/** A block parameter as text: strings and numbers as they are, anything else the fallback. */
function param(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function viewBranch(action: FlowAction, answer: string): Outcome {
  const index = action.Transitions.Conditions.findIndex((c) => c.Condition.Operator === 'Equals' && c.Condition.Operands.includes(answer));
  if (index >= 0) return { kind: 'branch', branch: { type: 'condition', index } };
  if (action.Transitions.NextAction !== undefined) return { kind: 'branch', branch: { type: 'next' } };
  return { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingCondition' }, note: `answer ${answer}` };
}

function resultBranch(action: FlowAction, result: string): Outcome {
  const index = action.Transitions.Conditions.findIndex((c) => c.Condition.Operator === 'Equals' && c.Condition.Operands.includes(result));
  return index >= 0
    ? { kind: 'branch', branch: { type: 'condition', index } }
    : { kind: 'branch', branch: { type: 'error', errorType: 'NoMatchingCondition' }, note: `result ${result}` };
}

/** What a bot or Wait block hears from a customer message. */
function customerText(message: { ContentType: string; Content: string }): string | undefined {
  if (plainTypes.has(message.ContentType)) return message.Content;
  if (message.ContentType === interactiveResponseType) {
    // An interactive-message answer: the bot hears the title of the chosen element. Where the
    // title sits in a selection response is [UNVERIFIED]; data.content.title, data.title and a
    // top-level title are all read.
    try {
      const parsed = JSON.parse(message.Content) as { title?: unknown; data?: { title?: unknown; content?: { title?: unknown } } };
      const title = parsed.data?.content?.title ?? parsed.data?.title ?? parsed.title;
      return typeof title === 'string' ? title : message.Content;
    } catch {
      return message.Content;
    }
  }
  return undefined;
}
