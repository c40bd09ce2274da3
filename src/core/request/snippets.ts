import { INTERACTIVE, INTERACTIVE_RESPONSE } from './limits';

/** A snippet in VS Code's `.code-snippets` format (body lines use snippet syntax). */
export interface RequestSnippet {
  name: string;
  prefix: string;
  description: string;
  body: string[];
}

/**
 * Whole-file snippets for the common request shapes. Request completion offers them where a
 * whole request fits (an empty file); a contributed snippets file would offer them everywhere.
 */
export const requestSnippets: RequestSnippet[] = [
  {
    name: 'Chat request',
    prefix: 'chatreq-request',
    description: 'A StartChatContact request: instance, flow, customer name, attributes.',
    body: [
      '{',
      '\t"InstanceId": "${1:instance-id}",',
      '\t"ContactFlowId": "${2:flow-id}",',
      '\t"ParticipantDetails": { "DisplayName": "${3:Customer}" },',
      '\t"Attributes": { "${4:customerTier}": "${5:gold}" },',
      '\t"SupportedMessagingContentTypes": ["text/plain", "text/markdown"]$0',
      '}',
    ],
  },
  {
    name: 'Persistent chat request',
    prefix: 'chatreq-persistent',
    description: 'Continue an earlier chat (persistent chat): PersistentChat with RehydrationType and SourceContactId.',
    body: [
      '{',
      '\t"InstanceId": "${1:instance-id}",',
      '\t"ContactFlowId": "${2:flow-id}",',
      '\t"ParticipantDetails": { "DisplayName": "${3:Customer}" },',
      '\t"PersistentChat": {',
      '\t\t"RehydrationType": "${4|ENTIRE_PAST_SESSION,FROM_SEGMENT|}",',
      '\t\t"SourceContactId": "${5:previous-contact-id}"',
      '\t},',
      '\t"SupportedMessagingContentTypes": ["text/plain"]$0',
      '}',
    ],
  },
  {
    name: 'Guide chat request',
    prefix: 'chatreq-guide',
    description: 'A chat with the connect:Guide subtype, with both interactive content types it needs.',
    body: [
      '{',
      '\t"InstanceId": "${1:instance-id}",',
      '\t"ContactFlowId": "${2:flow-id}",',
      '\t"ParticipantDetails": { "DisplayName": "${3:Customer}" },',
      '\t"SegmentAttributes": { "connect:Subtype": { "ValueString": "connect:Guide" } },',
      '\t"SupportedMessagingContentTypes": [',
      '\t\t"text/plain",',
      `\t\t"${INTERACTIVE}",`,
      `\t\t"${INTERACTIVE_RESPONSE}"`,
      '\t]$0',
      '}',
    ],
  },
  {
    name: 'Markdown initial message request',
    prefix: 'chatreq-markdown',
    description: 'A chat that opens with a markdown message from the customer.',
    body: [
      '{',
      '\t"InstanceId": "${1:instance-id}",',
      '\t"ContactFlowId": "${2:flow-id}",',
      '\t"ParticipantDetails": { "DisplayName": "${3:Customer}" },',
      '\t"InitialMessage": { "ContentType": "text/markdown", "Content": "${4:**Hello**, I need help with my order}" },',
      '\t"SupportedMessagingContentTypes": ["text/plain", "text/markdown"]$0',
      '}',
    ],
  },
];

/** Expands a snippet body with every placeholder at its default (first choice / default text). */
export function expandSnippet(body: readonly string[]): string {
  return body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '');
}

export interface NewRequestOptions {
  instanceId?: string;
  contactFlowId?: string;
  displayName?: string;
}

/**
 * Text of a new, valid request file ("New Chat Request"). Members without a value are left out,
 * because launch asks for a missing instance or flow. No `$schema`: the extension's
 * `jsonValidation` gives IntelliSense without it, and the AWS CLI's `--cli-input-json` refuses it.
 */
export function newRequestText(options: NewRequestOptions = {}): string {
  const request: Record<string, unknown> = {};
  if (options.instanceId) request.InstanceId = options.instanceId;
  if (options.contactFlowId) request.ContactFlowId = options.contactFlowId;
  request.ParticipantDetails = { DisplayName: options.displayName ?? 'Customer' };
  request.Attributes = {};
  request.SupportedMessagingContentTypes = ['text/plain', 'text/markdown'];
  return `${JSON.stringify(request, null, 2)}\n`;
}

