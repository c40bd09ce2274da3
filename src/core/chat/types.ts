/**
 * The test-chat model shared by the CLI (`chatreq launch`, later `chatreq test`) and the VS Code
 * adapters (the Test Chats view, the conversation panel). No `vscode` import here.
 *
 * Two kinds of data, kept apart on purpose:
 * - {@link ChatRecord}: what may be persisted (history) and shown. It never holds a participant or
 *   connection token, nor credentials.
 * - {@link ChatSecrets}: the tokens. The extension keeps them in SecretStorage only; the CLI keeps
 *   them in memory only.
 */

/** Lifecycle state shown in the Test Chats view (derived from the live socket and DescribeContact). */
export type ChatState = 'starting' | 'connected' | 'queued' | 'agent' | 'ended' | 'failed';

/** A GetTranscript `Item` (wire member names, as the Participant Service returns them). */
export interface ChatItem {
  Id: string;
  Type: string;
  ContentType: string;
  AbsoluteTime: string;
  Content?: string;
  ParticipantId?: string;
  DisplayName?: string;
  ParticipantRole?: string;
  ContactId?: string;
  RelatedContactId?: string;
  MessageMetadata?: {
    MessageId: string;
    Receipts?: Array<{ DeliveredTimestamp?: string; ReadTimestamp?: string; RecipientParticipantId: string }>;
  };
  Attachments?: Array<{ ContentType?: string; AttachmentId?: string; AttachmentName?: string; Status?: string }>;
}

/** One flow-log record (admin guide "flow logs"), as read back through FilterLogEvents. */
export interface FlowLogRecord {
  ContactId: string;
  /** The flow's ARN (flow logs carry the ARN, not the bare ID). */
  ContactFlowId: string;
  ContactFlowName?: string;
  /** A legacy block-type name such as `SetQueue`; treat as free text. */
  ContactFlowModuleType: string;
  /** The Action `Identifier` in the flow content (what "Go to Block" finds). */
  Identifier?: string;
  Timestamp: string;
  Parameters?: Record<string, unknown>;
  Results?: string;
  ExternalResults?: Record<string, unknown>;
}

/** Where the flow trace came from, and why it may be empty. */
export type TraceStatus =
  | { kind: 'ok' }
  | { kind: 'no-log-group'; logGroup: string }
  | { kind: 'access-denied'; message: string }
  | { kind: 'error'; message: string };

/** DescribeContact's answer, reduced to what the view shows (epoch times as ISO strings). */
export interface ContactDetails {
  channel?: string;
  initiationMethod?: string;
  initiationTimestamp?: string;
  disconnectTimestamp?: string;
  lastUpdateTimestamp?: string;
  disconnectReason?: string;
  queue?: { id?: string; enqueueTimestamp?: string };
  agent?: { id?: string; connectedToAgentTimestamp?: string };
  initialContactId?: string;
  previousContactId?: string;
  relatedContactId?: string;
}

/** What a launch was made with: enough to relaunch and to say which connection it used. */
export interface ChatOrigin {
  /** The request file (absolute path or URI string), when launched from one. */
  requestFile?: string;
  /** Label of the file (its base name), for the tree. */
  requestName?: string;
  /** Stable key of the connection (ConnectionService key), and what the user reads. */
  connectionKey: string;
  connectionLabel: string;
  region: string;
  instanceId: string;
  instanceAlias?: string;
  contactFlowId: string;
  contactFlowName?: string;
  /** The conversation test whose run started the chat. */
  testName?: string;
}

/** A test chat: everything that may be persisted and shown. Never a token. */
export interface ChatRecord {
  /** Local ID (UUID), stable across reloads; not the contact ID (a failed launch has none). */
  id: string;
  origin: ChatOrigin;
  displayName: string;
  /** The ClientToken the launch used (one per launch, reused on retries). */
  clientToken: string;
  /** SupportedMessagingContentTypes as sent (what the customer side may send and receive). */
  contentTypes?: string[];
  /** InitialMessage as sent: the transcript shows it as the customer's first message. */
  initialMessage?: { ContentType: string; Content: string };
  /** Attributes as sent (after `${env:}` resolution). */
  attributes: Record<string, string>;
  state: ChatState;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  contactId?: string;
  participantId?: string;
  initialContactId?: string;
  /** Persistent chat: the contact this one continues (PersistentChat.SourceContactId). */
  continuedFrom?: string;
  rehydrationType?: string;
  /** A failed launch: what went wrong and how to fix it (token-free). */
  error?: { message: string; fix?: string; diagnosticCode?: string };
  /** Transcript items in order, deduplicated by Id (typing events are not kept). */
  transcript: ChatItem[];
  /** Flow trace (flow logs), when read. */
  trace?: FlowLogRecord[];
  traceStatus?: TraceStatus;
  /** GetContactAttributes, when read. */
  contactAttributes?: Record<string, string>;
  contact?: ContactDetails;
}

/** The secrets of one chat. Only ever in SecretStorage (extension) or memory (CLI). */
export interface ChatSecrets {
  participantToken: string;
  connectionToken?: string;
  /** ISO expiry of the connection token, from CreateParticipantConnection. */
  connectionExpiry?: string;
}
