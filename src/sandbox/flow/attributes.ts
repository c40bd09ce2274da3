import type { ContactView } from '../contactRuntime';

/** What a flow can read through JSONPath at one moment of a contact. */
export interface AttributeScope {
  contact: ContactView;
  attributes: Record<string, string>;
  external: Record<string, unknown>;
  lex: Record<string, unknown>;
  flowAttributes: Record<string, string>;
  queue?: { id: string; arn: string; name: string };
}

// A JSONPath as Connect writes them: $.A.b, $.A['k'], $.A.['k'] (seen in AWS's own exports), $.A[0].
const segment = String.raw`(?:\.[A-Za-z_][A-Za-z0-9_-]*|\.?\[(?:'[^']*'|"[^"]*"|\d+)\])`;
const pathSource = String.raw`\$${segment}+`;
const singlePath = new RegExp(`^${pathSource}$`);
const pathsInText = new RegExp(pathSource, 'g');
const segmentRe = new RegExp(segment, 'g');

const rootKeys = new Set([
  'ContactId', 'InitialContactId', 'PreviousContactId', 'Channel', 'InstanceARN', 'InitiationMethod',
  'CustomerId', 'AwsRegion', 'LanguageCode', 'TextToSpeechVoiceId', 'Attributes', 'External', 'Lex',
  'SegmentAttributes', 'FlowAttributes', 'Queue', 'Media', 'Name', 'Description', 'References',
]);

/** True when the whole value is one JSONPath (the "dynamic" form of a parameter). */
export function isSinglePath(value: string): boolean {
  return singlePath.test(value.trim());
}

function splitPath(path: string): string[] {
  const keys: string[] = [];
  for (const m of path.trim().slice(1).matchAll(segmentRe)) {
    const s = m[0];
    if (s.startsWith('.') && !s.startsWith('.[')) keys.push(s.slice(1));
    else {
      const inner = s.slice(s.indexOf('[') + 1, -1);
      keys.push(inner.startsWith("'") || inner.startsWith('"') ? inner.slice(1, -1) : inner);
    }
  }
  return keys;
}

/** Segment attributes are SegmentAttributeValue unions; a flow sees the value inside. */
function unwrapSegmentValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if ('ValueString' in o) return o.ValueString;
  if ('ValueInteger' in o) return o.ValueInteger;
  if ('ValueArn' in o) return o.ValueArn;
  if ('ValueList' in o && Array.isArray(o.ValueList)) return o.ValueList.map(unwrapSegmentValue);
  if ('ValueMap' in o && typeof o.ValueMap === 'object' && o.ValueMap !== null) {
    return Object.fromEntries(Object.entries(o.ValueMap).map(([k, x]) => [k, unwrapSegmentValue(x)]));
  }
  return v;
}

function regionOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length > 3 && parts[3] ? parts[3] : undefined;
}

function rootValue(scope: AttributeScope, key: string): unknown {
  const c = scope.contact;
  switch (key) {
    case 'ContactId': return c.contactId;
    case 'InitialContactId': return c.initialContactId;
    case 'PreviousContactId': return c.previousContactId;
    case 'Channel': return c.channel;
    case 'InstanceARN': return c.instanceArn;
    case 'InitiationMethod': return 'API';
    case 'CustomerId': return c.customerId;
    case 'AwsRegion': return regionOf(c.instanceArn);
    case 'LanguageCode': return 'en-US';
    case 'Attributes': return scope.attributes;
    case 'External': return scope.external;
    case 'Lex': return scope.lex;
    case 'FlowAttributes': return scope.flowAttributes;
    case 'SegmentAttributes':
      return Object.fromEntries(Object.entries(c.segmentAttributes).map(([k, v]) => [k, unwrapSegmentValue(v)]));
    case 'Queue':
      return scope.queue ? { Name: scope.queue.name, ARN: scope.queue.arn, Id: scope.queue.id } : undefined;
    case 'Media':
      return c.initialMessage ? { InitialMessage: c.initialMessage.Content } : undefined;
    default: return undefined;
  }
}

/** Resolves one JSONPath; undefined when any part is missing (as Connect yields no value). */
export function resolvePath(path: string, scope: AttributeScope): unknown {
  const keys = splitPath(path);
  if (keys.length === 0) return undefined;
  let value = rootValue(scope, keys[0]);
  for (const key of keys.slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    // Own properties only: a path must never reach Object.prototype.
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The text form of a resolved value, as a flow sees it in messages and attributes. */
export function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A parameter that is static text or exactly one JSONPath. */
export function resolveParameter(value: string, scope: AttributeScope): string | undefined {
  return isSinglePath(value) ? asText(resolvePath(value, scope)) : value;
}

/**
 * Replaces every JSONPath inside a text (the way Connect fills `$.Attributes.x` into a message);
 * a missing value becomes empty. Dollar signs that do not start a known namespace stay as written.
 */
export function interpolate(text: string, scope: AttributeScope): string {
  return text.replace(pathsInText, (path) => {
    const first = splitPath(path)[0];
    if (!rootKeys.has(first)) return path;
    return asText(resolvePath(path, scope)) ?? '';
  });
}
