/**
 * Message receipts: what the Participant Service does when a participant's client sends SendEvent
 * with `application/vnd.amazonaws.connect.event.message.delivered` or `.read` and Content
 * `{"messageId": "<Item.Id>"}` (chat-extras §5.1). The receipt is folded into the message's
 * MessageMetadata.Receipts (GetTranscript shows it there) and the other participants receive a
 * MESSAGEMETADATA item carrying the message's MessageMetadata.
 *
 * [UNVERIFIED]: the top-level Type on the wire (the client SDKs read `MESSAGEMETADATA`; the
 * Smithy ChatItemType enum lists MESSAGE_DELIVERED/MESSAGE_READ) and that the item carries no
 * Content; both are chat-extras §5.1 open items.
 */
import { randomUUID } from 'node:crypto';
import type { Contact, ContactStore, Participant, TranscriptItem } from './contacts';
import { EVENT_TYPE_PREFIX } from '../core/request/limits';

export type ReceiptKind = 'delivered' | 'read';

export const RECEIPT_ITEM_TYPE = 'MESSAGEMETADATA';
export const RECEIPT_CONTENT_TYPE = `${EVENT_TYPE_PREFIX}message.metadata`;

/**
 * Records `reader`'s receipt for message `messageId` and pushes it to the chat. Returns the
 * item, or undefined when the chat has no such message.
 */
export function postReceipt(store: ContactStore, at: Date, contact: Contact, reader: Pick<Participant, 'participantId'>, messageId: string, kind: ReceiptKind): TranscriptItem | undefined {
  const target = contact.transcript.find((i) => i.Id === messageId && i.Type === 'MESSAGE');
  if (!target) return undefined;
  const receipts = ((target.MessageMetadata ??= { MessageId: target.Id }).Receipts ??= []);
  let r = receipts.find((x) => x.RecipientParticipantId === reader.participantId);
  if (!r) receipts.push((r = { RecipientParticipantId: reader.participantId }));
  const stamp = at.toISOString();
  if (kind === 'read') r.ReadTimestamp = stamp;
  else r.DeliveredTimestamp = stamp;
  const item: TranscriptItem = {
    AbsoluteTime: stamp,
    Id: randomUUID(),
    Type: RECEIPT_ITEM_TYPE,
    ContentType: RECEIPT_CONTENT_TYPE,
    MessageMetadata: structuredClone(target.MessageMetadata),
  };
  store.push(contact, item);
  return item;
}
