/**
 * How chat items and chats read for a person: one view model per transcript item (the Test Chats
 * tree, the conversation panel, the CLI print the same words), a Markdown transcript, and the
 * AWS CLI command that starts the same chat. Pure: no vscode, no SDK.
 */
import type { StartChatContactCommandInput } from '@aws-sdk/client-connect';
import { findEnvReferences, requestMemberNames } from '../request';
import { EVENT_TYPE_PREFIX, INTERACTIVE, INTERACTIVE_RESPONSE, TEXT_MARKDOWN } from '../request/limits';
import type { ChatItem, ChatRecord, ChatState, FlowLogRecord } from './types';

export const TYPING_TYPE = `${EVENT_TYPE_PREFIX}typing`;

export type ItemKind = 'message' | 'event' | 'interactive' | 'attachment' | 'receipt';

export interface InteractiveOption {
  title: string;
  subtitle?: string;
}

export interface InteractiveView {
  /** ListPicker, Panel, QuickReply, TimePicker, Carousel… or 'unknown' when Content is not a template. */
  templateType: string;
  title: string;
  subtitle?: string;
  options: InteractiveOption[];
  /** `data.replyMessage.title`: what to show once an option is chosen. */
  replyTitle?: string;
  /** `data.content.referenceId` (list pagination): echoed in the response. */
  referenceId?: string;
}

export interface ItemView {
  kind: ItemKind;
  /** CUSTOMER, AGENT, SYSTEM, CUSTOM_BOT, SUPERVISOR, or '' when the item names none. */
  role: string;
  /** Who: the item's DisplayName, else a name for the role. */
  label: string;
  /** Plain text (Markdown stripped); for events a short sentence. */
  text: string;
  /** The item's AbsoluteTime (ISO). */
  time: string;
  /** For events: joined, left, ended, transfer-succeeded, transfer-failed, typing, rehydrated… */
  eventName?: string;
  interactive?: InteractiveView;
  /** For attachments: the file names. */
  attachments?: Array<{ name: string; status?: string }>;
  /** For receipts: the message they are about. */
  receiptFor?: string;
}

const ROLE_LABELS: Record<string, string> = {
  CUSTOMER: 'Customer',
  AGENT: 'Agent',
  SYSTEM: 'System',
  CUSTOM_BOT: 'Bot',
  SUPERVISOR: 'Supervisor',
};

/** The event names for the ContentType suffixes after `application/vnd.amazonaws.connect.event.`. */
const EVENT_NAMES: Record<string, string> = {
  'participant.joined': 'joined',
  'participant.left': 'left',
  'participant.invited': 'invited',
  'participant.idle': 'idle',
  'participant.returned': 'returned',
  'participant.active': 'active',
  'participant.inactive': 'inactive',
  'participant.autodisconnection': 'auto-disconnected',
  'participant.displayname.updated': 'renamed',
  'transfer.succeeded': 'transfer-succeeded',
  'transfer.failed': 'transfer-failed',
  'chat.ended': 'ended',
  'chat.rehydrated': 'rehydrated',
  typing: 'typing',
  'connection.acknowledged': 'connected',
  'message.delivered': 'delivered',
  'message.read': 'read',
};

/** ChatItemType values that name an event themselves (whether they appear on the wire is [UNVERIFIED]). */
const TYPE_EVENTS: Record<string, string> = {
  PARTICIPANT_JOINED: 'joined',
  PARTICIPANT_LEFT: 'left',
  CHAT_ENDED: 'ended',
  TRANSFER_SUCCEEDED: 'transfer-succeeded',
  TRANSFER_FAILED: 'transfer-failed',
  TYPING: 'typing',
  CONNECTION_ACK: 'connected',
};

export function eventNameOf(item: Pick<ChatItem, 'Type' | 'ContentType'>): string | undefined {
  if (item.ContentType?.startsWith(EVENT_TYPE_PREFIX)) {
    const suffix = item.ContentType.slice(EVENT_TYPE_PREFIX.length);
    return EVENT_NAMES[suffix] ?? suffix;
  }
  return TYPE_EVENTS[item.Type];
}

export function isTypingItem(item: Pick<ChatItem, 'Type' | 'ContentType'>): boolean {
  return item.ContentType === TYPING_TYPE || item.Type === 'TYPING';
}

/**
 * Receipt items: `MESSAGEMETADATA` (what the client SDKs receive; ContentType
 * `…event.message.metadata`), or MESSAGE_DELIVERED/MESSAGE_READ as the Smithy ChatItemType enum
 * names them. Which of the two the service puts on the wire is [UNVERIFIED] (chat-extras §5.1).
 */
export function isReceiptItem(item: Pick<ChatItem, 'Type' | 'ContentType'>): boolean {
  return (
    item.Type === 'MESSAGEMETADATA' ||
    item.Type === 'MESSAGE_DELIVERED' ||
    item.Type === 'MESSAGE_READ' ||
    item.ContentType === `${EVENT_TYPE_PREFIX}message.metadata` ||
    item.ContentType === `${EVENT_TYPE_PREFIX}message.delivered` ||
    item.ContentType === `${EVENT_TYPE_PREFIX}message.read`
  );
}

/** Whether a receipt item says "read" (its Type or ContentType, else a ReadTimestamp in its Receipts). */
export function isReadReceipt(item: ChatItem): boolean {
  return item.Type === 'MESSAGE_READ' || item.ContentType.endsWith('.read') || (item.MessageMetadata?.Receipts ?? []).some((r) => r.ReadTimestamp !== undefined);
}

/** Markdown to plain text: emphasis, code, headings, links and images reduced to their words. */
export function stripMarkdown(md: string): string {
  return md
    .replace(/```[^\n]*\n([\s\S]*?)```/g, '$1')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, text: string, url: string) => (text === url ? url : `${text} (${url})`))
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^(\s*)[*+]\s+/gm, '$1- ')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(\*|_)(?=\S)([^*_\n]*?\S)\1/g, '$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!>~|])/g, '$1')
    .trim();
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function elementOptions(elements: unknown): InteractiveOption[] {
  if (!Array.isArray(elements)) return [];
  const out: InteractiveOption[] = [];
  for (const e of elements) {
    const o = obj(e);
    if (!o) continue;
    // Carousel: every element is a whole Panel/ListPicker template; its title is the option.
    const nested = obj(obj(o.data)?.content);
    const title = str(o.title) ?? str(nested?.title);
    if (!title) continue;
    const subtitle = str(o.subtitle) ?? str(nested?.subtitle);
    out.push({ title, ...(subtitle ? { subtitle } : {}) });
  }
  return out;
}

/** Parses an interactive message's Content (chat-extras §4.2); undefined when it is no template. */
export function parseInteractive(content: string | undefined): InteractiveView | undefined {
  if (!content) return undefined;
  let t: Record<string, unknown> | undefined;
  try {
    t = obj(JSON.parse(content));
  } catch {
    return undefined;
  }
  const templateType = str(t?.templateType);
  const data = obj(t?.data);
  const c = obj(data?.content);
  if (!templateType || !c) return undefined;
  let options: InteractiveOption[];
  if (templateType === 'TimePicker') {
    options = (Array.isArray(c.timeslots) ? c.timeslots : []).flatMap((s) => {
      const o = obj(s);
      const date = str(o?.date);
      return date ? [{ title: date, ...(typeof o?.duration === 'number' ? { subtitle: `${o.duration} min` } : {}) }] : [];
    });
  } else {
    options = elementOptions(c.elements);
  }
  const subtitle = str(c.subtitle);
  const replyTitle = str(obj(data?.replyMessage)?.title);
  const referenceId = str(c.referenceId);
  return {
    templateType,
    title: str(c.title) ?? templateType,
    ...(subtitle ? { subtitle } : {}),
    options,
    ...(replyTitle ? { replyTitle } : {}),
    ...(referenceId ? { referenceId } : {}),
  };
}

/**
 * The Content of an `interactive.response` for a chosen option: the template's envelope with the
 * chosen element as `data.content` (title, subtitle) and the template's referenceId when it has
 * one. The exact shape the hosted widget sends for a plain selection is [UNVERIFIED]; the sandbox
 * and this module's responseText read the title from `data.content.title`.
 */
export function interactiveResponseContent(view: InteractiveView, option: InteractiveOption): string {
  return JSON.stringify({
    templateType: view.templateType,
    version: '1.0',
    data: {
      content: { title: option.title, ...(option.subtitle ? { subtitle: option.subtitle } : {}) },
      ...(view.referenceId ? { referenceId: view.referenceId } : {}),
    },
  });
}

function responseText(content: string | undefined): string {
  // An interactive.response: show what was chosen (the title, or the action such as SHOW_MORE).
  try {
    const r = obj(JSON.parse(content ?? ''));
    const data = obj(r?.data);
    return str(obj(data?.content)?.title) ?? str(data?.title) ?? str(data?.actionName) ?? str(r?.action) ?? (content ?? '');
  } catch {
    return content ?? '';
  }
}

function eventSentence(name: string | undefined, who: string, item: ChatItem): string {
  switch (name) {
    case 'joined':
      return `${who} joined the chat`;
    case 'left':
      return `${who} left the chat`;
    case 'invited':
      return `${who} was invited`;
    case 'ended':
      return 'The chat ended';
    case 'transfer-succeeded':
      return 'Transferred';
    case 'transfer-failed':
      return 'The transfer failed';
    case 'rehydrated':
      return 'The chat continues a past session';
    case 'typing':
      return `${who} is typing…`;
    case 'idle':
      return `${who} is idle`;
    case 'returned':
      return `${who} returned`;
    case 'auto-disconnected':
      return `${who} was disconnected for inactivity`;
    case 'connected':
      return `${who} connected`;
    default:
      return name ?? item.ContentType;
  }
}

/** The view of one transcript item. */
export function presentItem(item: ChatItem): ItemView {
  const role = item.ParticipantRole ?? '';
  const label = item.DisplayName ?? ROLE_LABELS[role] ?? (role || 'Unknown');
  const base = { role, label, time: item.AbsoluteTime };
  if (isReceiptItem(item)) {
    const read = isReadReceipt(item);
    const about = item.MessageMetadata?.MessageId;
    return { ...base, kind: 'receipt', text: `${read ? 'Read' : 'Delivered'} by ${label}`, eventName: read ? 'read' : 'delivered', ...(about ? { receiptFor: about } : {}) };
  }
  if (item.Type === 'ATTACHMENT' || (item.Attachments && item.Attachments.length > 0)) {
    const attachments = (item.Attachments ?? []).map((a) => ({ name: a.AttachmentName ?? a.AttachmentId ?? 'attachment', ...(a.Status ? { status: a.Status } : {}) }));
    return { ...base, kind: 'attachment', text: attachments.map((a) => a.name).join(', ') || 'an attachment', attachments };
  }
  if (item.ContentType === INTERACTIVE) {
    const view = parseInteractive(item.Content) ?? { templateType: 'unknown', title: item.Content ?? '', options: [] };
    return { ...base, kind: 'interactive', text: view.title, interactive: view };
  }
  const eventName = eventNameOf(item);
  if (item.Type === 'MESSAGE' && eventName === undefined) {
    const content = item.Content ?? '';
    const text =
      item.ContentType === TEXT_MARKDOWN ? stripMarkdown(content) : item.ContentType === INTERACTIVE_RESPONSE ? responseText(content) : content;
    return { ...base, kind: 'message', text };
  }
  return { ...base, kind: 'event', text: eventSentence(eventName, label, item), ...(eventName ? { eventName } : {}) };
}

const STATE_LABELS: Record<ChatState, string> = {
  starting: 'Starting…',
  connected: 'Connected',
  queued: 'In queue',
  agent: 'With an agent',
  ended: 'Ended',
  failed: 'Failed',
};

export function chatStateLabel(state: ChatState): string {
  return STATE_LABELS[state] ?? state;
}

/** Text safe inside Markdown prose: characters that would start formatting are escaped. */
function mdEscape(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function mdCell(text: string): string {
  return mdEscape(text).replace(/\r?\n/g, ' ');
}

function clock(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function traceRow(r: FlowLogRecord): string {
  const params = r.Parameters ? JSON.stringify(r.Parameters) : '';
  return `| ${clock(r.Timestamp)} | ${mdCell(r.ContactFlowName ?? r.ContactFlowId.split('/').pop() ?? '')} | ${mdCell(r.ContactFlowModuleType)} | ${mdCell(r.Identifier ?? '')} | ${mdCell(r.Results ?? '')} | ${mdCell(params.length > 200 ? `${params.slice(0, 199)}…` : params)} |`;
}

/** The chat as a Markdown document: details, the conversation, then attributes and flow trace when read. */
export function transcriptMarkdown(record: ChatRecord): string {
  const o = record.origin;
  const title = o.requestName ?? o.contactFlowName ?? o.contactFlowId;
  const lines: string[] = [`# Test chat: ${mdEscape(title)}`, ''];
  const detail = (k: string, v: string | undefined) => {
    if (v) lines.push(`- **${k}:** ${v}`);
  };
  detail('State', chatStateLabel(record.state));
  detail('Contact ID', record.contactId ? `\`${record.contactId}\`` : undefined);
  detail('Continues', record.continuedFrom ? `\`${record.continuedFrom}\`${record.rehydrationType ? ` (${record.rehydrationType})` : ''}` : undefined);
  detail('Flow', `${o.contactFlowName ? `${mdEscape(o.contactFlowName)} ` : ''}\`${o.contactFlowId}\``);
  detail('Instance', `${o.instanceAlias ? `${mdEscape(o.instanceAlias)} ` : ''}\`${o.instanceId}\``);
  detail('Connection', `${mdEscape(o.connectionLabel)} (${o.region})`);
  detail('Customer', mdEscape(record.displayName));
  detail('Started', clock(record.startedAt));
  detail('Ended', clock(record.endedAt));
  if (record.error) detail('Error', mdEscape(`${record.error.message}${record.error.fix ? ` ${record.error.fix}` : ''}`));
  lines.push('', '## Conversation', '');
  const items = record.transcript.filter((i) => !isReceiptItem(i) && !isTypingItem(i));
  if (items.length === 0) lines.push('_No messages._');
  for (const item of items) {
    const v = presentItem(item);
    const when = clock(item.AbsoluteTime);
    if (v.kind === 'event') {
      lines.push(`_${mdEscape(v.text)}_ · ${when}`, '');
      continue;
    }
    const who = `**${mdEscape(v.label)}**${v.role && v.role !== 'CUSTOMER' && v.label !== ROLE_LABELS[v.role] ? ` (${ROLE_LABELS[v.role] ?? v.role})` : ''}`;
    if (v.kind === 'interactive' && v.interactive) {
      lines.push(`${who} · ${when}  `, `${mdEscape(v.interactive.title)} _(${v.interactive.templateType})_`);
      for (const opt of v.interactive.options) lines.push(`- ${mdEscape(opt.title)}${opt.subtitle ? ` — ${mdEscape(opt.subtitle)}` : ''}`);
      lines.push('');
      continue;
    }
    const body = v.kind === 'attachment' ? `📎 ${mdEscape(v.text)}` : mdEscape(v.text).replace(/\r?\n/g, '  \n');
    lines.push(`${who} · ${when}  `, body, '');
  }
  if (record.contactAttributes && Object.keys(record.contactAttributes).length > 0) {
    lines.push('## Contact attributes', '', '| Key | Value |', '| --- | --- |');
    for (const [k, v] of Object.entries(record.contactAttributes).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| ${mdCell(k)} | ${mdCell(v)} |`);
    lines.push('');
  }
  if (record.trace && record.trace.length > 0) {
    lines.push('## Flow trace', '', '| Time | Flow | Block | Identifier | Results | Parameters |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of record.trace) lines.push(traceRow(r));
    lines.push('');
  } else if (record.traceStatus && record.traceStatus.kind !== 'ok') {
    lines.push('## Flow trace', '', mdEscape(traceStatusText(record.traceStatus)), '');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** One sentence for a trace status that is not ok. */
export function traceStatusText(s: NonNullable<ChatRecord['traceStatus']>): string {
  switch (s.kind) {
    case 'ok':
      return 'Flow trace read from CloudWatch Logs.';
    case 'no-log-group':
      return `No flow logs: log group ${s.logGroup} does not exist. Turn on flow logs (Amazon Connect console: your instance → Flows → Enable flow logs), and add a Set logging behavior block (logging enabled) at the start of the flow.`;
    case 'access-denied':
    case 'error':
      return s.message;
  }
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface AwsCliOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url` (the sandbox, a VPC endpoint). */
  endpointUrl?: string;
  /**
   * Keep the launch's ClientToken. Off by default: with the same token Connect answers with the
   * contact already started instead of starting a new chat (idempotency).
   */
  includeClientToken?: boolean;
}

function tail(options: AwsCliOptions): string {
  return [
    options.region ? ` --region ${shellQuote(options.region)}` : '',
    options.profile ? ` --profile ${shellQuote(options.profile)}` : '',
    options.endpointUrl ? ` --endpoint-url ${shellQuote(options.endpointUrl)}` : '',
  ].join('');
}

function cliInput(input: Record<string, unknown>, options: AwsCliOptions): Record<string, unknown> {
  const members = new Set(requestMemberNames().filter((m) => m !== '$schema'));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!members.has(k) || v === undefined) continue;
    if (k === 'ClientToken' && !options.includeClientToken) continue;
    out[k] = v;
  }
  return out;
}

/**
 * `aws connect start-chat-contact --cli-input-json '<json>'` for a prepared input, as the AWS CLI
 * accepts it: API members only (no $schema), single-quoted for POSIX shells (bash, zsh).
 */
export function awsCliCommand(input: StartChatContactCommandInput, options: AwsCliOptions = {}): string {
  const json = JSON.stringify(cliInput(input as unknown as Record<string, unknown>, options));
  return `aws connect start-chat-contact --cli-input-json ${shellQuote(json)}${tail(options)}`;
}

export interface AwsCliWithEnv {
  command: string;
  /** The variables the command reads from the shell, in order of first use. */
  variables: string[];
  /** What to know before running it (empty when no variable is used). */
  note: string;
}

/**
 * The same command for the request as written (not resolved): each `${env:NAME}` becomes the
 * shell's `$NAME`, so the command can be shared without the values. `request` is the parsed file
 * (InstanceId/ContactFlowId may be filled in with `targets`).
 */
export function awsCliCommandWithEnvReferences(
  request: Record<string, unknown>,
  options: AwsCliOptions & { instanceId?: string; contactFlowId?: string } = {},
): AwsCliWithEnv {
  const filled = {
    ...request,
    ...(request.InstanceId === undefined && options.instanceId ? { InstanceId: options.instanceId } : {}),
    ...(request.ContactFlowId === undefined && options.contactFlowId ? { ContactFlowId: options.contactFlowId } : {}),
  };
  const json = JSON.stringify(cliInput(filled, options));
  const variables: string[] = [];
  // Split the JSON at each reference: the literal parts are single-quoted, each reference becomes
  // "$NAME" (double-quoted so the shell neither splits nor globs the value).
  let command = '';
  let last = 0;
  for (const ref of findEnvReferences(json)) {
    if (!variables.includes(ref.name)) variables.push(ref.name);
    command += `${json.slice(last, ref.index).length > 0 ? shellQuote(json.slice(last, ref.index)) : ''}"$${ref.name}"`;
    last = ref.index + ref.length;
  }
  if (last < json.length) command += shellQuote(json.slice(last));
  const note =
    variables.length === 0
      ? ''
      : `Reads ${variables.map((v) => `$${v}`).join(', ')} from the shell (bash or zsh): export ${variables.length === 1 ? 'it' : 'them'} first. Values are inserted into the JSON as they are, so a value with a double quote or a backslash breaks it.`;
  return { command: `aws connect start-chat-contact --cli-input-json ${command}${tail(options)}`, variables, note };
}
