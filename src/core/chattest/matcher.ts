/**
 * The step matcher, pure: which transcript items an `expect` looks at (messages from the other
 * side: the flow, a bot or an agent, never the customer), what text it compares, and whether one
 * satisfies the step. `expect` takes the first unconsumed message that satisfies it, skipping the
 * others before it.
 */
import { presentItem } from '../chat/present';
import type { ChatItem } from '../chat/types';
import type { ExpectSpec } from './model';

/** A message from the flow, a bot or an agent (not the customer, not an event or a receipt). */
export function isOtherSideMessage(item: ChatItem, customerParticipantId?: string): boolean {
  const v = presentItem(item);
  if (v.kind !== 'message' && v.kind !== 'interactive' && v.kind !== 'attachment') return false;
  if (item.ParticipantRole === 'CUSTOMER') return false;
  return customerParticipantId === undefined || item.ParticipantId !== customerParticipantId;
}

/** The text an `expect` compares: the message's text (Markdown stripped), an interactive message's title. */
export function messageText(item: ChatItem): string {
  return presentItem(item).text;
}

/** Who sent it, as a failure message shows it ("BOT", "SYSTEM_MESSAGE"). */
export function senderLabel(item: ChatItem): string {
  return presentItem(item).label;
}

export function matchesExpect(item: ChatItem, spec: ExpectSpec): boolean {
  const text = messageText(item);
  if (spec.equals !== undefined && text !== spec.equals) return false;
  if (spec.contains !== undefined && !text.includes(spec.contains)) return false;
  if (spec.matches !== undefined && !new RegExp(spec.matches).test(text)) return false;
  if (spec.from !== undefined) {
    const f = spec.from.toLowerCase();
    const role = (item.ParticipantRole ?? '').toLowerCase();
    const name = (item.DisplayName ?? '').toLowerCase();
    const label = senderLabel(item).toLowerCase();
    if (f !== role && f !== name && f !== label) return false;
  }
  return true;
}

export interface MatchResult {
  /** The matching item, when one is there. */
  match?: ChatItem;
  /** The other side's unconsumed messages looked at (up to and including the match). */
  considered: ChatItem[];
}

/**
 * The first other-side message of `transcript` not in `consumed` that satisfies `spec`. Pure;
 * the caller marks `considered` as consumed when there is a match.
 */
export function findExpected(transcript: readonly ChatItem[], consumed: ReadonlySet<string>, spec: ExpectSpec, customerParticipantId?: string): MatchResult {
  const considered: ChatItem[] = [];
  for (const item of transcript) {
    if (consumed.has(item.Id) || !isOtherSideMessage(item, customerParticipantId)) continue;
    considered.push(item);
    if (matchesExpect(item, spec)) return { match: item, considered };
  }
  return { considered };
}

/** What an `expect` wanted, in words ("a message containing "order number" from BOT"). */
export function expectedText(spec: ExpectSpec): string {
  const parts: string[] = [];
  if (spec.equals !== undefined) parts.push(`equal to ${JSON.stringify(spec.equals)}`);
  if (spec.contains !== undefined) parts.push(`containing ${JSON.stringify(spec.contains)}`);
  if (spec.matches !== undefined) parts.push(`matching /${spec.matches}/`);
  const from = spec.from !== undefined ? ` from ${spec.from}` : '';
  return `a message${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}${from}`;
}

/** The received messages, one per line ("BOT: Sure. What is your order number?"), or "(none)". */
export function receivedText(items: readonly ChatItem[]): string {
  if (items.length === 0) return '(no message)';
  return items.map((i) => `${senderLabel(i)}: ${JSON.stringify(messageText(i))}`).join('\n');
}
