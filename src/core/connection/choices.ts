/**
 * The entries of the "Select Connection" and "Select Region" pickers, as plain data: the adapter
 * maps them to QuickPickItems. Keeping this here lets the wording and order be unit tested.
 */
import { CONNECT_REGIONS, DEFAULT_REGION, connectionKey, type Connection } from './model';
import type { ProfileInfo, SharedConfigSummary } from './profiles';

export interface ConnectionChoice {
  label: string;
  description: string;
  detail?: string;
  connection: Connection;
  /** The connection in use now. */
  current: boolean;
  /** Problems in the profile's configuration (shown as a warning; the choice stays selectable). */
  problems: string[];
}

type Env = Partial<Record<string, string>>;

function describeProfile(p: ProfileInfo): string {
  switch (p.credentials) {
    case 'sso': {
      const target = [p.sso?.accountId, p.sso?.roleName].filter(Boolean).join(' / ');
      return `SSO${p.sso?.session ? ` (${p.sso.session})` : ''}${target ? ` · ${target}` : ''}`;
    }
    case 'assumeRole': {
      const role = p.assumeRole?.roleArn.split('/').pop() ?? 'role';
      const via = p.assumeRole?.sourceProfile ? ` via ${p.assumeRole.sourceProfile}` : '';
      return `assume role ${role}${via}${p.assumeRole?.mfaSerial ? ' · MFA' : ''}`;
    }
    case 'process':
      return 'credential_process';
    case 'static':
      return 'access keys';
    case 'webIdentity':
      return 'web identity';
    case 'login':
      return 'console sign-in';
    case 'none':
      return 'no credentials';
  }
}

const ENV_KEYS_MISSING = 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in the environment VS Code was started with.';

/**
 * What makes a connection unusable before any call is made, or undefined: today, environment
 * credentials without the keys in the environment.
 */
export function connectionProblem(c: Connection, env: Env = process.env): string | undefined {
  if (c.kind === 'env' && !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) return ENV_KEYS_MISSING;
  return undefined;
}

export function connectionChoices(summary: SharedConfigSummary, options: { current?: Connection; env?: Env } = {}): ConnectionChoice[] {
  const env = options.env ?? process.env;
  const current = options.current;
  const currentKey = current ? connectionKey(current) : undefined;
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const regionFor = (profileRegion: string | undefined, kind: 'profile' | 'env', name?: string): string => {
    // Switching back to the connection in use keeps the region chosen for it.
    if (current && current.kind === kind && (kind === 'env' || (current.kind === 'profile' && current.profile === name))) {
      return current.region;
    }
    return envRegion || profileRegion || DEFAULT_REGION;
  };
  const choices: ConnectionChoice[] = summary.profiles.map((p) => {
    const connection: Connection = { kind: 'profile', profile: p.name, region: regionFor(p.region, 'profile', p.name) };
    return {
      label: p.name,
      description: `${describeProfile(p)} · ${connection.region}`,
      ...(p.problems.length ? { detail: `⚠ ${p.problems.join(' ')}` } : {}),
      connection,
      current: connectionKey(connection) === currentKey,
      problems: p.problems,
    };
  });
  const envConnection: Connection = { kind: 'env', region: regionFor(undefined, 'env') };
  const hasEnvKeys = connectionProblem(envConnection, env) === undefined;
  choices.push({
    label: 'Environment credentials',
    description: `AWS_ACCESS_KEY_ID${hasEnvKeys ? '' : ' (not set)'} · ${envConnection.region}`,
    detail: hasEnvKeys
      ? 'Keys from the environment VS Code was started with.'
      : ENV_KEYS_MISSING,
    connection: envConnection,
    current: connectionKey(envConnection) === currentKey,
    problems: hasEnvKeys ? [] : ['AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.'],
  });
  choices.push({
    label: 'Sandbox (offline)',
    description: 'the built-in local Amazon Connect',
    connection: { kind: 'sandbox' },
    current: currentKey === 'sandbox',
    problems: [],
  });
  return choices;
}

export interface RegionChoice {
  id: string;
  label: string;
  description: string;
  current: boolean;
}

/** Connect regions, the current one first; a current region Connect does not list is kept, flagged. */
export function regionChoices(current: string | undefined): RegionChoice[] {
  const list: RegionChoice[] = CONNECT_REGIONS.map((r) => ({ id: r.id, label: r.id, description: r.name, current: r.id === current }));
  if (current && !list.some((r) => r.current)) {
    list.unshift({ id: current, label: current, description: 'not an Amazon Connect region', current: true });
  }
  return list.sort((a, b) => Number(b.current) - Number(a.current));
}
