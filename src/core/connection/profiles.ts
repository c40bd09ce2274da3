/**
 * The profiles a user has, read with the SDK's own shared-config loader (so AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE and the file syntax behave exactly as they will when credentials
 * are resolved), summarised for a picker. No secret leaves this module: static keys are reported
 * as present, never copied.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedIniData } from '@smithy/types';
import { loadAws } from '../aws/lazy';

export type ProfileCredentialKind =
  | 'sso'
  | 'assumeRole'
  | 'process'
  | 'static'
  | 'webIdentity'
  | 'login'
  | 'none';

export interface ProfileInfo {
  name: string;
  /** How the SDK will get credentials for it (the first matching rule, in the SDK's order). */
  credentials: ProfileCredentialKind;
  region?: string;
  sso?: { session?: string; startUrl?: string; region?: string; accountId?: string; roleName?: string };
  assumeRole?: { roleArn: string; sourceProfile?: string; credentialSource?: string; mfaSerial?: string };
  /** Static keys are present (in either file); their values are never read out. */
  hasStaticKeys: boolean;
  hasCredentialProcess: boolean;
  /** Which files define the profile. */
  definedIn: Array<'config' | 'credentials'>;
  /** Configuration mistakes worth showing next to the profile. */
  problems: string[];
}

export interface SsoSessionInfo {
  name: string;
  startUrl?: string;
  region?: string;
  registrationScopes?: string;
}

export interface SharedConfigSummary {
  profiles: ProfileInfo[];
  ssoSessions: SsoSessionInfo[];
  configFile: { path: string; exists: boolean };
  credentialsFile: { path: string; exists: boolean };
}

const SSO_SESSION_PREFIX = 'sso-session.';

function str(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

function describeOne(
  name: string,
  config: Record<string, string | undefined>,
  creds: Record<string, string | undefined>,
  sessions: Map<string, SsoSessionInfo>,
  allNames: Set<string>,
  definedIn: ProfileInfo['definedIn'],
): ProfileInfo {
  // The credentials file wins for keys present in both, as in the SDK's mergeConfigFiles.
  const merged = { ...config, ...creds };
  const problems: string[] = [];
  const hasStaticKeys = !!(str(merged.aws_access_key_id) && str(merged.aws_secret_access_key));
  if (!!str(merged.aws_access_key_id) !== !!str(merged.aws_secret_access_key)) {
    problems.push('has only one of aws_access_key_id / aws_secret_access_key; both are needed.');
  }
  const hasCredentialProcess = !!str(merged.credential_process);
  const info: ProfileInfo = {
    name,
    credentials: 'none',
    hasStaticKeys,
    hasCredentialProcess,
    definedIn,
    problems,
  };
  const region = str(merged.region);
  if (region) info.region = region;

  const roleArn = str(merged.role_arn);
  if (roleArn) {
    info.assumeRole = { roleArn };
    const source = str(merged.source_profile);
    const credentialSource = str(merged.credential_source);
    const mfa = str(merged.mfa_serial);
    if (source) info.assumeRole.sourceProfile = source;
    if (credentialSource) info.assumeRole.credentialSource = credentialSource;
    if (mfa) info.assumeRole.mfaSerial = mfa;
    if (source && !allNames.has(source)) problems.push(`source_profile "${source}" is not defined.`);
    if (!source && !credentialSource && !str(merged.web_identity_token_file)) {
      problems.push('role_arn needs source_profile or credential_source.');
    }
  }

  const sessionName = str(merged.sso_session);
  const startUrl = str(merged.sso_start_url);
  if (sessionName || startUrl || str(merged.sso_account_id) || str(merged.sso_role_name)) {
    const session = sessionName ? sessions.get(sessionName) : undefined;
    if (sessionName && !session) problems.push(`sso_session "${sessionName}" has no [sso-session ${sessionName}] section.`);
    const sso: NonNullable<ProfileInfo['sso']> = {};
    if (sessionName) sso.session = sessionName;
    const url = session?.startUrl ?? startUrl;
    if (url) sso.startUrl = url;
    const ssoRegion = session?.region ?? str(merged.sso_region);
    if (ssoRegion) sso.region = ssoRegion;
    const accountId = str(merged.sso_account_id);
    if (accountId) sso.accountId = accountId;
    const roleName = str(merged.sso_role_name);
    if (roleName) sso.roleName = roleName;
    info.sso = sso;
    const missing = ['sso_account_id', 'sso_role_name'].filter((k) => !str(merged[k]));
    if (!sessionName) missing.push(...['sso_start_url', 'sso_region'].filter((k) => !str(merged[k])));
    if (missing.length) problems.push(`SSO profile is missing ${missing.join(', ')}.`);
  }

  // The order in which the SDK's fromIni picks a method (resolveProfileData).
  if (info.assumeRole) info.credentials = 'assumeRole';
  else if (hasStaticKeys) info.credentials = 'static';
  else if (str(merged.web_identity_token_file)) info.credentials = 'webIdentity';
  else if (info.sso) info.credentials = 'sso';
  else if (hasCredentialProcess) info.credentials = 'process';
  else if (str(merged.login_session)) info.credentials = 'login';
  else problems.push('has no credentials (no keys, SSO, role, or credential_process).');
  return info;
}

/** Summarises parsed config and credentials files (pure; the loader's output goes in). */
export function describeSharedConfig(files: {
  configFile: ParsedIniData;
  credentialsFile: ParsedIniData;
}): { profiles: ProfileInfo[]; ssoSessions: SsoSessionInfo[] } {
  const sessions = new Map<string, SsoSessionInfo>();
  const configProfiles = new Map<string, Record<string, string | undefined>>();
  for (const [key, section] of Object.entries(files.configFile)) {
    if (key.startsWith(SSO_SESSION_PREFIX)) {
      const name = key.slice(SSO_SESSION_PREFIX.length);
      const s: SsoSessionInfo = { name };
      const url = str(section.sso_start_url);
      const region = str(section.sso_region);
      const scopes = str(section.sso_registration_scopes);
      if (url) s.startUrl = url;
      if (region) s.region = region;
      if (scopes) s.registrationScopes = scopes;
      sessions.set(name, s);
    } else if (!key.includes('.')) {
      // Other prefixed sections (services.*) are not profiles.
      configProfiles.set(key, section);
    }
  }
  const names = new Set([...configProfiles.keys(), ...Object.keys(files.credentialsFile)]);
  const profiles = [...names]
    .map((name) => {
      const definedIn: ProfileInfo['definedIn'] = [];
      if (configProfiles.has(name)) definedIn.push('config');
      if (name in files.credentialsFile) definedIn.push('credentials');
      return describeOne(name, configProfiles.get(name) ?? {}, files.credentialsFile[name] ?? {}, sessions, names, definedIn);
    })
    .sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
  return { profiles, ssoSessions: [...sessions.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

function homeDir(env: NodeJS.ProcessEnv): string {
  // Same precedence as the SDK's getHomeDir.
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}`;
  return homedir();
}

/** Where the SDK looks for the shared files under this environment. */
export function sharedConfigPaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const expand = (p: string): string => (p.startsWith('~/') ? join(homeDir(env), p.slice(2)) : p);
  return {
    config: expand(env.AWS_CONFIG_FILE || join(homeDir(env), '.aws', 'config')),
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), '.aws', 'credentials')),
  };
}

/**
 * Reads the shared config and credentials files afresh (no SDK file cache, so edits show up) and
 * summarises every profile and sso-session.
 */
export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<SharedConfigSummary> {
  const paths = sharedConfigPaths(env);
  const aws = await loadAws();
  const files = await aws.loadSharedConfigFiles({
    filepath: paths.credentials,
    configFilepath: paths.config,
    ignoreCache: true,
  });
  const { profiles, ssoSessions } = describeSharedConfig(files);
  return {
    profiles,
    ssoSessions,
    configFile: { path: paths.config, exists: existsSync(paths.config) },
    credentialsFile: { path: paths.credentials, exists: existsSync(paths.credentials) },
  };
}
