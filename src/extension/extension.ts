/**
 * The activation shell. Chatreq activates on `onLanguage:json` (request files are JSON), so this
 * file is all that a workspace which merely opens JSON files pays for: the log channel, Show Log,
 * and stand-ins for every contributed command, view, the request form and the conversation
 * serializer. The features themselves (features.ts, bundled as dist/features.js) load the first
 * time one of those is used, a request or conversation-test file is open or opens, or the
 * workspace has one. Nothing here may import a feature module: scripts/build.mjs keeps
 * features.ts a separate file, and a unit test checks what this bundle contains.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { VERSION } from '../core/version';
import type * as FeaturesModule from './features';
import type { Features } from './features';
import type { RequestFormProvider } from './form/requestFormProvider';
import type { Services } from './services';
import type { TestChats } from './chats';
import { Commands, Editors, Panels, Views } from './ids';
import { createLogger } from './log';

/** What activate() returns to other extensions: the version, nothing that reaches an account. */
export interface ChatreqPublicApi {
  readonly version: string;
}

/**
 * What activate() returns when VS Code runs the extension for its tests (ExtensionMode.Test
 * only): handles the integration tests use to look inside. Never returned otherwise, because
 * through `services` any extension could reach credentials and tokens. Reading one of the
 * feature handles loads the features.
 */
export interface ChatreqApi extends ChatreqPublicApi {
  readonly testChats: TestChats;
  readonly services: Services;
  /** How long activate() took, in milliseconds (the benchmark reads it; the log says it). */
  readonly activationMs: number;
  /** The request form's custom editor provider (integration tests drive its message handler). */
  readonly requestForm: RequestFormProvider;
  /** Whether the features have been loaded (the activation tests read it). */
  readonly featuresLoaded: boolean;
}

const REQUEST_SUFFIX = '.chatreq.json';
const CHATTEST_SUFFIX = '.chattest.json';
const endsWith = (uri: vscode.Uri, suffix: string): boolean => uri.path.toLowerCase().endsWith(suffix);

/** Commands that exist only while VS Code runs the extension for its tests. */
const TEST_ONLY_COMMANDS = [Commands.connectionInternals, Commands.chatTestsInternals];

/** Loads features.ts once, replacing the shell's stand-ins by the real commands and views. */
class LazyFeatures {
  private features: Features | undefined;
  private standIns: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly channel: vscode.LogOutputChannel,
    private readonly logger: Logger,
  ) {}

  get loaded(): boolean {
    return this.features !== undefined;
  }

  load(why: string): Features {
    if (this.features) return this.features;
    const started = performance.now();
    // The real registrations take the same IDs: the stand-ins go first, in the same tick.
    for (const d of this.standIns.splice(0)) d.dispose();
    // A separate bundle (dist/features.js): required here, never imported at the top.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./features') as typeof FeaturesModule;
    this.features = mod.activateFeatures(this.context, this.channel, this.logger);
    this.logger.info(`[activation] features loaded in ${(performance.now() - started).toFixed(1)} ms: ${why}`);
    return this.features;
  }

  /** The workspace uses Chatreq: load the features and show the connection. */
  engage(why: string): void {
    this.load(why).engage(why);
  }

  /** A command that loads the features, then runs the real command of the same ID. */
  standInCommand(id: string): void {
    this.standIns.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => {
        this.load(`${id} ran`);
        return vscode.commands.executeCommand(id, ...args);
      }),
    );
  }

  /** An empty tree for a contributed view; once the view shows, the real tree replaces it. */
  standInView(id: string): void {
    const view = vscode.window.createTreeView<never>(id, {
      treeDataProvider: {
        getTreeItem: (e: never) => e,
        getChildren: () => {
          // Not from inside the call that the stand-in answers: after it.
          setImmediate(() => this.load(`the ${id} view is open`));
          return [];
        },
      },
    });
    this.standIns.push(view, view.onDidChangeVisibility((e) => e.visible && this.load(`the ${id} view is open`)));
  }

  /** Writes what the features hold and have not saved yet (nothing when they never loaded). */
  flush(): Promise<void> {
    return this.features?.flush() ?? Promise.resolve();
  }

  dispose(): void {
    for (const d of this.standIns.splice(0)) d.dispose();
  }
}

/** What deactivate() waits for: set by activate(). */
let beforeShutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): ChatreqApi | ChatreqPublicApi {
  const started = performance.now();
  const { channel, logger } = createLogger();
  const lazy = new LazyFeatures(context, channel, logger);
  beforeShutdown = () => lazy.flush();
  context.subscriptions.push(channel, lazy, vscode.commands.registerCommand(Commands.showLog, () => channel.show(true)));

  const manifest = context.extension.packageJSON as {
    contributes?: { commands?: Array<{ command: string }>; views?: Record<string, Array<{ id: string }>> };
  };
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const commandIds = [...(manifest.contributes?.commands ?? []).map((c) => c.command), ...(testMode ? TEST_ONLY_COMMANDS : [])];
  for (const id of new Set(commandIds)) if (id !== Commands.showLog) lazy.standInCommand(id);
  const viewIds = Object.values(manifest.contributes?.views ?? {}).flatMap((vs) => vs.map((v) => v.id));
  for (const id of viewIds.length ? viewIds : [Views.testChats, Views.explorer]) lazy.standInView(id);

  // These two stay registered for good: they hand each editor or panel to the features.
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(
      Editors.requestForm,
      {
        resolveCustomTextEditor: (document, panel) => lazy.load('a request form opened').requestForm.resolveCustomTextEditor(document, panel),
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
    vscode.window.registerWebviewPanelSerializer(Panels.conversation, {
      deserializeWebviewPanel: (panel, state: unknown) => lazy.load('a conversation panel was restored').testChats.conversations.deserializeWebviewPanel(panel, state),
    }),
  );

  // Request files and conversation tests: open now, opened later, or somewhere in the workspace.
  const onDocument = (doc: vscode.TextDocument, when: string): void => {
    if (endsWith(doc.uri, REQUEST_SUFFIX)) lazy.engage(`a request file ${when}`);
    else if (endsWith(doc.uri, CHATTEST_SUFFIX)) lazy.load(`a conversation test ${when}`);
  };
  for (const doc of vscode.workspace.textDocuments) onDocument(doc, 'is open');
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => onDocument(doc, 'was opened')));
  // The search for request files in the workspace (and its log line) waits until activate() has
  // returned: nothing needs it sooner, and the extension host goes on with its startup meanwhile.
  const idle = '[aws] No request files in this workspace: Chatreq stays idle until one is opened or a Chatreq view or command is used.';
  const scan = setTimeout(() => {
    if (!vscode.workspace.workspaceFolders?.length) {
      logger.info(idle);
      return;
    }
    const exclude = '**/node_modules/**';
    void Promise.all([
      vscode.workspace.findFiles(`**/*${REQUEST_SUFFIX}`, exclude, 1),
      vscode.workspace.findFiles(`**/*${CHATTEST_SUFFIX}`, exclude, 1),
    ]).then(
      ([requests, tests]) => {
        if (requests.length) lazy.engage('the workspace has request files');
        else if (tests.length) lazy.load('the workspace has conversation tests');
        // Said once the search is over, so a test can wait for it rather than for a guessed time.
        else logger.info(idle);
      },
      () => undefined,
    );
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(scan) });

  const activationMs = performance.now() - started;
  logger.info(`Chatreq ${VERSION} activated in ${activationMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  if (!testMode) return { version: VERSION };
  const api: ChatreqApi = {
    version: VERSION,
    activationMs,
    get featuresLoaded() {
      return lazy.loaded;
    },
    get testChats() {
      return lazy.load('the test API was read').testChats;
    },
    get services() {
      return lazy.load('the test API was read').services;
    },
    get requestForm() {
      return lazy.load('the test API was read').requestForm;
    },
  };
  return api;
}

/**
 * VS Code waits for the promise deactivate() returns before it disposes context.subscriptions and
 * ends the extension host (on a window reload too): the last changes to the Test Chats history are
 * written then, so a chat that ended just before a reload comes back ended, with all its messages.
 */
export function deactivate(): Promise<void> | undefined {
  const flush = beforeShutdown;
  beforeShutdown = undefined;
  return flush?.().catch(() => undefined);
}
