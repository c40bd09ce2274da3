/** The connection a CLI command uses, chosen the way the extension chooses one. */
import { openSession, type AwsSession } from '../core/aws/session';
import { ChatCallError } from '../core/chat/launch';
import { checkEndpointUrl, checkRegion, connectionLabel, DEFAULT_REGION, listProfiles, resolveDefaultConnection, resolveEndpoints, type Connection } from '../core/connection';
import type { Logger } from '../core/log';
import type { SandboxHandle } from '../sandbox';
import { resolve } from 'node:path';
import { type CliIo, UsageError } from './command';
import { startCliSandbox } from './commands/sandbox';

/** What `--sandbox`, `--flows`, `--endpoint`, `--profile` and `--region` said. */
export interface TargetOptions {
  sandbox: boolean;
  flowsDir?: string;
  endpoint?: string;
  profile?: string;
  region?: string;
}

/** The `node:util` parseArgs options every command that reaches Connect takes. */
export const TARGET_ARG_OPTIONS = {
  sandbox: { type: 'boolean' },
  flows: { type: 'string' },
  endpoint: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
} as const;

/** Checks the target options together (exclusive ones, URL and region shape); UsageError names the problem. */
export function targetOptions(v: { sandbox?: boolean; flows?: string; endpoint?: string; profile?: string; region?: string }, io: CliIo): TargetOptions {
  if (v.flows !== undefined && !v.sandbox) throw new UsageError('--flows goes with --sandbox');
  if (v.sandbox && v.endpoint !== undefined) throw new UsageError('use --sandbox or --endpoint, not both');
  if (v.sandbox && v.profile !== undefined) throw new UsageError('--sandbox uses no AWS profile; leave out --profile');
  let endpoint = v.endpoint;
  if (endpoint !== undefined) {
    const checked = checkEndpointUrl(endpoint, '--endpoint');
    if ('error' in checked) throw new UsageError(checked.error);
    endpoint = checked.url;
  }
  if (v.region !== undefined) {
    const problem = checkRegion(v.region);
    if (problem) throw new UsageError(`--region: ${problem}`);
  }
  return {
    sandbox: v.sandbox ?? false,
    ...(v.flows !== undefined ? { flowsDir: resolve(io.cwd, v.flows) } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
  };
}

export interface Target {
  session: AwsSession;
  connection: Connection;
  label: string;
  sandbox?: SandboxHandle;
}

function hasEnvCredentials(env: Record<string, string | undefined>): boolean {
  return !!(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
}

/** The connection, the way the extension chooses one (profiles, environment, sandbox). */
export async function openTarget(o: TargetOptions, io: CliIo, logger: Logger): Promise<Target> {
  if (o.sandbox) {
    const sandbox = await startCliSandbox({ port: 0, ...(o.flowsDir ? { flowsDir: o.flowsDir } : {}) });
    const connection: Connection = { kind: 'sandbox' };
    const session = await openSession({ connection, sandboxEndpoint: sandbox.url, logger });
    return { session, connection, label: `the built-in sandbox (${sandbox.url})`, sandbox };
  }
  const envRegion = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION;
  if (o.endpoint && !o.profile && !io.env.AWS_PROFILE && !hasEnvCredentials(io.env)) {
    // Nothing configured: an endpoint is taken to be a running sandbox (dummy credentials).
    const connection: Connection = { kind: 'sandbox' };
    const session = await openSession({ connection, sandboxEndpoint: o.endpoint, logger });
    return { session, connection, label: `${o.endpoint} (no AWS credentials configured: dummy credentials)` };
  }
  let connection: Connection;
  if (o.profile) {
    const profiles = await listProfiles(io.env as NodeJS.ProcessEnv).catch(() => undefined);
    const region = o.region ?? envRegion ?? profiles?.profiles.find((p) => p.name === o.profile)?.region ?? DEFAULT_REGION;
    connection = { kind: 'profile', profile: o.profile, region };
  } else {
    const summary = await listProfiles(io.env as NodeJS.ProcessEnv).catch(() => undefined);
    const chosen = resolveDefaultConnection(io.env, summary?.profiles ?? []);
    if (chosen.connection.kind === 'sandbox') {
      throw new ChatCallError({
        message: `No AWS connection: ${chosen.reason}`,
        fix: 'Pass --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --sandbox or --endpoint URL.',
      });
    }
    connection = o.region ? { ...chosen.connection, region: o.region } : chosen.connection;
  }
  const fromEnv = resolveEndpoints({ trusted: true, env: io.env });
  const endpoints = o.endpoint
    ? { connect: o.endpoint, participant: o.endpoint, logs: o.endpoint }
    : {
        ...(fromEnv.connect ? { connect: fromEnv.connect.url } : {}),
        ...(fromEnv.participant ? { participant: fromEnv.participant.url } : {}),
        ...(io.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ? { logs: io.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS } : {}),
      };
  const session = await openSession({ connection, endpoints, logger });
  return { session, connection, label: `${connectionLabel(connection)}${endpoints.connect ? ` via ${endpoints.connect}` : ''}` };
}

