/**
 * Amazon Connect's limits on a StartChatContact request (and on a participant's SendMessage), in
 * one place. Every consumer reads them from here: the request rules (`chatreq validate` and the
 * editor), the JSON schema (schema.ts applies them to chatreq.schema.json, which the build writes to
 * dist/schema), the sandbox's validator (src/sandbox/connectOps.ts, participantOps.ts) and the
 * request form. So the validator and the sandbox agree by construction.
 *
 * Two kinds of limit:
 * - Model limits: the Smithy traits (length, range, enum values, required), by request path. They
 *   are written out here so the file reads on its own; test/unit/request/limits.test.ts checks each
 *   one against connect-shapes.json, the shapes scripts/extract-shapes.mjs vendors from the models.
 * - Documented limits: rules the service enforces that the model does not carry. Each names its
 *   source; where it is the model's doc string, the same test checks that the vendored doc string
 *   still says so.
 *
 * Pure data, no imports: the form's webview bundle includes this file.
 */

/** A Smithy constraint: `length` (strings: code points; lists and maps: entries), `range` (numbers). */
export interface Limit {
  readonly required?: boolean;
  readonly length?: { readonly min?: number; readonly max?: number };
  readonly range?: { readonly min?: number; readonly max?: number };
  readonly enum?: readonly string[];
}

/**
 * Smithy's `integer` is a 32-bit signed integer (Smithy 2.0 spec, "Simple types"), so a member of
 * that type without a range trait still has this range: ValueInteger.
 */
export const INT32 = { min: -2147483648, max: 2147483647 } as const;

/**
 * StartChatContactRequest, by JSON path: `a.b` a member, `a.{key}` the keys of map `a`, `a.*` its
 * values, `a[]` the items of list `a`. SegmentAttributes values are {@link SEGMENT_VALUE_LIMITS}.
 */
export const START_CHAT_LIMITS = {
  InstanceId: { required: true, length: { min: 1, max: 100 } },
  ContactFlowId: { required: true, length: { min: 0, max: 500 } },
  'Attributes.{key}': { length: { min: 1, max: 32767 } },
  'Attributes.*': { length: { min: 0, max: 32767 } },
  ParticipantDetails: { required: true },
  'ParticipantDetails.DisplayName': { required: true, length: { min: 1, max: 256 } },
  'ParticipantConfiguration.ResponseMode': { enum: ['INCREMENTAL', 'COMPLETE'] },
  'InitialMessage.ContentType': { required: true, length: { min: 1, max: 100 } },
  'InitialMessage.Content': { required: true, length: { min: 1, max: 16384 } },
  ClientToken: { length: { min: 0, max: 500 } },
  ChatDurationInMinutes: { range: { min: 60, max: 10080 } },
  'SupportedMessagingContentTypes[]': { length: { min: 1, max: 100 } },
  'PersistentChat.RehydrationType': { enum: ['ENTIRE_PAST_SESSION', 'FROM_SEGMENT'] },
  'PersistentChat.SourceContactId': { length: { min: 1, max: 256 } },
  RelatedContactId: { length: { min: 1, max: 256 } },
  'SegmentAttributes.{key}': { length: { min: 1, max: 128 } },
  CustomerId: { length: { min: 1, max: 128 } },
  DisconnectOnCustomerExit: { length: { min: 1, max: 1 } },
  'DisconnectOnCustomerExit[]': { enum: ['AGENT'] },
} as const satisfies Record<string, Limit>;

export type StartChatPath = keyof typeof START_CHAT_LIMITS;

/** SegmentAttributeValue (recursive: ValueMap values and ValueList items are SegmentAttributeValues). */
export const SEGMENT_VALUE_LIMITS = {
  ValueString: { length: { min: 0, max: 1024 } },
  ValueArn: { length: { min: 0, max: 1024 } },
  ValueInteger: { range: INT32 },
  'ValueMap.{key}': { length: { min: 1, max: 128 } },
} as const satisfies Record<string, Limit>;

/** Connect Participant Service SendMessageRequest. */
export const SEND_MESSAGE_LIMITS = {
  ContentType: { required: true, length: { min: 1, max: 100 } },
  Content: { required: true, length: { min: 1, max: 16384 } },
  ClientToken: { length: { min: 0, max: 500 } },
} as const satisfies Record<string, Limit>;

/** The members of a SegmentAttributeValue (model: SegmentAttributeValue). */
export const SEGMENT_VALUE_MEMBERS = ['ValueString', 'ValueMap', 'ValueInteger', 'ValueList', 'ValueArn'] as const;

// ------------------------------------------------------------------ documented limits

/**
 * All attribute keys and values together, in UTF-8 bytes, per contact. Model doc of
 * StartChatContactRequest.Attributes: "up to 32,768 UTF-8 bytes across all key-value pairs per
 * contact".
 */
export const ATTRIBUTES_MAX_BYTES = 32768;

/**
 * Attribute keys. Model doc of StartChatContactRequest.Attributes: "Attribute keys can include only
 * alphanumeric, dash, and underscore characters."
 */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Segment attribute keys. Model doc of StartChatContactRequest.SegmentAttributes: "Attribute keys
 * can include only alphanumeric, -, and _"; system-defined keys carry the `connect:` prefix (the
 * same doc's `connect:Subtype`).
 */
export const SEGMENT_KEY_PATTERN = /^(?:connect:)?[A-Za-z0-9_-]+$/;
export const SYSTEM_KEY_PREFIX = 'connect:';

/**
 * Members only system-defined (`connect:`) segment attributes may use. Model doc of
 * SegmentAttributeValue.ValueList and .ValueArn: "only supported for system-defined attributes".
 */
export const SYSTEM_ONLY_SEGMENT_MEMBERS = ['ValueList', 'ValueArn'] as const;

/**
 * A segment attribute value sets exactly one member. The model makes SegmentAttributeValue a
 * structure, not a union, so this is not a trait; its doc describes one value per attribute
 * ("structured as a map where the key is valueString and the value is a string") [INFERRED].
 */
export const SEGMENT_VALUE_MEMBERS_PER_VALUE = 1;

/**
 * How deep segment attribute values may nest: a value may hold values (ValueMap, ValueList) down to
 * this many levels below the attribute itself. [UNVERIFIED]: Connect documents no depth; this is
 * the cap the sandbox and the validator share so that neither accepts what the other refuses.
 */
export const SEGMENT_VALUE_MAX_DEPTH = 10;

/**
 * ValueArn. Model doc of SegmentAttributeValue.ValueArn: "has to be a valid ARN". The format is the
 * one the IAM user guide gives for every ARN: `arn:partition:service:region:account-id:resource`
 * (region and account may be empty).
 */
export const ARN_PATTERN = /^arn:[a-z][a-z0-9-]*:[a-zA-Z0-9-]+:[a-z0-9-]*:[0-9]*:\S+$/;

/** Without ChatDurationInMinutes the chat may last 25 hours (model doc of ChatDurationInMinutes). */
export const DEFAULT_CHAT_MINUTES = 25 * 60;

export const TEXT_PLAIN = 'text/plain';
export const TEXT_MARKDOWN = 'text/markdown';
/** Participant Service event content types (typing, joined, left, …) start with this (SendEvent ContentType). */
export const EVENT_TYPE_PREFIX = 'application/vnd.amazonaws.connect.event.';
export const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
export const INTERACTIVE_RESPONSE = 'application/vnd.amazonaws.connect.message.interactive.response';

/**
 * SupportedMessagingContentTypes values. Model doc of the member: "Supported types are text/plain,
 * text/markdown, application/json, application/vnd.amazonaws.connect.message.interactive, and
 * application/vnd.amazonaws.connect.message.interactive.response." and "Content types must always
 * contain text/plain" ({@link TEXT_PLAIN}).
 */
export const MESSAGING_CONTENT_TYPES = [TEXT_PLAIN, 'text/markdown', 'application/json', INTERACTIVE, INTERACTIVE_RESPONSE] as const;

/**
 * Message content length by ContentType, in characters: the types a customer may send
 * (InitialMessage, SendMessage). Model doc of ChatMessage.Content and of SendMessageRequest.Content:
 * "For text/plain and text/markdown ... Maximum of 1024", "For application/json ... Maximum of
 * 12000", "For application/vnd.amazonaws.connect.message.interactive.response ... Maximum of 12288".
 */
export const MESSAGE_CONTENT_LENGTHS: Readonly<Record<string, number>> = {
  [TEXT_PLAIN]: 1024,
  'text/markdown': 1024,
  'application/json': 12000,
  [INTERACTIVE_RESPONSE]: 12288,
};

/** The content types a customer may send, in the documented order. */
export const MESSAGE_CONTENT_TYPES = Object.keys(MESSAGE_CONTENT_LENGTHS);

/**
 * A message's ContentType must be one the chat said it supports. SendMessageRequest.ContentType doc:
 * "Supported types on the contact are configured through SupportedMessagingContentTypes on
 * StartChatContact"; the InitialMessage is held to the same list [INFERRED], and a request without
 * SupportedMessagingContentTypes supports text/plain only.
 */
export const DEFAULT_SUPPORTED_CONTENT_TYPES: readonly string[] = [TEXT_PLAIN];

/**
 * The guide subtype needs both interactive types. Model doc of SegmentAttributes: "The types
 * ...interactive and ...interactive.response must be present in the SupportedMessagingContentTypes
 * field ... in order to set SegmentAttributes as {"connect:Subtype": {"valueString" :
 * "connect:Guide"}}".
 */
export const GUIDE_SUBTYPE = { key: 'connect:Subtype', value: 'connect:Guide', needs: [INTERACTIVE, INTERACTIVE_RESPONSE] } as const;

/**
 * PersistentChat cannot be combined with RelatedContactId (model doc of RelatedContactId), and
 * needs a RehydrationType (doc: "RehydrationType is required for persistent chat") and a
 * SourceContactId.
 */
export const PERSISTENT_CHAT_REQUIRES = ['RehydrationType', 'SourceContactId'] as const;

// ------------------------------------------------------------------ the file format

/**
 * Where a `.chatreq.json` file deliberately differs from StartChatContactRequest: the API requires
 * these members, but a request file may leave them out, because launching the file asks for them
 * (the instance and flow pickers, or `chatreq launch --instance/--flow`). Everything else the API
 * requires, a file requires too ({@link requiredInFile}).
 */
export const LEFT_TO_LAUNCH: readonly StartChatPath[] = ['InstanceId', 'ContactFlowId'];

/** The top-level members a request file must have: the API's required members minus {@link LEFT_TO_LAUNCH}. */
export function requiredInFile(): string[] {
  return Object.entries(START_CHAT_LIMITS)
    .filter(([path, l]) => !path.includes('.') && !path.includes('[') && 'required' in l && l.required && !LEFT_TO_LAUNCH.includes(path as StartChatPath))
    .map(([path]) => path);
}
