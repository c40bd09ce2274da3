/**
 * Which connection to start with when the workspace has none stored, following the AWS CLI's
 * precedence: AWS_PROFILE, then environment keys, then the `default` profile; the sandbox when
 * the machine has no AWS configuration at all.
 */
import { DEFAULT_REGION, checkRegion, parseConnection, type Connection } from './model';
import type { ProfileInfo } from './profiles';

export interface DefaultConnection {
  connection: Connection;
  /** One sentence for the log and the status bar tooltip. */
  reason: string;
  /** True when there is no AWS configuration at all: the UI shows a first-run notice. */
  firstRun: boolean;
  /** Where the region came from. */
  regionSource: 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile' | 'default' | 'stored' | 'none';
  /** Something the user should fix (AWS_PROFILE names a missing profile, a malformed region). */
  warning?: string;
}

type Env = Partial<Record<string, string>>;

function envRegion(env: Env): { region: string; source: 'AWS_REGION' | 'AWS_DEFAULT_REGION' } | undefined {
  if (env.AWS_REGION) return { region: env.AWS_REGION, source: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { region: env.AWS_DEFAULT_REGION, source: 'AWS_DEFAULT_REGION' };
  return undefined;
}

function regionFor(env: Env, profile: ProfileInfo | undefined): { region: string; source: DefaultConnection['regionSource'] } {
  const fromEnv = envRegion(env);
  if (fromEnv) return fromEnv;
  if (profile?.region) return { region: profile.region, source: 'profile' };
  return { region: DEFAULT_REGION, source: 'default' };
}

function profileDefault(name: string, env: Env, profiles: readonly ProfileInfo[], why: string): DefaultConnection {
  const info = profiles.find((p) => p.name === name);
  const { region, source } = regionFor(env, info);
  const result: DefaultConnection = {
    connection: { kind: 'profile', profile: name, region },
    reason: `${why}; region ${region} from ${source === 'default' ? 'the default (no region configured)' : source}.`,
    firstRun: false,
    regionSource: source,
  };
  const warnings: string[] = [];
  if (!info) warnings.push(`AWS_PROFILE names "${name}", which is not in your AWS config or credentials file.`);
  const regionProblem = checkRegion(region);
  if (regionProblem) warnings.push(regionProblem);
  if (warnings.length) result.warning = warnings.join(' ');
  return result;
}

export function resolveDefaultConnection(env: Env, profiles: readonly ProfileInfo[]): DefaultConnection {
  const named = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE;
  if (named) return profileDefault(named, env, profiles, `AWS_PROFILE is "${named}"`);
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const { region, source } = regionFor(env, undefined);
    return {
      connection: { kind: 'env', region },
      reason: `AWS_ACCESS_KEY_ID is set in the environment; region ${region} from ${source === 'default' ? 'the default' : source}.`,
      firstRun: false,
      regionSource: source,
    };
  }
  if (profiles.some((p) => p.name === 'default')) {
    return profileDefault('default', env, profiles, 'Using the "default" profile');
  }
  if (profiles.length > 0) {
    return {
      connection: { kind: 'sandbox' },
      reason: `Your AWS config has profiles (${profiles.length}) but no "default" one; using the sandbox until you select a connection.`,
      firstRun: false,
      regionSource: 'none',
    };
  }
  return {
    connection: { kind: 'sandbox' },
    reason: 'No AWS configuration found (no profiles, no AWS_PROFILE, no environment keys); using the offline sandbox.',
    firstRun: true,
    regionSource: 'none',
  };
}

/**
 * The connection to use given what the workspace stored earlier: the stored one while it is still
 * valid (its profile still exists), otherwise the default with a note on why.
 */
export function restoreConnection(
  stored: unknown,
  env: Env,
  profiles: readonly ProfileInfo[],
): DefaultConnection {
  if (stored === undefined || stored === null) return resolveDefaultConnection(env, profiles);
  const parsed = parseConnection(stored);
  const fallback = (why: string): DefaultConnection => {
    const d = resolveDefaultConnection(env, profiles);
    return { ...d, warning: d.warning ? `${why} ${d.warning}` : why };
  };
  if ('error' in parsed) return fallback(`The saved connection was not usable (${parsed.error}).`);
  const c = parsed.connection;
  if (c.kind === 'profile' && !profiles.some((p) => p.name === c.profile)) {
    return fallback(`The saved profile "${c.profile}" is no longer in your AWS config.`);
  }
  return {
    connection: c,
    reason: 'The connection chosen for this workspace.',
    firstRun: false,
    regionSource: c.kind === 'sandbox' ? 'none' : 'stored',
  };
}
