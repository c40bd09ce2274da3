/**
 * What Chatreq talks to: an AWS profile in a region, the environment's credentials in a region,
 * or the built-in sandbox. Plain data, so the extension can persist it per workspace.
 */
export interface ProfileConnection {
  kind: 'profile';
  profile: string;
  region: string;
}

export interface EnvConnection {
  kind: 'env';
  region: string;
}

/** The sandbox's endpoint is only known once it is running, so it is not part of the choice. */
export interface SandboxConnection {
  kind: 'sandbox';
}

export type Connection = ProfileConnection | EnvConnection | SandboxConnection;

/** The region the sandbox signs with and the fallback when nothing names a region. */
export const DEFAULT_REGION = 'us-east-1';

/** Regions where Amazon Connect is offered (botocore's endpoint data), for the region picker. */
export const CONNECT_REGIONS: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'us-east-1', name: 'US East (N. Virginia)' },
  { id: 'us-west-2', name: 'US West (Oregon)' },
  { id: 'af-south-1', name: 'Africa (Cape Town)' },
  { id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
  { id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
  { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
  { id: 'ca-central-1', name: 'Canada (Central)' },
  { id: 'eu-central-1', name: 'Europe (Frankfurt)' },
  { id: 'eu-west-2', name: 'Europe (London)' },
  { id: 'us-gov-west-1', name: 'AWS GovCloud (US-West)' },
];

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+){1,2}-\d{1,2}$/;

export function isConnectRegion(region: string): boolean {
  return CONNECT_REGIONS.some((r) => r.id === region);
}

/** A problem with a region name, or undefined when it is well formed. */
export function checkRegion(region: string): string | undefined {
  if (region.trim() === '') return 'The region is empty. Choose one, for example us-east-1.';
  if (!REGION_PATTERN.test(region)) {
    return `"${region}" is not an AWS region name. Region names look like us-east-1 or eu-west-2.`;
  }
  return undefined;
}

/** A stable identity for caches and persisted choices. */
export function connectionKey(c: Connection): string {
  switch (c.kind) {
    case 'profile':
      return `profile:${c.profile}@${c.region}`;
    case 'env':
      return `env@${c.region}`;
    case 'sandbox':
      return 'sandbox';
  }
}

export function sameConnection(a: Connection | undefined, b: Connection | undefined): boolean {
  return a !== undefined && b !== undefined && connectionKey(a) === connectionKey(b);
}

/** Short text for a status bar or a tree root. */
export function connectionLabel(c: Connection): string {
  switch (c.kind) {
    case 'profile':
      return `${c.profile} (${c.region})`;
    case 'env':
      return `Environment credentials (${c.region})`;
    case 'sandbox':
      return 'Sandbox (offline)';
  }
}

export function connectionRegion(c: Connection): string {
  return c.kind === 'sandbox' ? DEFAULT_REGION : c.region;
}

/** The same connection in another region; the sandbox has only one. */
export function withRegion(c: Connection, region: string): Connection {
  return c.kind === 'sandbox' ? c : { ...c, region };
}

/**
 * Reads a connection back from storage (workspace state, a settings value). Anything malformed
 * gives a message saying which member is wrong, never a half-valid connection.
 */
export function parseConnection(value: unknown): { connection: Connection } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'A connection must be an object with a "kind" of "profile", "env" or "sandbox".' };
  }
  const v = value as Record<string, unknown>;
  const region = (): string | { error: string } => {
    if (typeof v.region !== 'string') return { error: `A ${String(v.kind)} connection needs "region" (a string such as "us-east-1").` };
    const problem = checkRegion(v.region);
    return problem ? { error: problem } : v.region;
  };
  switch (v.kind) {
    case 'sandbox':
      return { connection: { kind: 'sandbox' } };
    case 'env': {
      const r = region();
      return typeof r === 'string' ? { connection: { kind: 'env', region: r } } : r;
    }
    case 'profile': {
      if (typeof v.profile !== 'string' || v.profile.trim() === '') {
        return { error: 'A profile connection needs "profile" (the name of a profile in your AWS config).' };
      }
      const r = region();
      return typeof r === 'string' ? { connection: { kind: 'profile', profile: v.profile, region: r } } : r;
    }
    default:
      return { error: `Unknown connection kind ${JSON.stringify(v.kind)}: expected "profile", "env" or "sandbox".` };
  }
}
