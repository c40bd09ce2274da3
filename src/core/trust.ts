/**
 * Chatreq's Workspace Trust policy, in one place (plain logic; src/extension/trust.ts applies it
 * in VS Code and every feature asks it).
 *
 * In Restricted Mode (an untrusted folder) Chatreq:
 * - reads request and test files and offers schema IntelliSense, checks and quick fixes;
 * - may read the account (Select Instance / Select Flow, the Instances view, live completion and
 *   hover, the form's Pick…, Show Flow Content) and start the sandbox those reads need, but only
 *   with user-level settings: the workspace values of the {@link RESTRICTED_SETTINGS} are not used;
 * - never launches or talks in a test chat, never answers as the agent and never runs conversation
 *   tests (each of these sends what the workspace's files say, to a contact on your account).
 * Ending a chat, refreshing it and reading the history still work. Granting trust applies the
 * workspace values at once (sessions reset, a running sandbox restarts) and turns the rest on.
 */

/**
 * The settings a repository could use against the person who opens it, with what each controls.
 * Their workspace (and folder) values apply only in a trusted workspace; package.json lists the
 * same keys in `capabilities.untrustedWorkspaces.restrictedConfigurations` (a unit test checks it).
 */
export const RESTRICTED_SETTINGS = {
  'chatreq.endpoint.connect': 'the endpoint your AWS credentials sign requests for',
  'chatreq.endpoint.participant': 'the endpoint chat participant tokens are sent to',
  'chatreq.sandbox.port': 'the port the sandbox listens on',
  'chatreq.sandbox.flowsFolder': 'the folder the sandbox reads flows (and agents.json) from',
  'chatreq.sandbox.pace': 'how the sandbox process paces its replies',
} as const;

export type RestrictedSetting = keyof typeof RESTRICTED_SETTINGS;

export function isRestrictedSetting(key: string): key is RestrictedSetting {
  return Object.prototype.hasOwnProperty.call(RESTRICTED_SETTINGS, key);
}

/** Everything Chatreq does that Workspace Trust decides. */
export type TrustAction = 'readAccount' | 'startSandbox' | 'launchChat' | 'talkInChat' | 'answerAsAgent' | 'runTests';

interface ActionPolicy {
  /** What the user tried, as a sentence subject ("Launching test chats"). */
  what: string;
  /** Whether Restricted Mode allows it (with user-level settings only). */
  restricted: boolean;
  /** Why Restricted Mode refuses it. */
  why?: string;
  /** What trusting turns on ("to launch"). */
  toDo?: string;
}

const POLICY: Record<TrustAction, ActionPolicy> = {
  readAccount: { what: 'Reading instances and flows', restricted: true },
  startSandbox: { what: 'Starting the Connect sandbox', restricted: true },
  launchChat: {
    what: 'Launching test chats',
    restricted: false,
    why: 'a launch sends what this workspace’s request file says to a contact flow on your account',
    toDo: 'to launch',
  },
  talkInChat: {
    what: 'Talking in test chats',
    restricted: false,
    why: 'replies and choices are sent to a live contact on your account',
    toDo: 'to talk',
  },
  answerAsAgent: {
    what: 'Answering as the agent',
    restricted: false,
    why: 'it sends messages into a live sandbox chat',
    toDo: 'to answer as the agent',
  },
  runTests: {
    what: 'Running conversation tests',
    restricted: false,
    why: 'each test starts a chat and sends what this workspace’s test file says',
    toDo: 'to run them',
  },
};

export const TRUST_ACTIONS = Object.keys(POLICY) as TrustAction[];

export interface TrustDecision {
  action: TrustAction;
  allowed: boolean;
  /** Set when refused: the sentence to show (what, why, and how to turn it on). */
  reason?: string;
  /** True when allowed in Restricted Mode: only user-level values of the restricted settings apply. */
  userSettingsOnly: boolean;
}

/** The sentence a refusal shows for `action` in Restricted Mode. */
export function refusalReason(action: TrustAction): string {
  const p = POLICY[action];
  return `${p.what} is turned off in Restricted Mode: ${p.why ?? 'it needs a trusted workspace'}. Trust this workspace (Manage Workspace Trust) ${p.toDo ?? 'to use it'}.`;
}

/** What the policy says about `action` in a workspace that is (or is not) trusted. */
export function decideTrust(action: TrustAction, trusted: boolean): TrustDecision {
  if (trusted) return { action, allowed: true, userSettingsOnly: false };
  if (POLICY[action].restricted) return { action, allowed: true, userSettingsOnly: true };
  return { action, allowed: false, reason: refusalReason(action), userSettingsOnly: true };
}

/** What `WorkspaceConfiguration.inspect()` reports (the parts the policy reads). */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface EffectiveSetting<T> {
  value: T | undefined;
  /** Where the value came from. */
  origin: 'workspace' | 'user' | 'default' | 'none';
  /** Set when a workspace value exists but is not used (Restricted Mode): a sentence for the log. */
  ignored?: string;
}

/**
 * The value a setting has under the policy: the workspace (folder first) value wins in a trusted
 * workspace, as VS Code resolves it; in Restricted Mode a restricted setting takes the user value
 * or the default, and the workspace value is reported as ignored.
 */
export function effectiveSetting<T>(key: string, inspected: InspectedSetting<T> | undefined, trusted: boolean): EffectiveSetting<T> {
  const i = inspected ?? {};
  const ws = i.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i.workspaceValue;
  const userOrDefault = (): EffectiveSetting<T> =>
    i.globalValue !== undefined ? { value: i.globalValue, origin: 'user' } : i.defaultValue !== undefined ? { value: i.defaultValue, origin: 'default' } : { value: undefined, origin: 'none' };
  if (ws === undefined) return userOrDefault();
  if (trusted || !isRestrictedSetting(key)) return { value: ws, origin: 'workspace' };
  return {
    ...userOrDefault(),
    ignored: `${key} (${JSON.stringify(ws)}) is set in workspace settings and not used in Restricted Mode: it sets ${RESTRICTED_SETTINGS[key]}. The user setting or default applies until you trust the workspace.`,
  };
}
