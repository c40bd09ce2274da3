/**
 * The Amazon Connect operations (restJson1, signing name `connect`): ListInstances,
 * DescribeInstance, ListContactFlows, DescribeContactFlow, SearchContactFlows, StartChatContact and
 * StopContact. Members, constraints and errors follow the Smithy model (reference §1, §2, §4).
 * Timestamps go out as epoch seconds.
 */
import { CONTACT_FLOW_TYPES, type FlowRecord, type InstanceRecord } from './catalog';
import { EVENT, type Contact } from './contacts';
import { type OperationInput, type SandboxCore } from './core';
import { invalidParameter, invalidRequest, resourceNotFound, ServiceError } from './errors';
import { decodeToken, encodeToken, page } from './paging';
import {
  ARN_PATTERN,
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTES_MAX_BYTES,
  DEFAULT_CHAT_MINUTES,
  DEFAULT_SUPPORTED_CONTENT_TYPES,
  GUIDE_SUBTYPE,
  type Limit,
  MESSAGE_CONTENT_LENGTHS,
  MESSAGE_CONTENT_TYPES,
  MESSAGING_CONTENT_TYPES,
  SEGMENT_KEY_PATTERN,
  SEGMENT_VALUE_LIMITS,
  SEGMENT_VALUE_MAX_DEPTH,
  SEGMENT_VALUE_MEMBERS,
  SEGMENT_VALUE_MEMBERS_PER_VALUE,
  START_CHAT_LIMITS,
  SYSTEM_KEY_PREFIX,
  SYSTEM_ONLY_SEGMENT_MEMBERS,
  TEXT_PLAIN,
} from '../core/request/limits';
import { codePointLength, limit, Validator, type JsonObject } from './validate';

const epoch = (d: Date) => d.getTime() / 1000;

// ---------------------------------------------------------------- instances

export function findInstance(core: SandboxCore, idOrArn: string): InstanceRecord {
  const found = core.instances.find((i) => i.id === idOrArn || i.arn === idOrArn);
  if (found) return found;
  const known = core.instances.map((i) => `${i.alias} (${i.id})`).join(', ');
  throw resourceNotFound(`Instance not found: no instance has the id '${idOrArn}'. This sandbox has: ${known}.`);
}

function instanceSummary(i: InstanceRecord): JsonObject {
  return {
    Id: i.id,
    Arn: i.arn,
    IdentityManagementType: 'CONNECT_MANAGED',
    InstanceAlias: i.alias,
    CreatedTime: epoch(i.createdTime),
    ServiceRole: i.serviceRole,
    InstanceStatus: 'ACTIVE',
    InboundCallsEnabled: true,
    OutboundCallsEnabled: false,
    InstanceAccessUrl: i.accessUrl,
  };
}

/** Query integers arrive as text; parse them strictly so `maxResults=abc` is refused, not ignored. */
function queryInt(v: Validator, raw: string | null, path: string, min: number, max: number): number | undefined {
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) {
    v.fail(path, 'Member must be an integer');
    return undefined;
  }
  return v.int(Number(raw), path, { min, max });
}

export function listInstances(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidRequest);
  const max = queryInt(v, input.query.get('maxResults'), 'maxResults', 1, 10) ?? 10;
  const token = v.str(input.query.get('nextToken') ?? undefined, 'nextToken');
  v.check();
  const offset = token ? decodeToken(token, 'ListInstances', '', 'nextToken', invalidRequest) : 0;
  const p = page(core.instances, offset, max, (o) => encodeToken('ListInstances', '', o));
  return { InstanceSummaryList: p.items.map(instanceSummary), ...(p.next ? { NextToken: p.next } : {}) };
}

export function describeInstance(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidRequest);
  const id = v.str(input.labels.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  v.check();
  const i = findInstance(core, id!);
  return { Instance: { ...instanceSummary(i), Tags: { Environment: 'chatreq-sandbox' } } };
}

// ---------------------------------------------------------------- flows

function findFlow(instance: InstanceRecord, idOrArn: string, member: string): FlowRecord {
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
  const flow = instance.flows.find((f) => f.id === id);
  if (!flow) {
    throw resourceNotFound(
      `${member}: no flow with the id '${id}' in instance ${instance.alias} (${instance.id}). List the flows with ListContactFlows.`,
    );
  }
  return flow;
}

function flowSummary(f: FlowRecord): JsonObject {
  return { Id: f.id, Arn: f.arn, Name: f.name, ContactFlowType: f.type, ContactFlowState: f.state, ContactFlowStatus: f.status };
}

function fullFlow(core: SandboxCore, f: FlowRecord): JsonObject {
  return {
    Arn: f.arn,
    Id: f.id,
    Name: f.name,
    Type: f.type,
    State: f.state,
    Status: f.status,
    ...(f.description !== undefined ? { Description: f.description } : {}),
    Content: f.content,
    FlowContentSha256: f.sha256,
    Version: f.version,
    LastModifiedTime: epoch(f.lastModified),
    LastModifiedRegion: core.region,
  };
}

export function listContactFlows(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidParameter);
  const instanceId = v.str(input.labels.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const types = input.query.getAll('contactFlowTypes');
  if (types.length > 10) v.fail('contactFlowTypes', 'Member must have length less than or equal to 10');
  types.forEach((t, i) => v.str(t, `contactFlowTypes.${i + 1}.member`, { enum: CONTACT_FLOW_TYPES }));
  const max = queryInt(v, input.query.get('maxResults'), 'maxResults', 1, 1000) ?? 100;
  const token = input.query.get('nextToken');
  v.check();
  const instance = findInstance(core, instanceId!);
  const flows = types.length ? instance.flows.filter((f) => types.includes(f.type)) : instance.flows;
  const key = `${instance.id}|${[...types].sort().join(',')}`;
  const offset = token ? decodeToken(token, 'ListContactFlows', key, 'nextToken', invalidParameter) : 0;
  const p = page(flows, offset, max, (o) => encodeToken('ListContactFlows', key, o));
  return { ContactFlowSummaryList: p.items.map(flowSummary), ...(p.next ? { NextToken: p.next } : {}) };
}

export function describeContactFlow(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidParameter);
  const instanceId = v.str(input.labels.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const raw = v.str(input.labels.ContactFlowId, 'ContactFlowId', { required: true, min: 0, max: 500 });
  v.check();
  const instance = findInstance(core, instanceId!);
  // An id or ARN, optionally qualified: `<id>:$SAVED` or `<id>:<version>`.
  const tail = raw!.startsWith('arn:') ? raw!.slice(raw!.lastIndexOf('/') + 1) : raw!;
  const colon = tail.indexOf(':');
  const id = colon < 0 ? tail : tail.slice(0, colon);
  const qualifier = colon < 0 ? undefined : tail.slice(colon + 1);
  if (qualifier !== undefined && qualifier !== '$SAVED' && !/^\d+$/.test(qualifier)) {
    throw invalidParameter(`ContactFlowId: the qualifier ':${qualifier}' is not valid; use ':$SAVED' or ':<version number>'.`);
  }
  const flow = findFlow(instance, id, 'ContactFlowId');
  if (qualifier !== undefined && qualifier !== '$SAVED' && Number(qualifier) !== flow.version) {
    throw resourceNotFound(`ContactFlowId: flow ${flow.id} has no version ${qualifier} (its latest version is ${flow.version}).`);
  }
  if (qualifier === undefined && flow.status !== 'PUBLISHED') {
    throw new ServiceError(404, 'ContactFlowNotPublishedException', `The flow has not been published. Describe '${flow.id}:$SAVED' to read its saved content.`);
  }
  return { ContactFlow: fullFlow(core, flow) };
}

const STRING_FIELDS = ['name', 'description'] as const;

type Criteria = (f: FlowRecord) => boolean;

function criteria(v: Validator, raw: unknown, path: string, depth: number): Criteria {
  const c = v.obj(raw, path);
  if (!c) return () => true;
  if (depth > 5) {
    v.fail(path, 'Member must not nest OrConditions/AndConditions more than 5 levels deep');
    return () => true;
  }
  const parts: Criteria[] = [];
  const ors = v.list(c.OrConditions, `${path}.OrConditions`);
  if (ors) {
    const subs = ors.map((o, i) => criteria(v, o, `${path}.OrConditions.${i + 1}.member`, depth + 1));
    parts.push((f) => subs.some((s) => s(f)));
  }
  const ands = v.list(c.AndConditions, `${path}.AndConditions`);
  if (ands) {
    const subs = ands.map((o, i) => criteria(v, o, `${path}.AndConditions.${i + 1}.member`, depth + 1));
    parts.push((f) => subs.every((s) => s(f)));
  }
  const sc = v.obj(c.StringCondition, `${path}.StringCondition`);
  if (sc) {
    const field = v.str(sc.FieldName, `${path}.StringCondition.FieldName`, { required: true, enum: STRING_FIELDS });
    const value = v.str(sc.Value, `${path}.StringCondition.Value`, { required: true, min: 1 });
    const cmp = v.str(sc.ComparisonType, `${path}.StringCondition.ComparisonType`, { required: true, enum: ['STARTS_WITH', 'CONTAINS', 'EXACT'] });
    if (cmp === 'CONTAINS' && value !== undefined && (value.length < 2 || value.length > 25)) {
      v.fail(`${path}.StringCondition.Value`, 'a CONTAINS search needs 2 to 25 characters');
    }
    if (field && value !== undefined && cmp) {
      const want = value.toLowerCase();
      parts.push((f) => {
        const have = (field === 'name' ? f.name : (f.description ?? '')).toLowerCase();
        return cmp === 'EXACT' ? have === want : cmp === 'STARTS_WITH' ? have.startsWith(want) : have.includes(want);
      });
    }
  }
  const type = v.str(c.TypeCondition, `${path}.TypeCondition`, { enum: CONTACT_FLOW_TYPES });
  if (type) parts.push((f) => f.type === type);
  const state = v.str(c.StateCondition, `${path}.StateCondition`, { enum: ['ACTIVE', 'ARCHIVED'] });
  if (state) parts.push((f) => f.state === state);
  const status = v.str(c.StatusCondition, `${path}.StatusCondition`, { enum: ['PUBLISHED', 'SAVED'] });
  if (status) parts.push((f) => f.status === status);
  return (f) => parts.every((p) => p(f));
}

function searchFilter(v: Validator, raw: unknown): Criteria {
  const sf = v.obj(raw, 'SearchFilter');
  if (!sf) return () => true;
  const parts: Criteria[] = [];
  // Sandbox flows carry no tags, so any tag condition matches nothing.
  const tf = v.obj(sf.TagFilter, 'SearchFilter.TagFilter');
  if (tf && (tf.TagCondition !== undefined || (Array.isArray(tf.AndConditions) && tf.AndConditions.length) || (Array.isArray(tf.OrConditions) && tf.OrConditions.length))) {
    parts.push(() => false);
  }
  const fa = v.obj(sf.FlowAttributeFilter, 'SearchFilter.FlowAttributeFilter');
  if (fa) {
    const andCond = (raw2: unknown, path: string): Criteria => {
      const a = v.obj(raw2, path);
      if (!a) return () => true;
      const tc = v.obj(a.ContactFlowTypeCondition, `${path}.ContactFlowTypeCondition`);
      const t = tc ? v.str(tc.ContactFlowType, `${path}.ContactFlowTypeCondition.ContactFlowType`, { enum: CONTACT_FLOW_TYPES }) : undefined;
      const tags = Array.isArray(a.TagConditions) && a.TagConditions.length > 0;
      return (f) => (!t || f.type === t) && !tags;
    };
    if (fa.AndCondition !== undefined) parts.push(andCond(fa.AndCondition, 'SearchFilter.FlowAttributeFilter.AndCondition'));
    const ors = v.list(fa.OrConditions, 'SearchFilter.FlowAttributeFilter.OrConditions');
    if (ors) {
      const subs = ors.map((o, i) => andCond(o, `SearchFilter.FlowAttributeFilter.OrConditions.${i + 1}.member`));
      parts.push((f) => subs.some((s) => s(f)));
    }
    const tc = v.obj(fa.ContactFlowTypeCondition, 'SearchFilter.FlowAttributeFilter.ContactFlowTypeCondition');
    const t = tc ? v.str(tc.ContactFlowType, 'SearchFilter.FlowAttributeFilter.ContactFlowTypeCondition.ContactFlowType', { enum: CONTACT_FLOW_TYPES }) : undefined;
    if (t) parts.push((f) => f.type === t);
    if (fa.TagCondition !== undefined) parts.push(() => false);
  }
  return (f) => parts.every((p) => p(f));
}

export function searchContactFlows(core: SandboxCore, input: OperationInput): JsonObject {
  const b = input.body;
  const v = new Validator(invalidParameter);
  const instanceId = v.str(b.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const token = v.str(b.NextToken, 'NextToken', { min: 1, max: 2500 });
  const max = v.int(b.MaxResults, 'MaxResults', { min: 1, max: 100 }) ?? 100;
  const filter = searchFilter(v, b.SearchFilter);
  const crit = criteria(v, b.SearchCriteria, 'SearchCriteria', 0);
  v.check();
  const instance = findInstance(core, instanceId!);
  const matches = instance.flows.filter((f) => filter(f) && crit(f));
  const key = `${instance.id}|${JSON.stringify(b.SearchFilter ?? null)}|${JSON.stringify(b.SearchCriteria ?? null)}`;
  const offset = token ? decodeToken(token, 'SearchContactFlows', key, 'NextToken', invalidParameter) : 0;
  const p = page(matches, offset, max, (o) => encodeToken('SearchContactFlows', key, o));
  return { ContactFlows: p.items.map((f) => fullFlow(core, f)), ApproximateTotalCount: matches.length, ...(p.next ? { NextToken: p.next } : {}) };
}

// ---------------------------------------------------------------- chats

const START = START_CHAT_LIMITS;
const CLIENT_TOKEN_TTL_MS = 7 * 24 * 3600_000;

/** Map keys outside the model's key length (limits.ts `a.{key}`). */
function mapKeys(v: Validator, map: JsonObject, path: string, keys: Limit): void {
  const { min = 0, max = Infinity } = keys.length ?? {};
  for (const k of Object.keys(map)) {
    const n = codePointLength(k);
    if (n < min || n > max) v.fail(path, `Map keys must have length between ${min} and ${max}`);
  }
}

function segmentValue(v: Validator, raw: unknown, path: string, systemKey: boolean, depth: number): void {
  const o = v.obj(raw, path, { required: true });
  if (!o) return;
  const members = SEGMENT_VALUE_MEMBERS.filter((m) => o[m] !== undefined);
  if (members.length !== SEGMENT_VALUE_MEMBERS_PER_VALUE) {
    v.fail(path, `Member must set exactly one of ${SEGMENT_VALUE_MEMBERS.join(', ')} (found ${members.length ? members.join(', ') : 'none'})`);
  }
  if (depth > SEGMENT_VALUE_MAX_DEPTH) {
    v.fail(path, `Member must not nest more than ${SEGMENT_VALUE_MAX_DEPTH} levels`);
    return;
  }
  v.str(o.ValueString, `${path}.ValueString`, limit(SEGMENT_VALUE_LIMITS.ValueString));
  v.int(o.ValueInteger, `${path}.ValueInteger`, limit(SEGMENT_VALUE_LIMITS.ValueInteger));
  for (const m of SYSTEM_ONLY_SEGMENT_MEMBERS) {
    if (o[m] !== undefined && !systemKey) v.fail(`${path}.${m}`, `${m} is only supported for system-defined (${SYSTEM_KEY_PREFIX}) attributes`);
  }
  if (o.ValueArn !== undefined) {
    const arn = v.str(o.ValueArn, `${path}.ValueArn`, limit(SEGMENT_VALUE_LIMITS.ValueArn));
    if (arn !== undefined && !ARN_PATTERN.test(arn)) v.fail(`${path}.ValueArn`, 'Member must be a valid ARN (arn:partition:service:region:account-id:resource)');
  }
  const map = v.obj(o.ValueMap, `${path}.ValueMap`);
  if (map) {
    mapKeys(v, map, `${path}.ValueMap`, SEGMENT_VALUE_LIMITS['ValueMap.{key}']);
    for (const [k, val] of Object.entries(map)) segmentValue(v, val, `${path}.ValueMap.${k}`, systemKey, depth + 1);
  }
  const list = v.list(o.ValueList, `${path}.ValueList`);
  if (list) list.forEach((item, i) => segmentValue(v, item, `${path}.ValueList.${i + 1}.member`, systemKey, depth + 1));
}

interface StartRequest {
  instanceId: string;
  flowId: string;
  attributes: Record<string, string>;
  displayName: string;
  initialMessage?: { ContentType: string; Content: string };
  clientToken?: string;
  duration: number;
  supported: string[];
  persistent?: { RehydrationType: string; SourceContactId: string };
  relatedContactId?: string;
  segmentAttributes: Record<string, unknown>;
  customerId?: string;
  disconnectAgent: boolean;
}

function validateStart(b: JsonObject): StartRequest {
  const v = new Validator(invalidParameter);
  const instanceId = v.str(b.InstanceId, 'InstanceId', limit(START.InstanceId));
  const flowId = v.str(b.ContactFlowId, 'ContactFlowId', limit(START.ContactFlowId));
  const attrs = v.obj(b.Attributes, 'Attributes');
  // No prototype, so a key such as `__proto__` is an ordinary entry (the service keeps any key that
  // matches the pattern) rather than a prototype assignment that silently drops it.
  const attributes = Object.create(null) as Record<string, string>;
  if (attrs) {
    mapKeys(v, attrs, 'Attributes', START['Attributes.{key}']);
    for (const [k, val] of Object.entries(attrs)) {
      const s = v.str(val, `Attributes.${k}`, limit(START['Attributes.*']));
      if (s !== undefined) attributes[k] = s;
    }
  }
  const pd = v.obj(b.ParticipantDetails, 'ParticipantDetails', limit(START.ParticipantDetails));
  const displayName = pd ? v.str(pd.DisplayName, 'ParticipantDetails.DisplayName', limit(START['ParticipantDetails.DisplayName'])) : undefined;
  const pc = v.obj(b.ParticipantConfiguration, 'ParticipantConfiguration');
  if (pc) v.str(pc.ResponseMode, 'ParticipantConfiguration.ResponseMode', limit(START['ParticipantConfiguration.ResponseMode']));
  const im = v.obj(b.InitialMessage, 'InitialMessage');
  const imType = im ? v.str(im.ContentType, 'InitialMessage.ContentType', limit(START['InitialMessage.ContentType'])) : undefined;
  const imContent = im ? v.str(im.Content, 'InitialMessage.Content', limit(START['InitialMessage.Content'])) : undefined;
  const clientToken = v.str(b.ClientToken, 'ClientToken', limit(START.ClientToken));
  const duration = v.int(b.ChatDurationInMinutes, 'ChatDurationInMinutes', limit(START.ChatDurationInMinutes));
  const smct = v.list(b.SupportedMessagingContentTypes, 'SupportedMessagingContentTypes');
  const supported = (smct ?? []).map((t, i) => v.str(t, `SupportedMessagingContentTypes.${i + 1}.member`, { ...limit(START['SupportedMessagingContentTypes[]']), required: true }) ?? '');
  const pchat = v.obj(b.PersistentChat, 'PersistentChat');
  const rehydration = pchat ? v.str(pchat.RehydrationType, 'PersistentChat.RehydrationType', limit(START['PersistentChat.RehydrationType'])) : undefined;
  const source = pchat ? v.str(pchat.SourceContactId, 'PersistentChat.SourceContactId', limit(START['PersistentChat.SourceContactId'])) : undefined;
  const relatedContactId = v.str(b.RelatedContactId, 'RelatedContactId', limit(START.RelatedContactId));
  const seg = v.obj(b.SegmentAttributes, 'SegmentAttributes');
  if (seg) {
    mapKeys(v, seg, 'SegmentAttributes', START['SegmentAttributes.{key}']);
    for (const [k, val] of Object.entries(seg)) segmentValue(v, val, `SegmentAttributes.${k}`, k.startsWith(SYSTEM_KEY_PREFIX), 0);
  }
  const customerId = v.str(b.CustomerId, 'CustomerId', limit(START.CustomerId));
  const doce = v.list(b.DisconnectOnCustomerExit, 'DisconnectOnCustomerExit', limit(START.DisconnectOnCustomerExit));
  const disconnectAgent = (doce ?? []).map((x, i) => v.str(x, `DisconnectOnCustomerExit.${i + 1}.member`, limit(START['DisconnectOnCustomerExit[]']))).includes('AGENT');
  v.check();

  // Rules the service enforces beyond the model's traits.
  const r = new Validator(invalidRequest);
  for (const k of Object.keys(attributes)) {
    if (!ATTRIBUTE_KEY_PATTERN.test(k)) r.fail(`Attributes.${k}`, 'Attribute keys can include only alphanumeric, dash (-) and underscore (_) characters');
  }
  const bytes = Object.entries(attributes).reduce((n, [k, val]) => n + Buffer.byteLength(k) + Buffer.byteLength(val), 0);
  if (bytes > ATTRIBUTES_MAX_BYTES) {
    r.fail('Attributes', `The attributes total ${bytes} UTF-8 bytes across keys and values; the limit is ${ATTRIBUTES_MAX_BYTES} bytes per contact`);
  }
  for (const k of Object.keys(seg ?? {})) {
    if (!SEGMENT_KEY_PATTERN.test(k)) r.fail(`SegmentAttributes.${k}`, 'Segment attribute keys can include only alphanumeric, dash (-) and underscore (_) characters (system keys start with connect:)');
  }
  const types = smct ? supported : [...DEFAULT_SUPPORTED_CONTENT_TYPES];
  for (const [i, t] of supported.entries()) {
    if (t && !(MESSAGING_CONTENT_TYPES as readonly string[]).includes(t)) {
      r.fail(`SupportedMessagingContentTypes.${i + 1}.member`, `Content type '${t}' is not supported; use ${MESSAGING_CONTENT_TYPES.join(', ')}`);
    }
  }
  if (smct && !supported.includes(TEXT_PLAIN)) r.fail('SupportedMessagingContentTypes', `The list must include '${TEXT_PLAIN}'`);
  const subtype = (seg?.[GUIDE_SUBTYPE.key] as JsonObject | undefined)?.ValueString;
  if (subtype === GUIDE_SUBTYPE.value && !GUIDE_SUBTYPE.needs.every((t) => types.includes(t))) {
    r.fail('SupportedMessagingContentTypes', `${GUIDE_SUBTYPE.key} '${GUIDE_SUBTYPE.value}' needs both the interactive and interactive.response content types`);
  }
  if (imType !== undefined && imContent !== undefined) {
    const max = MESSAGE_CONTENT_LENGTHS[imType];
    if (max === undefined) {
      r.fail('InitialMessage.ContentType', `Content type '${imType.slice(0, 100)}' is not supported for messages; use ${MESSAGE_CONTENT_TYPES.join(', ')}`);
    } else if (codePointLength(imContent) > max) {
      r.fail('InitialMessage.Content', `Member must have length less than or equal to ${max} for ${imType}`);
    } else if (!types.includes(imType)) {
      r.fail('InitialMessage.ContentType', `'${imType}' must also be listed in SupportedMessagingContentTypes`);
    }
  }
  if (pchat && relatedContactId !== undefined) r.fail('PersistentChat', 'You cannot provide data for both RelatedContactId and PersistentChat');
  if (pchat && rehydration === undefined) r.fail('PersistentChat.RehydrationType', 'RehydrationType is required for persistent chat');
  if (pchat && source === undefined) r.fail('PersistentChat.SourceContactId', 'SourceContactId is required for persistent chat');
  r.check();
  return {
    instanceId: instanceId!,
    flowId: flowId!,
    attributes,
    displayName: displayName!,
    ...(imType !== undefined && imContent !== undefined ? { initialMessage: { ContentType: imType, Content: imContent } } : {}),
    ...(clientToken !== undefined ? { clientToken } : {}),
    duration: duration ?? DEFAULT_CHAT_MINUTES,
    supported: types,
    ...(pchat ? { persistent: { RehydrationType: rehydration!, SourceContactId: source! } } : {}),
    ...(relatedContactId !== undefined ? { relatedContactId } : {}),
    segmentAttributes: seg ?? {},
    ...(customerId !== undefined ? { customerId } : {}),
    disconnectAgent,
  };
}

function contactIn(core: SandboxCore, instance: InstanceRecord, id: string): Contact | undefined {
  const c = core.store.contacts.get(id);
  return c && c.instance === instance ? c : undefined;
}

/** ENTIRE_PAST_SESSION: the most recently ended contact of the session that `start` began. */
function latestInSession(core: SandboxCore, start: Contact): Contact {
  let latest = start;
  const queue = [start.contactId];
  const session = new Set(queue);
  for (const c of core.store.contacts.values()) {
    // Contacts are kept in creation order, so one pass finds every continuation.
    if (c.previousContactId && session.has(c.previousContactId)) {
      session.add(c.contactId);
      if (c.status === 'ENDED' && (latest.status !== 'ENDED' || (c.endedAt ?? 0) >= (latest.endedAt ?? 0))) latest = c;
    }
  }
  return latest;
}

/** The access key ID and region a SigV4 Authorization header names in its credential scope. */
function signingScope(auth: string | string[] | undefined): { accessKeyId: string; region: string } | undefined {
  const m = typeof auth === 'string' ? /^AWS4-HMAC-SHA256 +Credential=([^/\s,]+)\/\d{8}\/([a-z0-9-]+)\//.exec(auth.trim()) : null;
  return m ? { accessKeyId: m[1], region: m[2] } : undefined;
}

export function startChatContact(core: SandboxCore, input: OperationInput): JsonObject {
  const req = validateStart(input.body);
  const instance = findInstance(core, req.instanceId);
  const now = core.clock.now().getTime();
  const tokenKey = req.clientToken ? `${instance.id}\n${req.clientToken}` : undefined;
  if (tokenKey) {
    const earlier = core.startTokens.get(tokenKey);
    if (earlier && earlier.expires > now) return earlier.response;
  }
  const flow = findFlow(instance, req.flowId, 'ContactFlowId');
  if (flow.type !== 'CONTACT_FLOW') {
    throw invalidRequest(`ContactFlowId: '${flow.name}' is a ${flow.type} flow; StartChatContact needs an inbound flow of type CONTACT_FLOW.`);
  }
  if (flow.status !== 'PUBLISHED') {
    throw invalidRequest(`ContactFlowId: the flow '${flow.name}' has not been published; publish it before starting chats with it.`);
  }
  let previous: Contact | undefined;
  if (req.persistent) {
    const src = contactIn(core, instance, req.persistent.SourceContactId);
    if (!src) throw resourceNotFound(`PersistentChat.SourceContactId: no contact '${req.persistent.SourceContactId}' in instance ${instance.id}.`);
    previous = req.persistent.RehydrationType === 'ENTIRE_PAST_SESSION' ? latestInSession(core, src) : src;
    if (previous.status !== 'ENDED') {
      throw invalidRequest(`PersistentChat.SourceContactId: contact '${previous.contactId}' has not ended yet; a persistent chat can only continue a chat that has ended.`);
    }
    // The admin guide: a past contact can be rehydrated into one new chat only. The error type is
    // the one the model lists for a refused request; the message wording is [UNVERIFIED].
    const resumed = previous.contactId;
    for (const c of core.store.contacts.values()) {
      if (c.previousContactId === resumed) {
        throw invalidRequest(`PersistentChat.SourceContactId: contact '${resumed}' has already been continued by contact '${c.contactId}'; a past chat can be continued only once. Continue from the newest contact of the chain instead.`);
      }
    }
  }
  let attributes = req.attributes;
  if (req.relatedContactId !== undefined) {
    const related = contactIn(core, instance, req.relatedContactId);
    if (!related) throw resourceNotFound(`RelatedContactId: no contact '${req.relatedContactId}' in instance ${instance.id}.`);
    attributes = { ...related.attributes, ...attributes };
  }
  const limit = core.faults.maxActiveChats;
  if (limit !== undefined && core.store.activeCount(instance.id) >= limit) {
    throw new ServiceError(429, 'LimitExceededException', `The number of active chats in instance ${instance.id} has reached its quota of ${limit}. End a chat or wait, then try again.`);
  }
  const contact = core.store.create({
    instance,
    flow,
    displayName: req.displayName,
    attributes,
    segmentAttributes: req.segmentAttributes,
    ...(req.customerId !== undefined ? { customerId: req.customerId } : {}),
    supportedContentTypes: req.supported,
    durationMinutes: req.duration,
    ...(previous ? { previousContactId: previous.contactId } : {}),
    ...(req.relatedContactId !== undefined ? { relatedContactId: req.relatedContactId } : {}),
    ...(req.initialMessage ? { initialMessage: req.initialMessage } : {}),
  });
  if (req.disconnectAgent) contact.disconnectAgentOnCustomerExit = true;
  const signed = signingScope(input.headers.authorization);
  if (signed) contact.startedWith = signed;
  const customer = contact.customer;
  core.store.post(contact, {
    Type: 'EVENT',
    ContentType: EVENT.joined,
    ParticipantId: customer.participantId,
    DisplayName: customer.displayName,
    ParticipantRole: 'CUSTOMER',
  });
  if (req.initialMessage) {
    core.store.post(contact, {
      Type: 'MESSAGE',
      ContentType: req.initialMessage.ContentType,
      Content: req.initialMessage.Content,
      ParticipantId: customer.participantId,
      DisplayName: customer.displayName,
      ParticipantRole: 'CUSTOMER',
    });
  }
  const response: JsonObject = {
    ContactId: contact.contactId,
    ParticipantId: customer.participantId,
    ParticipantToken: customer.participantToken,
    ...(previous ? { ContinuedFromContactId: previous.contactId } : {}),
  };
  if (tokenKey) {
    if (core.startTokens.size >= 50_000) for (const [k, t] of core.startTokens) if (t.expires <= now) core.startTokens.delete(k);
    core.startTokens.set(tokenKey, { response, expires: now + CLIENT_TOKEN_TTL_MS });
  }
  // Connect runs the flow after the API call has returned, so the flow starts on the next turn of
  // the event loop: a flow that ends the chat at once does not race the StartChatContact answer.
  setImmediate(() => {
    if (contact.status !== 'ACTIVE') return;
    const runtime = core.runtime();
    core.store.safely(() => runtime.start(core.store.view(contact), core.store.control(contact)));
  });
  return response;
}

export function stopContact(core: SandboxCore, input: OperationInput): JsonObject {
  const b = input.body;
  const v = new Validator(invalidParameter);
  const contactId = v.str(b.ContactId, 'ContactId', { required: true, min: 1, max: 256 });
  const instanceId = v.str(b.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const reason = v.obj(b.DisconnectReason, 'DisconnectReason');
  if (reason) v.str(reason.Code, 'DisconnectReason.Code');
  v.check();
  const instance = findInstance(core, instanceId!);
  const contact = contactIn(core, instance, contactId!);
  if (!contact || contact.status === 'ENDED') {
    throw new ServiceError(
      410,
      'ContactNotFoundException',
      contact ? `Contact ${contactId} has already ended.` : `Contact not found: no contact '${contactId}' in instance ${instance.id}.`,
    );
  }
  core.store.end(contact, 'API', true);
  return {};
}


// ---------------------------------------------------------------- contacts

/**
 * Why a contact ended, as DescribeContact's DisconnectReason. The values come from the contact
 * record data model's list for chat and are [UNVERIFIED] against a live DescribeContact:
 * StopContact -> API, a flow's Disconnect block -> CONTACT_FLOW_DISCONNECT, the chat's duration
 * running out -> EXPIRED, the customer's DisconnectParticipant -> CUSTOMER_DISCONNECT, and a
 * sandbox failure (flow not found, runtime error) -> OTHER.
 */
const DISCONNECT_REASONS: Record<NonNullable<Contact['endReason']>, string> = {
  API: 'API',
  FLOW_DISCONNECT: 'CONTACT_FLOW_DISCONNECT',
  EXPIRED: 'EXPIRED',
  CUSTOMER_DISCONNECT: 'CUSTOMER_DISCONNECT',
  // The agent left the chat (sandbox agent): AGENT_DISCONNECT [UNVERIFIED].
  AGENT_DISCONNECT: 'AGENT_DISCONNECT',
  ERROR: 'OTHER',
};

function contactOf(core: SandboxCore, instance: InstanceRecord, contactId: string, member: string): Contact {
  const c = contactIn(core, instance, contactId);
  if (!c) throw resourceNotFound(`${member}: no contact '${contactId.slice(0, 256)}' in instance ${instance.id}.`);
  return c;
}

export function describeContact(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidParameter);
  const instanceId = v.str(input.labels.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const contactId = v.str(input.labels.ContactId, 'ContactId', { required: true, min: 1, max: 256 });
  v.check();
  const instance = findInstance(core, instanceId!);
  const c = contactOf(core, instance, contactId!, 'ContactId');
  const segment: JsonObject = structuredClone(c.segmentAttributes);
  // Connect tags a chat with this subtype; the exact value is [UNVERIFIED].
  segment['connect:Subtype'] ??= { ValueString: 'connect:Chat' };
  const contact: JsonObject = {
    Arn: `${instance.arn}/contact/${c.contactId}`,
    Id: c.contactId,
    InitialContactId: c.initialContactId,
    // A persistent chat names the contact it continues here [UNVERIFIED: Connect may use only RelatedContactId].
    ...(c.previousContactId ? { PreviousContactId: c.previousContactId } : {}),
    ...(c.relatedContactId ? { RelatedContactId: c.relatedContactId } : {}),
    Channel: 'CHAT',
    // StartChatContact contacts report API [UNVERIFIED].
    InitiationMethod: 'API',
    InitiationTimestamp: epoch(c.startedAt),
    // A chat is connected to the system as soon as it starts (the flow runs at once) [INFERRED].
    ConnectedToSystemTimestamp: epoch(c.startedAt),
    LastUpdateTimestamp: epoch(c.updatedAt),
    ...(c.endedAt ? { DisconnectTimestamp: epoch(c.endedAt) } : {}),
    ...(c.endReason ? { DisconnectReason: DISCONNECT_REASONS[c.endReason] } : {}),
    ...(c.queue ? { QueueInfo: { Id: c.queue.id, EnqueueTimestamp: epoch(c.queue.enqueuedAt) } } : {}),
    ...(c.agent ? { AgentInfo: { Id: c.agent.id, ConnectedToAgentTimestamp: epoch(c.agent.connectedAt) } } : {}),
    ...(c.customerId !== undefined ? { CustomerId: c.customerId } : {}),
    Attributes: { ...c.attributes },
    SegmentAttributes: segment,
  };
  return { Contact: contact };
}

export function getContactAttributes(core: SandboxCore, input: OperationInput): JsonObject {
  const v = new Validator(invalidRequest);
  const instanceId = v.str(input.labels.InstanceId, 'InstanceId', { required: true, min: 1, max: 100 });
  const initialId = v.str(input.labels.InitialContactId, 'InitialContactId', { required: true, min: 1, max: 256 });
  v.check();
  const instance = findInstance(core, instanceId!);
  const c = contactOf(core, instance, initialId!, 'InitialContactId');
  // The current attributes: what the request started with plus what the flow has set since.
  return { Attributes: { ...c.attributes } };
}
