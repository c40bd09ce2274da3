/** What kind of ID a member expects, and how to find that ID inside a pasted ARN. */
export type IdKind = 'instance' | 'flow' | 'contact';

const ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]*:\d{12}:instance\/([^/\s]+)(?:\/(contact-flow|contact)\/([^/\s]+))?$/;

export interface ParsedConnectArn {
  instanceId: string;
  resource?: { type: 'contact-flow' | 'contact'; id: string };
}

export function parseConnectArn(value: string): ParsedConnectArn | undefined {
  const m = ARN.exec(value.trim());
  if (!m) return undefined;
  return { instanceId: m[1], resource: m[2] ? { type: m[2] as 'contact-flow' | 'contact', id: m[3] } : undefined };
}

/** Any ARN at all (so that even an ARN of the wrong resource type is reported). */
export function looksLikeArn(value: string): boolean {
  return /^arn:[^:\s]*:[^:\s]*:/.test(value.trim());
}

/** The ID a member of `kind` expects, taken from `arn`; undefined when the ARN holds no such ID. */
export function idFromArn(arn: string, kind: IdKind): string | undefined {
  const p = parseConnectArn(arn);
  if (!p) return undefined;
  if (kind === 'instance') return p.instanceId;
  if (kind === 'flow') return p.resource?.type === 'contact-flow' ? p.resource.id : undefined;
  return p.resource?.type === 'contact' ? p.resource.id : undefined;
}
