import * as vscode from 'vscode';
import { loadJsonEngine } from '../../core/json';
import { requestTargets, resolveEnvReferences } from '../../core/request';
import { formChangeEdits, formStateOf, targetNamesOf } from '../../core/request/form';
import {
  type FormChange,
  type FormState,
  type FormTarget,
  type FromWebview,
  parseFromWebview,
  type Suggestion,
  type SuggestionKind,
  type ToWebview,
} from '../../core/request/formProtocol';
import { Disposable } from '../disposable';
import { Commands, Editors } from '../ids';
import { toWorkspaceEdit } from '../authoring/convert';
import { pickFlow, pickInstance } from '../pickers';
import type { Services } from '../services';
import { allows, decide, isTrusted, onDidGrantTrust } from '../trust';
import { formHtml, formResourceRoots } from './html';

/** What an integration test sees of a message the host posted to a form. */
export interface PostedFormMessage {
  readonly uri: vscode.Uri;
  readonly message: ToWebview;
}

/** What the trust policy turns off in the form here and now (nothing when trusted). */
function formTrust(): Pick<FormState, 'restricted'> {
  if (isTrusted()) return {};
  const launch = decide('launchChat');
  const pick = decide('readAccount');
  const notice = `Restricted Mode: the form edits the file as usual${pick.allowed ? '; Pick… lists instances and flows with your user settings only (this workspace’s endpoint and sandbox settings are not used)' : ''}.${launch.allowed ? '' : ' Launch is off until you trust this workspace.'}`;
  return { restricted: { notice, ...(launch.reason ? { launch: launch.reason } : {}), ...(pick.reason ? { pick: pick.reason } : {}) } };
}

/**
 * The request form: a custom editor over the `*.chatreq.json` text document. The document stays
 * the single source of truth: the webview shows {@link formStateOf} of its text and sends
 * changes, which become one minimal WorkspaceEdit each (so Undo/Redo work like typing).
 */
export class RequestFormProvider extends Disposable implements vscode.CustomTextEditorProvider {
  private readonly sessions = new Map<string, Set<FormSession>>();
  private readonly posted = this.register(new vscode.EventEmitter<PostedFormMessage>());
  /** Fires for every message posted to a form webview (test hook; carries no secrets: request text only). */
  readonly onDidPostMessage = this.posted.event;

  constructor(private readonly services: Services) {
    super();
    this.register(onDidGrantTrust(() => this.forEachSession((s) => void s.pushState())));
    this.register(
      services.account.onDidChange(() =>
        this.forEachSession((s) => {
          s.resendSuggestions();
          s.sendNames();
        }),
      ),
    );
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const extensionUri = this.services.context.extensionUri;
    panel.webview.options = { enableScripts: true, localResourceRoots: formResourceRoots(extensionUri) };
    panel.webview.html = formHtml(panel.webview, extensionUri, `Request form: ${document.uri.path.split('/').pop() ?? ''}`);
    const session = new FormSession(document, panel, this.services, (m) => this.posted.fire({ uri: document.uri, message: m }));
    const key = document.uri.toString();
    const set = this.sessions.get(key) ?? new Set<FormSession>();
    set.add(session);
    this.sessions.set(key, set);
    panel.onDidDispose(() => {
      session.dispose();
      set.delete(session);
      if (set.size === 0) this.sessions.delete(key);
    });
  }

  /** Whether a form is open on `uri`. */
  hasForm(uri: vscode.Uri): boolean {
    return (this.sessions.get(uri.toString())?.size ?? 0) > 0;
  }

  /**
   * Handles `message` as if the form open on `uri` had sent it (test hook: the same path the
   * webview's messages take, validation included). Resolves when the message was handled.
   */
  async receive(uri: vscode.Uri, message: unknown): Promise<void> {
    const session = [...(this.sessions.get(uri.toString()) ?? [])][0];
    if (!session) throw new Error(`no request form is open on ${uri.toString()}`);
    await session.receive(message);
  }

  private forEachSession(f: (s: FormSession) => void): void {
    for (const set of this.sessions.values()) for (const s of set) f(s);
  }
}

class FormSession extends Disposable {
  private queue: Promise<void> = Promise.resolve();
  private readonly wanted = new Set<SuggestionKind>();
  private lastInstanceId: string | undefined;
  private pushTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /**
   * The last state computed from text that parsed. While the JSON is broken the form shows its
   * values: the webview cannot keep them itself, since it is reloaded whenever its tab is shown
   * again (and then it asks for its state anew).
   */
  private lastValid: FormState | undefined;
  /** The state last sent (the names are those of the IDs it shows). */
  private shown: FormState | undefined;
  /** The names last sent, as JSON (an account change that alters none sends nothing). */
  private sentNames: string | undefined;

  constructor(
    private readonly document: vscode.TextDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    private readonly onPost: (m: ToWebview) => void,
  ) {
    super();
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === document && e.contentChanges.length > 0) this.schedulePush();
      }),
    );
    this.register({
      dispose: () => {
        this.closed = true;
        clearTimeout(this.pushTimer);
      },
    });
  }

  /** Handles one message; messages run one after another so each edit sees the text the last one left. */
  receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.logger.warn('[form] ignored a malformed message from the request form webview');
      return Promise.resolve();
    }
    const run = this.queue.then(() => this.handle(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handle(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.pushState();
        return;
      case 'change':
        await this.applyChange(m.change);
        return;
      case 'pick':
        await this.pick(m.target);
        return;
      case 'suggest':
        this.wanted.add(m.kind);
        this.sendSuggestions(m.kind);
        return;
      case 'openAsText':
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', this.panel.viewColumn);
        return;
      case 'launch':
        // Not awaited: the launch asks questions and shows progress; the form's queue goes on.
        void vscode.commands.executeCommand(Commands.launchTestChat, this.document.uri);
        return;
    }
  }

  private post(m: ToWebview): void {
    this.onPost(m);
    void this.panel.webview.postMessage(m);
  }

  private error(message: string, target?: FormTarget): void {
    this.post({ type: 'error', message, ...(target ? { target } : {}) });
  }

  private schedulePush(): void {
    clearTimeout(this.pushTimer);
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      void this.pushState();
    }, 15);
  }

  /** Sends the form's state; the first one loads the JSON engine that checks the text. */
  async pushState(): Promise<void> {
    await loadJsonEngine();
    if (this.closed) return;
    const state = {
      ...formStateOf(this.document.getText(), {
        version: this.document.version,
        trusted: isTrusted(),
        validate: { env: process.env },
        ...(this.lastValid ? { lastValid: this.lastValid } : {}),
      }),
      ...formTrust(),
    };
    if (!state.readOnly) this.lastValid = state;
    this.shown = state;
    this.post({ type: 'state', state });
    this.sendNames(true);
    const instanceId = this.instanceId();
    if (instanceId !== this.lastInstanceId) {
      this.lastInstanceId = instanceId;
      if (this.wanted.has('flows')) this.sendSuggestions('flows');
    }
  }

  private async applyChange(change: FormChange): Promise<boolean> {
    const doc = this.document;
    const result = formChangeEdits(doc.getText(), change);
    if ('error' in result) {
      this.error(result.error, result.target);
      return false;
    }
    if (result.edits.length === 0) return true;
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(doc, result.edits));
    if (!ok) this.error('VS Code did not apply the change (is the file read-only?). Nothing was changed.');
    return ok;
  }

  /** The instance the request names, with `${env:…}` filled in from the environment when possible. */
  private instanceId(): string | undefined {
    const id = requestTargets(this.document.getText()).instanceId;
    if (!id?.includes('${env:')) return id;
    try {
      return resolveEnvReferences(id, process.env);
    } catch {
      return undefined;
    }
  }

  private async pick(target: 'instance' | 'flow'): Promise<void> {
    const trust = decide('readAccount');
    if (!trust.allowed) {
      this.error(trust.reason ?? '', target === 'instance' ? 'InstanceId' : 'ContactFlowId');
      return;
    }
    const targets = requestTargets(this.document.getText());
    if (target === 'instance') {
      const picked = await pickInstance(this.services, { currentId: targets.instanceId ?? '' });
      if (picked) await this.applyChange({ kind: 'setField', field: 'InstanceId', value: picked.id });
      return;
    }
    const instanceId = this.instanceId();
    if (!instanceId) {
      this.error('Pick a flow after the instance: fill in InstanceId (type it or use its Pick… button) first. An ${env:NAME} reference counts when the variable is set.', 'ContactFlowId');
      return;
    }
    const picked = await pickFlow(this.services, instanceId, targets.contactFlowId ? { currentId: targets.contactFlowId } : {});
    if (picked) await this.applyChange({ kind: 'setField', field: 'ContactFlowId', value: picked.id });
  }

  /**
   * The instance alias and flow name of the IDs the form shows, from the account data already
   * cached (nothing is loaded for them: they appear once suggestions, Pick… or the Instances view
   * have loaded the lists, and the account's change event sends them again).
   */
  sendNames(always = false): void {
    if (!this.shown || this.closed) return;
    const account = this.services.account;
    const names = allows('readAccount')
      ? targetNamesOf(this.shown, { instances: () => account.cachedInstances(), flows: (id) => account.cachedFlows(id) }, process.env)
      : {};
    const json = JSON.stringify(names);
    if (!always && json === this.sentNames) return;
    this.sentNames = json;
    this.post({ type: 'targetNames', names });
  }

  resendSuggestions(): void {
    for (const kind of this.wanted) this.sendSuggestions(kind);
  }

  /** Datalist suggestions from what the account cache already holds (a miss loads in the background). */
  private sendSuggestions(kind: SuggestionKind): void {
    if (!allows('readAccount')) return;
    let items: Suggestion[] | undefined;
    if (kind === 'instances') {
      items = this.services.account
        .peekInstances()
        ?.filter((i) => i.Id)
        .map((i) => ({ value: i.Id ?? '', label: i.InstanceAlias ?? '' }));
    } else {
      const instanceId = this.instanceId();
      const flows = instanceId ? this.services.account.peekAllFlows(instanceId) : [];
      items = flows?.filter((f) => f.Id).map((f) => ({ value: f.Id ?? '', label: `${f.Name ?? ''} (${f.ContactFlowType ?? 'flow'})` }));
    }
    if (items) this.post({ type: 'suggestions', kind, items });
  }
}

export function isRequestForm(tab: vscode.Tab | undefined): tab is vscode.Tab & { input: vscode.TabInputCustom } {
  return tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === Editors.requestForm;
}
