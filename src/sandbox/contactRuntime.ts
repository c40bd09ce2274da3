/**
 * The seam between the sandbox's service layer (HTTP routes, state, transcripts, WebSocket) and
 * whatever drives a chat after StartChatContact: the flow runtime. The service layer owns the
 * contact and its transcript; the runtime only reacts to what the customer does and answers
 * through {@link ContactControl}. Keeping this seam small lets each side be tested alone.
 */

export type ParticipantRole = 'AGENT' | 'CUSTOMER' | 'SYSTEM' | 'CUSTOM_BOT' | 'SUPERVISOR';

/**
 * The ContentType of the sandbox's own notices (unsupported block, missing mock, step budget).
 * A runtime may post them; the service layer never delivers them to a participant.
 */
export const SANDBOX_NOTICE_CONTENT_TYPE = 'application/vnd.chatreq.sandbox.notice';

/** What the runtime may add to a contact's transcript (pushed on the WebSocket too). */
export interface TranscriptItemInput {
  /**
   * `MESSAGEMETADATA` is what receipt items carry on the wire (client SDK samples show it); the
   * Smithy ChatItemType enum does not list it, so it is typed here rather than taken from the model.
   */
  Type: 'MESSAGE' | 'EVENT' | 'ATTACHMENT' | 'CONNECTION_ACK' | 'MESSAGEMETADATA';
  ContentType: string;
  Content?: string;
  ParticipantRole: ParticipantRole;
  DisplayName?: string;
  ParticipantId?: string;
}

/** A read-only view of a started chat contact, as the flow sees it. */
export interface ContactView {
  contactId: string;
  initialContactId: string;
  /** For a persistent chat or a related contact: the contact it continues. */
  previousContactId?: string;
  instanceId: string;
  instanceArn: string;
  contactFlowId: string;
  channel: 'CHAT';
  attributes: Readonly<Record<string, string>>;
  segmentAttributes: Readonly<Record<string, unknown>>;
  customerId?: string;
  customerDisplayName: string;
  customerParticipantId: string;
  initialMessage?: { ContentType: string; Content: string };
  /** SupportedMessagingContentTypes from StartChatContact (text/plain when the request gave none). */
  supportedContentTypes?: readonly string[];
}

/**
 * One flow-log record (one block run), with the member names Connect writes to CloudWatch Logs
 * (reference chat-extras §1.2). Parameter values are strings, as in Connect's records.
 */
export interface FlowLogRecord {
  ContactId: string;
  /** The full flow ARN, not the bare ID. */
  ContactFlowId: string;
  ContactFlowName: string;
  /** The legacy block name (e.g. SetQueue), not the Flow-language Type. */
  ContactFlowModuleType: string;
  Identifier: string;
  /** ISO 8601 with milliseconds and Z. */
  Timestamp: string;
  Parameters: Record<string, string>;
  Results?: string;
  ExternalResults?: Record<string, string>;
}

/** Where the flow stands on logging: never set, or the last Set logging behavior block's value. */
export type FlowLoggingState = 'unset' | 'enabled' | 'disabled';

/** What the service layer lets the runtime do to one contact. */
export interface ContactControl {
  /** Appends to the transcript (with a fresh Id and AbsoluteTime) and pushes it to subscribers. */
  post(item: TranscriptItemInput): void;
  /** Replaces the contact's user-defined attributes (what DescribeContact would show). */
  setAttributes(attributes: Record<string, string>): void;
  /** Ends the contact: the chat-ended event is posted and every participant disconnected. */
  end(reason: 'FLOW_DISCONNECT' | 'CUSTOMER_DISCONNECT' | 'API' | 'EXPIRED' | 'ERROR'): void;
  /** The sandbox clock (tests may fix or advance it). */
  now(): Date;
  /** A cancellable timer on the sandbox clock. */
  setTimer(ms: number, fn: () => void): () => void;
  /**
   * Optional: a block ran. The service layer decides, from `logging` and its own setting, whether
   * the record goes to the instance's flow-log group.
   */
  flowLog?(record: FlowLogRecord, logging: FlowLoggingState): void;
  /** Optional: the contact entered a queue (DescribeContact's QueueInfo). */
  queued?(queue: { id: string; arn: string }): void;
}

/** Implemented by the flow runtime; the service layer calls it. Every method must not throw. */
export interface ContactRuntime {
  /** Called once the contact exists and the customer's join event and initial message are in. */
  start(contact: ContactView, control: ContactControl): void;
  /** A customer message was accepted by SendMessage (already in the transcript). */
  customerMessage(contactId: string, message: { ContentType: string; Content: string }): void;
  /** The customer left (DisconnectParticipant) or the contact was stopped (StopContact). */
  contactEnded(contactId: string): void;
  /**
   * Optional: what the runtime did on a contact (e.g. the actions it ran), for the sandbox's admin
   * view (`GET /sandbox/contacts/{ContactId}` returns it as `trace`). Must be JSON-serialisable.
   */
  getTrace?(contactId: string): unknown;
}

/** The runtime used until a flow runtime is plugged in: the chat stays open, nothing answers. */
export const idleRuntime: ContactRuntime = {
  start: () => undefined,
  customerMessage: () => undefined,
  contactEnded: () => undefined,
};
