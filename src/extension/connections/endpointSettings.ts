/**
 * The endpoint override settings as resolveEndpoints wants them: where each value was set (user
 * or workspace) decides whether a restricted workspace may use it.
 */
import * as vscode from 'vscode';
import { resolveEndpoints, type EndpointSettingValue, type ResolvedEndpoints } from '../../core/connection';
import { Settings } from '../ids';
import { decide } from '../trust';

/** What `WorkspaceConfiguration.inspect()` reports for a string setting (the parts read here). */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function workspaceValue(i: InspectedSetting | undefined): string | undefined {
  return text(i?.workspaceFolderValue) ?? text(i?.workspaceValue);
}

/**
 * Resolves the overrides from inspected settings. A workspace value wins in a trusted workspace;
 * in a restricted one it is ignored (and reported in `ignored`) and the user's own value, if any,
 * applies instead. Environment variables (AWS_ENDPOINT_URL_CONNECT, …) fill in what is unset.
 */
export function resolveEndpointSettings(
  inspected: { connect?: InspectedSetting; participant?: InspectedSetting },
  trusted: boolean,
  env: Partial<Record<string, string>> = process.env,
): ResolvedEndpoints {
  const pick = (i: InspectedSetting | undefined, allowWorkspace: boolean): EndpointSettingValue | undefined => {
    const ws = workspaceValue(i);
    if (ws !== undefined && allowWorkspace) return { value: ws, origin: 'workspaceSetting' };
    const user = text(i?.globalValue);
    return user !== undefined ? { value: user, origin: 'userSetting' } : undefined;
  };
  const first = resolveEndpoints({
    trusted,
    env,
    ...optional('connect', pick(inspected.connect, true)),
    ...optional('participant', pick(inspected.participant, true)),
  });
  if (trusted || first.ignored.length === 0) return first;
  // Restricted: the workspace values were refused; resolve again from user settings and the environment.
  const second = resolveEndpoints({
    trusted,
    env,
    ...optional('connect', pick(inspected.connect, false)),
    ...optional('participant', pick(inspected.participant, false)),
  });
  return { ...second, ignored: [...first.ignored, ...second.ignored] };
}

function optional<K extends string>(key: K, v: EndpointSettingValue | undefined): Partial<Record<K, EndpointSettingValue>> {
  return v ? ({ [key]: v } as Record<K, EndpointSettingValue>) : {};
}

/**
 * The overrides in effect now, from this window's settings and (unless given) the trust policy:
 * in Restricted Mode account reads use user-level settings only.
 */
export function currentEndpointSettings(trusted: boolean = !decide('readAccount').userSettingsOnly): ResolvedEndpoints {
  const config = vscode.workspace.getConfiguration();
  return resolveEndpointSettings(
    {
      connect: config.inspect<string>(Settings.endpointConnect),
      participant: config.inspect<string>(Settings.endpointParticipant),
    },
    trusted,
  );
}

/** A problem with an MFA code as typed, or undefined when it is six digits. */
export function validateMfaCode(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Enter the 6-digit code your MFA device shows.';
  if (!/^\d+$/.test(v)) return 'The MFA code has digits only (no letters or spaces).';
  if (v.length !== 6) return `The MFA code has 6 digits; this has ${v.length}.`;
  return undefined;
}

let activeBox: vscode.InputBox | undefined;

/** The MFA input box while it is open (integration tests answer it as a user would). */
export function activeMfaInputBox(): vscode.InputBox | undefined {
  return activeBox;
}

/** Asks for an MFA code in an input box; rejects when the user cancels. */
export function askMfaCode(mfaSerial: string): Promise<string> {
  const device = mfaSerial.split('/').pop() ?? mfaSerial;
  const box = vscode.window.createInputBox();
  box.title = 'Chatreq: MFA code';
  box.prompt = `The role needs a code from MFA device "${device}" (${mfaSerial}).`;
  box.placeholder = '123456';
  box.ignoreFocusOut = true;
  activeBox = box;
  return new Promise<string>((resolve, reject) => {
    let done = false;
    box.onDidChangeValue((v) => {
      box.validationMessage = v === '' ? undefined : validateMfaCode(v);
    });
    box.onDidAccept(() => {
      const problem = validateMfaCode(box.value);
      if (problem) {
        box.validationMessage = problem;
        return;
      }
      done = true;
      if (activeBox === box) activeBox = undefined;
      resolve(box.value.trim());
      box.hide();
    });
    box.onDidHide(() => {
      if (activeBox === box) activeBox = undefined;
      box.dispose();
      // Worded so explainAwsError reports it as a missing MFA code (with Retry).
      if (!done) reject(new Error(`The role requires multi-factor authentication, but no MFA code was entered for ${mfaSerial}.`));
    });
    box.show();
  });
}
