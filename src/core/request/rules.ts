import { findNodeAtLocation, type Node } from 'jsonc-parser';
import { idFromArn, type IdKind, looksLikeArn, parseConnectArn } from './arn';
import { removeNodeEdit, replaceNodeEdit, setValueEdits } from './edits';
import { envReferencePattern, formatPath, hasEnvReference, substituteEnv } from './env';
import { keyNodeOf, type Reporter } from './report';
import { codePointLength, formatCount, plural, utf8Length } from './text';
import type { JsonPath, QuickFix, Severity, ValidateOptions } from './types';

import {
  ARN_PATTERN,
  ATTRIBUTE_KEY_PATTERN as ATTRIBUTE_KEY,
  ATTRIBUTES_MAX_BYTES,
  DEFAULT_SUPPORTED_CONTENT_TYPES,
  GUIDE_SUBTYPE,
  INTERACTIVE,
  INTERACTIVE_RESPONSE,
  MESSAGE_CONTENT_LENGTHS,
  SEGMENT_KEY_PATTERN as SEGMENT_KEY,
  SEGMENT_VALUE_MAX_DEPTH,
  SEGMENT_VALUE_MEMBERS,
  SEGMENT_VALUE_MEMBERS_PER_VALUE,
  requiredInFile,
  START_CHAT_LIMITS,
  SYSTEM_KEY_PREFIX,
  SYSTEM_ONLY_SEGMENT_MEMBERS,
  TEXT_PLAIN,
} from './limits';

/** The rules' limits all come from limits.ts. */
const CHAT_DURATION_MIN = START_CHAT_LIMITS.ChatDurationInMinutes.range.min;
const CHAT_DURATION_MAX = START_CHAT_LIMITS.ChatDurationInMinutes.range.max;
const CHAT_CONTENT_MAX = START_CHAT_LIMITS['InitialMessage.Content'].length.max;

/** Every rule code, with its default severity, for documentation and the editor's code lens. */
export const ruleCodes = {
  'chatreq/attributes-too-large': 'error',
  'chatreq/attribute-key-characters': 'error',
  'chatreq/segment-attribute-key-characters': 'error',
  'chatreq/segment-value-members': 'error',
  'chatreq/segment-value-not-an-arn': 'error',
  'chatreq/segment-value-too-deep': 'error',
  'chatreq/segment-value-system-only': 'error',
  'chatreq/text-plain-missing': 'error',
  'chatreq/guide-needs-interactive-types': 'error',
  'chatreq/initial-message-too-long': 'error',
  'chatreq/initial-message-invalid-json': 'warning',
  'chatreq/initial-message-type-not-listed': 'error',
  'chatreq/duration-out-of-range': 'error',
  'chatreq/persistent-chat-with-related-contact': 'error',
  'chatreq/rehydration-without-source': 'error',
  'chatreq/source-without-rehydration': 'error',
  'chatreq/persistent-chat-incomplete': 'error',
  // error for contact IDs; warning for InstanceId/ContactFlowId (see idMembers)
  'chatreq/arn-instead-of-id': 'error',
  'chatreq/env-unknown': 'warning',
  'chatreq/env-malformed': 'error',
  'chatreq/missing-participant-details': 'error',
  'chatreq/fixed-client-token': 'info',
  'chatreq/not-a-start-chat-contact-member': 'warning',
} as const;

export function runRules(root: Node, r: Reporter, options: ValidateOptions): void {
  checkParticipantDetails(root, r);
  checkAttributes(root, r, options);
  checkSegmentAttributes(root, r);
  checkContentTypes(root, r);
  checkGuideSubtype(root, r);
  checkInitialMessage(root, r);
  checkDuration(root, r);
  checkPersistentChat(root, r);
  checkArns(root, r);
  checkEnvReferences(root, r, options);
  checkClientToken(root, r);
  checkAwsCliMembers(root, r);
}

/**
 * Members the schema tolerates but StartChatContact does not have (`$schema`): launch drops them,
 * but `aws connect start-chat-contact --cli-input-json` refuses the whole file. Other unknown
 * members are already schema errors.
 */
function checkAwsCliMembers(root: Node, r: Reporter): void {
  for (const prop of root.children ?? []) {
    const key = prop.children?.[0];
    if (key?.value !== '$schema') continue;
    r.node(
      'chatreq/not-a-start-chat-contact-member',
      'warning',
      key,
      '"$schema" is not a StartChatContact member: Chatreq drops it when launching, but the AWS CLI (aws connect start-chat-contact --cli-input-json) refuses the file. Remove it; VS Code applies the request schema to *.chatreq.json files without it.',
      { path: ['$schema'], fixes: [{ title: 'Remove "$schema"', edits: [removeNodeEdit(prop)], preferred: true }] },
    );
  }
}

function checkClientToken(root: Node, r: Reporter): void {
  const token = at(root, ['ClientToken']);
  // The written text, not the value: a ${env:NAME} set for this check is still a fresh token per launch.
  if (token?.type !== 'string' || hasEnvReference(r.text.slice(token.offset, token.offset + token.length))) return;
  r.node(
    'chatreq/fixed-client-token',
    'info',
    keyNodeOf(token),
    'ClientToken is a fixed value, so Connect treats every launch of this file as a retry of the same request (idempotency) instead of a new chat. Remove it to get a fresh token per launch, or use ${env:NAME}.',
    { path: ['ClientToken'], fixes: [{ title: 'Remove ClientToken', edits: [removeNodeEdit(token.parent!)], preferred: true }] },
  );
}

function at(root: Node, path: JsonPath): Node | undefined {
  return findNodeAtLocation(root, path);
}

function stringAt(root: Node, path: JsonPath): string | undefined {
  const n = at(root, path);
  return n?.type === 'string' ? (n.value as string) : undefined;
}

/**
 * What StartChatContact requires and a request file must have too: limits.ts requiredInFile()
 * (the API's required members minus InstanceId and ContactFlowId, which launching asks for).
 */
function checkParticipantDetails(root: Node, r: Reporter): void {
  for (const member of requiredInFile()) {
    if (at(root, [member])) continue;
    const fix = member === 'ParticipantDetails' ? [{ title: 'Add ParticipantDetails', edits: setValueEdits(r.text, ['ParticipantDetails'], { DisplayName: 'Customer' }), preferred: true }] : [];
    const what = member === 'ParticipantDetails' ? ', with the DisplayName shown for the customer. Add "ParticipantDetails": { "DisplayName": "..." }.' : `. Add "${member}".`;
    r.at('chatreq/missing-participant-details', 'error', root.offset, 1, `${member} is missing: StartChatContact requires it${what}`, { fixes: fix });
  }
}

function checkAttributes(root: Node, r: Reporter, options: ValidateOptions): void {
  const attrs = at(root, ['Attributes']);
  if (attrs?.type !== 'object') return;
  let total = 0;
  let largest: { key: string; bytes: number } | undefined;
  const keys = new Set((attrs.children ?? []).map((p) => String(p.children?.[0]?.value)));
  for (const prop of attrs.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode) continue;
    const key = String(keyNode.value);
    if (key !== '' && !ATTRIBUTE_KEY.test(key)) {
      const bad = describeBadChars(key, ATTRIBUTE_KEY);
      const renamed = key.replace(/[^A-Za-z0-9_-]/g, '_');
      const fixes: QuickFix[] = keys.has(renamed) ? [] : [{ title: `Rename to ${renamed}`, edits: [replaceNodeEdit(keyNode, renamed)], preferred: true }];
      r.node(
        'chatreq/attribute-key-characters',
        'error',
        keyNode,
        `Attributes key ${JSON.stringify(key)} contains ${bad}; attribute keys may use only letters, digits, '-' and '_'. Rename it (and the $.Attributes references in your flow).`,
        { path: ['Attributes', key], fixes },
      );
    }
    let bytes = utf8Length(key);
    if (valueNode?.type === 'string') {
      const value = options.env ? substituteEnv(valueNode.value as string, options.env) : (valueNode.value as string);
      bytes += utf8Length(value);
    }
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { key, bytes };
  }
  if (total > ATTRIBUTES_MAX_BYTES) {
    const over = total - ATTRIBUTES_MAX_BYTES;
    r.node(
      'chatreq/attributes-too-large',
      'error',
      keyNodeOf(attrs),
      `Attributes total ${formatCount(total)} UTF-8 bytes (keys and values together), ${formatCount(over)} over the ${formatCount(ATTRIBUTES_MAX_BYTES)}-byte limit. ` +
        `Shorten or remove entries; the largest is ${JSON.stringify(largest!.key)} at ${plural(largest!.bytes, 'byte')}.`,
      { path: ['Attributes'] },
    );
  }
}

function describeBadChars(key: string, ok: RegExp): string {
  const bad = [...new Set([...key].filter((c) => !ok.test(c) && !(c === ':' && ok === SEGMENT_KEY)))];
  const names = bad.slice(0, 3).map((c) => (c === ' ' ? "' ' (space)" : /\s/.test(c) ? JSON.stringify(c) : `'${c}'`));
  return bad.length === 1 ? names[0] : `${names.join(', ')}${bad.length > 3 ? ', ...' : ''}`;
}

function checkSegmentAttributes(root: Node, r: Reporter): void {
  const seg = at(root, ['SegmentAttributes']);
  if (seg?.type !== 'object') return;
  for (const prop of seg.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode) continue;
    const key = String(keyNode.value);
    if (key !== '' && !SEGMENT_KEY.test(key)) {
      const bad = /^[^:]*:/.test(key) && !key.startsWith('connect:') ? `the prefix "${key.split(':')[0]}:"` : describeBadChars(key.replace(/^connect:/, ''), /^[A-Za-z0-9_-]$/);
      r.node(
        'chatreq/segment-attribute-key-characters',
        'error',
        keyNode,
        `SegmentAttributes key ${JSON.stringify(key)} contains ${bad}; segment attribute keys may use only letters, digits, '-' and '_', with the "connect:" prefix for system-defined attributes (e.g. "connect:Subtype").`,
        { path: ['SegmentAttributes', key] },
      );
    }
    if (valueNode?.type === 'object') checkSegmentValue(valueNode, key, ['SegmentAttributes', key], r);
  }
}

/**
 * One segment attribute value, as the sandbox checks it (src/sandbox/connectOps.ts segmentValue):
 * exactly one member, ValueList and ValueArn only under a system-defined (`connect:`) attribute
 * (nested values inherit the attribute's kind), ValueArn an ARN, and at most
 * SEGMENT_VALUE_MAX_DEPTH levels of nested values.
 */
function checkSegmentValue(value: Node, key: string, path: JsonPath, r: Reporter, depth = 0): void {
  if (depth > SEGMENT_VALUE_MAX_DEPTH) {
    r.node(
      'chatreq/segment-value-too-deep',
      'error',
      keyNodeOf(value),
      `${formatPath(path)} is nested ${depth} levels deep under ${formatPath(['SegmentAttributes', key])}; segment attribute values may nest at most ${SEGMENT_VALUE_MAX_DEPTH} levels (ValueMap and ValueList inside each other). Flatten the value.`,
      { path },
    );
    return;
  }
  const members = (value.children ?? []).map((p) => String(p.children?.[0]?.value));
  const known = members.filter((m) => (SEGMENT_VALUE_MEMBERS as readonly string[]).includes(m));
  if (known.length > SEGMENT_VALUE_MEMBERS_PER_VALUE) {
    r.node(
      'chatreq/segment-value-members',
      'error',
      keyNodeOf(value),
      `${formatPath(path)} sets ${known.join(' and ')}; a segment attribute value holds exactly one of ${SEGMENT_VALUE_MEMBERS.join(', ')}, and Connect rejects more. Keep one.`,
      { path },
    );
  }
  if (!key.startsWith(SYSTEM_KEY_PREFIX)) {
    for (const m of SYSTEM_ONLY_SEGMENT_MEMBERS) {
      const n = findNodeAtLocation(value, [m]);
      if (n) {
        r.node(
          'chatreq/segment-value-system-only',
          'error',
          keyNodeOf(n),
          `${formatPath([...path, m])}: Connect accepts ${m} only for system-defined ("${SYSTEM_KEY_PREFIX}") attributes, and "${key}" is user-defined. Use ValueString or ValueMap.`,
          { path: [...path, m] },
        );
      }
    }
  }
  const arn = findNodeAtLocation(value, ['ValueArn']);
  if (arn?.type === 'string' && !hasEnvReference(arn.value as string) && !ARN_PATTERN.test(arn.value as string)) {
    r.node(
      'chatreq/segment-value-not-an-arn',
      'error',
      arn,
      `${formatPath([...path, 'ValueArn'])} is not an ARN; ValueArn must be a valid ARN (arn:partition:service:region:account-id:resource, e.g. "arn:aws:connect:us-east-1:123456789012:instance/..."). Use ValueString for other text.`,
      { path: [...path, 'ValueArn'] },
    );
  }
  const map = findNodeAtLocation(value, ['ValueMap']);
  if (map?.type === 'object') {
    for (const prop of map.children ?? []) {
      const v = prop.children?.[1];
      const k = String(prop.children?.[0]?.value);
      if (v?.type === 'object') checkSegmentValue(v, key, [...path, 'ValueMap', k], r, depth + 1);
    }
  }
  const list = findNodeAtLocation(value, ['ValueList']);
  if (list?.type === 'array') {
    (list.children ?? []).forEach((v, i) => {
      if (v.type === 'object') checkSegmentValue(v, key, [...path, 'ValueList', i], r, depth + 1);
    });
  }
}

function contentTypes(root: Node): { node: Node; values: string[]; unknown: boolean } | undefined {
  const node = at(root, ['SupportedMessagingContentTypes']);
  if (node?.type !== 'array') return undefined;
  const items = node.children ?? [];
  const values = items.filter((i) => i.type === 'string').map((i) => i.value as string);
  // An entry that is not a plain string literal (or an env reference) could be anything.
  const unknown = items.some((i) => i.type !== 'string' || hasEnvReference(i.value as string));
  return { node, values, unknown };
}

function checkContentTypes(root: Node, r: Reporter): void {
  const ct = contentTypes(root);
  if (!ct || ct.unknown || ct.values.includes(TEXT_PLAIN)) return;
  r.node(
    'chatreq/text-plain-missing',
    'error',
    ct.node,
    'SupportedMessagingContentTypes must always include "text/plain"; Connect rejects the request without it. Add "text/plain" to the list.',
    {
      path: ['SupportedMessagingContentTypes'],
      fixes: [{ title: 'Add "text/plain"', edits: setValueEdits(r.text, ['SupportedMessagingContentTypes', 0], TEXT_PLAIN, true), preferred: true }],
    },
  );
}

function checkGuideSubtype(root: Node, r: Reporter): void {
  const subtype = at(root, ['SegmentAttributes', GUIDE_SUBTYPE.key, 'ValueString']);
  if (subtype?.type !== 'string' || subtype.value !== GUIDE_SUBTYPE.value) return;
  const ct = contentTypes(root);
  if (ct?.unknown) return;
  const missing = GUIDE_SUBTYPE.needs.filter((t) => !ct?.values.includes(t));
  if (missing.length === 0) return;
  const wanted = ct ? [...ct.values, ...missing] : [...DEFAULT_SUPPORTED_CONTENT_TYPES, ...GUIDE_SUBTYPE.needs];
  const where = ct ? `SupportedMessagingContentTypes lacks ${missing.map((t) => `"${t}"`).join(' and ')}` : 'SupportedMessagingContentTypes is not set';
  r.node(
    'chatreq/guide-needs-interactive-types',
    'error',
    subtype,
    `The connect:Guide subtype needs both interactive content types, but ${where}. Add "${INTERACTIVE}" and "${INTERACTIVE_RESPONSE}".`,
    {
      path: ['SegmentAttributes', GUIDE_SUBTYPE.key, 'ValueString'],
      fixes: [{ title: 'Add the interactive content types', edits: setValueEdits(r.text, ['SupportedMessagingContentTypes'], wanted), preferred: true }],
    },
  );
}

function checkInitialMessage(root: Node, r: Reporter): void {
  const content = at(root, ['InitialMessage', 'Content']);
  if (content?.type !== 'string' || hasEnvReference(content.value as string)) return;
  const type = stringAt(root, ['InitialMessage', 'ContentType']);
  const text = content.value as string;
  const known = type !== undefined && type in MESSAGE_CONTENT_LENGTHS;
  const limit = known ? MESSAGE_CONTENT_LENGTHS[type] : CHAT_CONTENT_MAX;
  const len = codePointLength(text);
  if (len > limit) {
    const why = known ? ` for ${type}` : '';
    r.node(
      'chatreq/initial-message-too-long',
      'error',
      content,
      `InitialMessage.Content is ${plural(len, 'character')} long, ${formatCount(len - limit)} over the ${formatCount(limit)}-character limit${why}. Shorten the message.`,
      { path: ['InitialMessage', 'Content'] },
    );
  }
  const ct = contentTypes(root);
  if (known && len <= limit && !ct?.unknown && !(ct?.values ?? DEFAULT_SUPPORTED_CONTENT_TYPES).includes(type)) {
    const typeNode = at(root, ['InitialMessage', 'ContentType'])!;
    const wanted = ct ? [...ct.values, type] : [...DEFAULT_SUPPORTED_CONTENT_TYPES, type];
    r.node(
      'chatreq/initial-message-type-not-listed',
      'error',
      typeNode,
      `InitialMessage is ${type}, but SupportedMessagingContentTypes ${ct ? 'does not list it' : 'is not set (so only text/plain)'}: Connect rejects an initial message of a type the chat client has not said it can show. Add "${type}" to SupportedMessagingContentTypes.`,
      {
        path: ['InitialMessage', 'ContentType'],
        fixes: [{ title: `Add "${type}" to SupportedMessagingContentTypes`, edits: setValueEdits(r.text, ['SupportedMessagingContentTypes'], wanted), preferred: true }],
      },
    );
  }
  if (type === 'application/json' && text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch (e) {
      r.node(
        'chatreq/initial-message-invalid-json',
        'warning',
        content,
        `InitialMessage.Content is not valid JSON, but ContentType is application/json (${e instanceof Error ? e.message : String(e)}). Fix the JSON or use text/plain.`,
        { path: ['InitialMessage', 'Content'] },
      );
    }
  }
}

function checkDuration(root: Node, r: Reporter): void {
  const node = at(root, ['ChatDurationInMinutes']);
  if (node?.type !== 'number') return;
  const n = node.value as number;
  if (n >= CHAT_DURATION_MIN && n <= CHAT_DURATION_MAX) return;
  const clamped = n < CHAT_DURATION_MIN ? CHAT_DURATION_MIN : CHAT_DURATION_MAX;
  r.node(
    'chatreq/duration-out-of-range',
    'error',
    node,
    `ChatDurationInMinutes is ${formatCount(n)}; it must be between ${CHAT_DURATION_MIN} and ${formatCount(CHAT_DURATION_MAX)} minutes (1 hour to 7 days). ` +
      `Use ${formatCount(clamped)}, or remove the member for the 25-hour default.`,
    { path: ['ChatDurationInMinutes'], fixes: [{ title: `Change to ${clamped}`, edits: [replaceNodeEdit(node, clamped)], preferred: true }] },
  );
}

function checkPersistentChat(root: Node, r: Reporter): void {
  const pc = at(root, ['PersistentChat']);
  const related = at(root, ['RelatedContactId']);
  if (pc && related) {
    r.node(
      'chatreq/persistent-chat-with-related-contact',
      'error',
      keyNodeOf(related),
      'RelatedContactId cannot be combined with PersistentChat: Connect rejects a request with both. Remove one of them.',
      {
        path: ['RelatedContactId'],
        fixes: [
          { title: 'Remove RelatedContactId', edits: [removeNodeEdit(related.parent!)], preferred: true },
          { title: 'Remove PersistentChat', edits: [removeNodeEdit(pc.parent!)] },
        ],
      },
    );
  }
  if (pc?.type !== 'object') return;
  const type = at(pc, ['RehydrationType']);
  const source = at(pc, ['SourceContactId']);
  if (!type && !source) {
    r.node(
      'chatreq/persistent-chat-incomplete',
      'error',
      keyNodeOf(pc),
      'PersistentChat is empty: set RehydrationType and SourceContactId (the earlier chat to continue), or remove PersistentChat.',
      { path: ['PersistentChat'], fixes: [{ title: 'Remove PersistentChat', edits: [removeNodeEdit(pc.parent!)] }] },
    );
  } else if (type && !source) {
    r.node(
      'chatreq/rehydration-without-source',
      'error',
      keyNodeOf(type),
      'PersistentChat has a RehydrationType but no SourceContactId: add the contact ID of the earlier chat to continue ("SourceContactId": "...").',
      { path: ['PersistentChat', 'RehydrationType'] },
    );
  } else if (source && !type) {
    r.node(
      'chatreq/source-without-rehydration',
      'error',
      keyNodeOf(source),
      'PersistentChat has a SourceContactId but no RehydrationType, which persistent chat requires. Add "RehydrationType": "ENTIRE_PAST_SESSION" (SourceContactId is the initial contact of the earlier session) or "FROM_SEGMENT" (exactly that contact).',
      {
        path: ['PersistentChat', 'SourceContactId'],
        fixes: ['ENTIRE_PAST_SESSION', 'FROM_SEGMENT'].map((v, i) => ({
          title: `Add RehydrationType ${v}`,
          edits: setValueEdits(r.text, ['PersistentChat', 'RehydrationType'], v),
          preferred: i === 0,
        })),
      },
    );
  }
}

/**
 * Where an ID belongs. Connect documents IDs for all four, but resolves instance and flow ARNs in
 * several operations (and the sandbox accepts them), so those are warnings; a contact ARN is not
 * a contact ID anywhere, so that is an error.
 */
const idMembers: Array<{ path: JsonPath; kind: IdKind; what: string; marker: string; severity: Severity }> = [
  { path: ['InstanceId'], kind: 'instance', what: 'the instance ID', marker: 'instance/', severity: 'warning' },
  { path: ['ContactFlowId'], kind: 'flow', what: 'the flow ID', marker: 'contact-flow/', severity: 'warning' },
  { path: ['RelatedContactId'], kind: 'contact', what: 'a contact ID', marker: 'contact/', severity: 'error' },
  { path: ['PersistentChat', 'SourceContactId'], kind: 'contact', what: 'a contact ID', marker: 'contact/', severity: 'error' },
];

function checkArns(root: Node, r: Reporter): void {
  const instanceId = stringAt(root, ['InstanceId']);
  for (const m of idMembers) {
    const node = at(root, m.path);
    if (node?.type !== 'string' || !looksLikeArn(node.value as string)) continue;
    const arn = node.value as string;
    const id = idFromArn(arn, m.kind);
    const field = formatPath(m.path);
    if (id === undefined) {
      r.node(
        'chatreq/arn-instead-of-id',
        'error',
        node,
        `${field} holds an ARN that contains no ${m.what.replace(/^(the|a) /, '')} (nothing after "${m.marker}"). ${field} takes ${m.what} itself, not an ARN.`,
        { path: m.path },
      );
      continue;
    }
    let note = '';
    const parsed = parseConnectArn(arn);
    if (m.kind !== 'instance' && parsed && instanceId !== undefined && !looksLikeArn(instanceId) && parsed.instanceId !== instanceId) {
      note = ` Note: the ARN belongs to instance ${parsed.instanceId}, not the InstanceId ${instanceId}.`;
    }
    r.node(
      'chatreq/arn-instead-of-id',
      m.severity,
      node,
      `${field} holds a full ARN, but it takes ${m.what}: the part after "${m.marker}" (${id}). Replace the ARN with the ID.${note}`,
      { path: m.path, fixes: [{ title: `Use the ID ${id}`, edits: [replaceNodeEdit(node, id)], preferred: true }] },
    );
  }
}

function checkEnvReferences(root: Node, r: Reporter, options: ValidateOptions): void {
  const visit = (node: Node, path: JsonPath): void => {
    if (node.type === 'object') {
      for (const p of node.children ?? []) {
        const k = p.children?.[0];
        const v = p.children?.[1];
        if (k && v) visit(v, [...path, String(k.value)]);
      }
      return;
    }
    if (node.type === 'array') {
      (node.children ?? []).forEach((c, i) => visit(c, [...path, i]));
      return;
    }
    if (node.type !== 'string') return;
    // Offsets come from the raw source so ranges stay exact even when the string has escapes.
    const raw = r.text.slice(node.offset, node.offset + node.length);
    if (!raw.includes('${')) return;
    for (const m of raw.matchAll(/\$\{\s*env\s*:[^}"]*\}?/gi)) {
      if (/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(m[0])) continue;
      r.at(
        'chatreq/env-malformed',
        'error',
        node.offset + m.index,
        m[0].length,
        `${formatPath(path)}: ${JSON.stringify(m[0])} is not a valid environment reference. Write \${env:NAME}, where NAME starts with a letter or '_' and continues with letters, digits or '_'.`,
        { path },
      );
    }
    if (!options.env) return;
    for (const m of raw.matchAll(envReferencePattern())) {
      const name = m[1];
      if (options.env[name] !== undefined) continue;
      r.at(
        'chatreq/env-unknown',
        'warning',
        node.offset + m.index,
        m[0].length,
        `Environment variable ${name} (used in ${formatPath(path)}) is not set, so launching this request would fail. Set ${name} before launching, or replace the reference with a value.`,
        { path },
      );
    }
  };
  visit(root, []);
}
