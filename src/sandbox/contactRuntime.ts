/**
 * The seam between the sandbox's service layer (HTTP routes, state, transcripts, WebSocket) and
 * whatever drives a chat after StartChatContact: the flow runtime. The service layer owns the
 * contact and its transcript; the runtime only reacts to what the customer does and answers
 * through {@link ContactControl}. Keeping this seam small lets each side be tested alone.
 */

export type ParticipantRole = 'AGENT' | 'CUSTOMER' | 'SYSTEM' | 'CUSTOM_BOT' | 'SUPERVISOR';

/** What the runtime may add to a contact's transcript (pushed on the WebSocket too). */
export interface TranscriptItemInput {
  Type: 'MESSAGE' | 'EVENT' | 'ATTACHMENT' | 'CONNECTION_ACK' | 'MESSAGE_METADATA';
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
}

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
