/**
 * Endpoint overrides for Connect and the Participant Service (VPC endpoints, tests), from an
 * explicit setting or the environment. A value from workspace settings is only honoured in a
 * trusted workspace: an untrusted repository must not be able to send a user's credentials to a
 * server of its choosing.
 */
export type EndpointOrigin = 'userSetting' | 'workspaceSetting' | 'env';

export interface EndpointSettingValue {
  value: string;
  /** Where the caller read it from; 'workspaceSetting' covers workspace and folder settings. */
  origin: Exclude<EndpointOrigin, 'env'>;
}

export interface EndpointInputs {
  connect?: EndpointSettingValue;
  participant?: EndpointSettingValue;
  trusted: boolean;
  env?: Partial<Record<string, string>>;
}

export interface ResolvedEndpoint {
  url: string;
  origin: EndpointOrigin;
  /** The setting or variable it came from, for messages. */
  from: string;
}

export interface ResolvedEndpoints {
  connect?: ResolvedEndpoint;
  participant?: ResolvedEndpoint;
  /** Values that were set but not used, and why (restricted mode). */
  ignored: string[];
  /** Values that are set but malformed (they are not used either). */
  problems: string[];
}

/** Checks an endpoint URL; returns the normalised URL or a message naming what is wrong. */
export function checkEndpointUrl(value: string, from: string): { url: string } | { error: string } {
  const text = value.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { error: `${from}: "${value}" is not a URL. Use a full URL such as https://vpce-0123.connect.us-east-1.vpce.amazonaws.com.` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { error: `${from}: "${value}" uses ${u.protocol.replace(':', '')}; only http and https endpoints work.` };
  }
  if (u.username || u.password) {
    return { error: `${from}: the URL must not contain a user name or password.` };
  }
  if (u.search || u.hash) return { error: `${from}: the URL must not have a query or fragment.` };
  return { url: text.replace(/\/+$/, '') };
}

const SERVICES = {
  connect: { env: 'AWS_ENDPOINT_URL_CONNECT', setting: 'connect' },
  participant: { env: 'AWS_ENDPOINT_URL_CONNECTPARTICIPANT', setting: 'participant' },
} as const;

export function resolveEndpoints(inputs: EndpointInputs, settingName = 'chatreq.endpoint'): ResolvedEndpoints {
  const env = inputs.env ?? process.env;
  const out: ResolvedEndpoints = { ignored: [], problems: [] };
  // The SDK's own switch for ignoring configured endpoint URLs applies to the environment only.
  const envAllowed = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() !== 'true';
  for (const service of ['connect', 'participant'] as const) {
    const setting = inputs[service];
    const from = `${settingName}.${SERVICES[service].setting}`;
    let chosen: ResolvedEndpoint | undefined;
    if (setting && setting.value.trim() !== '') {
      if (setting.origin === 'workspaceSetting' && !inputs.trusted) {
        out.ignored.push(`${from} (${setting.value}) is set in workspace settings and ignored because the workspace is not trusted.`);
      } else {
        const checked = checkEndpointUrl(setting.value, from);
        if ('error' in checked) out.problems.push(checked.error);
        else chosen = { url: checked.url, origin: setting.origin, from };
      }
    }
    if (!chosen && envAllowed) {
      for (const name of [SERVICES[service].env, 'AWS_ENDPOINT_URL']) {
        const v = env[name];
        if (!v) continue;
        const checked = checkEndpointUrl(v, name);
        if ('error' in checked) out.problems.push(checked.error);
        else chosen = { url: checked.url, origin: 'env', from: name };
        break;
      }
    }
    if (chosen) out[service] = chosen;
  }
  return out;
}
