/**
 * Conversation tests in VS Code's Test Explorer: a TestController that finds `*.chattest.json` in
 * the workspace (and follows edits, saved or not), each test with its steps as children at their
 * ranges; a Run profile that runs them with the core runner (the one `chatreq test` uses) on the
 * current connection, concurrently up to `chatreq.tests.parallel`, streaming step results and
 * showing a failure at the failing step with expected/actual; cancel stops the waits. Each run's
 * chat is put into the Test Chats panel. Also "Save as Conversation Test" on a chat.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openSession, type AwsSession } from '../../core/aws/session';
import type { LiveChat } from '../../core/chat/liveChat';
import type { ChatRecord } from '../../core/chat/types';
import {
  checkFileRequest,
  isChatTestFileName,
  isInSkippedFolder,
  SKIPPED_FOLDERS,
  mapLimit,
  parseChatTestText,
  recordedTestFileName,
  recordedTestText,
  recordToTest,
  runChatTest,
  type ChatTest,
  type ChatTestResult,
  type StepResult,
  createPacer,
  DEFAULT_LAUNCH_RATE,
} from '../../core/chattest';
import { isRequestFileName, REQUEST_FILE_SUFFIX, type Diagnostic as CoreDiagnostic, type Range as CoreRange } from '../../core/request';
import { connectionChoices, connectionKey, connectionLabel, listProfiles, sharedConfigPaths, type Connection } from '../../core/connection';
import { toDiagnostic } from '../authoring/convert';
import type { TestChats } from '../chats';
import { Commands } from '../ids';
import type { Services } from '../services';
import { decide } from '../trust';

const CONTROLLER_ID = 'chatreq.chatTests';
const GLOB = '**/*.chattest.json';

/**
 * What the search leaves out: the folders `chatreq test` skips. (An exclude pattern replaces
 * files.exclude in findFiles; user globs are not merged in, as one with braces of its own would
 * not nest in this one.)
 */
const EXCLUDE = `{${[...SKIPPED_FOLDERS.map((f) => `**/${f}/**`), '**/.*/**'].join(',')}}`;

/** A test file the Test Explorer lists: not in a folder `chatreq test` skips (build output, dependencies, dot-folders). */
function discoverable(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  const rel = vscode.workspace.asRelativePath(uri, false);
  return rel === uri.fsPath || rel === uri.path || !isInSkippedFolder(rel);
}

/** What one item of a run ended as (integration tests read these; the UI shows the same). */
export interface RunEvent {
  id: string;
  status: 'started' | 'passed' | 'failed' | 'skipped' | 'errored';
  message?: string;
  expected?: string;
  actual?: string;
  uri?: string;
  line?: number;
  /** The failure message's context value (Open Conversation is offered on {@link RUN_CHAT_MESSAGE}). */
  contextValue?: string;
}

export interface ChatTestsHandle {
  readonly controller: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  /** Each item's state as the run reports it to VS Code (started, then its outcome), as it happens. */
  readonly onDidRecord: vscode.Event<RunEvent>;
  /** The "Run against …" profiles, one per connection Select Connection offers (sandbox first). */
  againstProfiles(): Array<{ profile: vscode.TestRunProfile; connection: Connection }>;
  /** Re-reads the AWS config and credentials files and brings the "Run against …" profiles up to date. */
  syncProfiles(): Promise<void>;
  /** Re-reads every test file of the workspace (and, once there are tests, the connections). */
  refresh(): Promise<void>;
  /** The file's item (after discovery), or undefined. */
  fileItem(uri: vscode.Uri): vscode.TestItem | undefined;
  /**
   * Runs `include` (every test when left out) as the Run profile does, or as a "Run against …"
   * profile does when one is given ('sandbox': the sandbox's); resolves once the run ends.
   */
  run(include?: readonly vscode.TestItem[], token?: vscode.CancellationToken, against?: 'current' | 'sandbox' | vscode.TestRunProfile): Promise<{ events: RunEvent[]; results: ChatTestResult[] }>;
  /** Save as Conversation Test, for a chat ID. */
  saveAsTest(chatId: string): Promise<vscode.Uri | undefined>;
}

function toRange(r: CoreRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A test's request file: relative to the test file, or absolute. */
function requestUriOf(testFile: vscode.Uri, request: string): vscode.Uri {
  return path.isAbsolute(request) ? vscode.Uri.file(request) : vscode.Uri.joinPath(testFile, '..', request);
}

interface TestData {
  kind: 'file' | 'test' | 'step';
  uri: vscode.Uri;
  test?: ChatTest;
  stepIndex?: number;
  /** The file's errors: as in `chatreq test`, a file with any runs none of its tests. */
  errors?: readonly CoreDiagnostic[];
}

function stepLabel(test: ChatTest, index: number): string {
  const s = test.steps.find((x) => x.index === index)?.step;
  if (!s) return `step ${index + 1}`;
  switch (s.kind) {
    case 'expect': {
      const e = s.expect;
      const what = e.equals ?? e.contains ?? (e.matches !== undefined ? `/${e.matches}/` : '');
      return `expect ${JSON.stringify(what)}${e.from ? ` from ${e.from}` : ''}`;
    }
    case 'say':
      return `say ${JSON.stringify(s.say)}`;
    case 'select':
      return `select ${JSON.stringify(s.select)}`;
    case 'expectAttributes':
      return `expectAttributes ${Object.keys(s.expectAttributes).join(', ')}`;
    case 'expectEnded':
      return s.expectEnded ? 'expectEnded' : 'expect still open';
    case 'expectTrace':
      return `expectTrace ${JSON.stringify(s.expectTrace)}`;
  }
}

export function registerChatTests(services: Services, testChats: TestChats): ChatTestsHandle {
  const { context, logger } = services;
  const controller = vscode.tests.createTestController(CONTROLLER_ID, 'Chat Conversation Tests');
  context.subscriptions.push(controller);
  const data = new WeakMap<vscode.TestItem, TestData>();
  /** Each test's latest run's chat (test item ID → chat ID), until the window reloads. */
  const runChats = new Map<string, string>();
  const recorded = new vscode.EventEmitter<RunEvent>();
  context.subscriptions.push(recorded);
  // The semantic checks (the step-naming messages of the core model) next to the JSON schema's.
  const diagnostics = vscode.languages.createDiagnosticCollection('chatreq-chattest');
  context.subscriptions.push(diagnostics);
  const publish = async (uri: vscode.Uri, parsed: ReturnType<typeof parseChatTestText>): Promise<void> => {
    const list = parsed.diagnostics.filter((d) => d.code !== 'chattest/json').map(toDiagnostic);
    // A request path that names no file is worth knowing before a run, and so is a request file
    // (with the override merged) that the run would refuse.
    // Each request file is read once, however many of the file's tests name it (this runs as the file is edited).
    const reads = new Map<string, Promise<string>>();
    for (const t of parsed.tests) {
      if (typeof t.request !== 'string') continue;
      const target = requestUriOf(uri, t.request);
      let read = reads.get(target.toString());
      if (!read) reads.set(target.toString(), (read = readText(target)));
      let requestText: string;
      try {
        requestText = await read;
      } catch {
        list.push(toDiagnostic({ code: 'chattest/request-not-found', severity: 'warning', message: `Test "${t.name}": the request file ${t.request} does not exist (paths are relative to this file).`, range: t.range }));
        continue;
      }
      for (const d of checkFileRequest(t, requestText)) list.push(toDiagnostic(d));
    }
    diagnostics.set(uri, list);
  };

  const readText = async (uri: vscode.Uri): Promise<string> => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  };

  /** (Re)builds a file's items from its text. */
  const updateFile = (uri: vscode.Uri, text: string): vscode.TestItem => {
    const id = uri.toString();
    let file = controller.items.get(id);
    if (!file) {
      file = controller.createTestItem(id, path.basename(uri.fsPath), uri);
      controller.items.add(file);
    }
    data.set(file, { kind: 'file', uri });
    const parsed = parseChatTestText(text);
    void publish(uri, parsed).catch((e: unknown) => logger.debug(`[tests] diagnostics for ${uri.toString()} failed: ${(e as Error).message}`));
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    file.error = errors.length > 0 ? new vscode.MarkdownString().appendText(`${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`) : undefined;
    const children: vscode.TestItem[] = [];
    for (const t of parsed.tests) {
      const testItem = controller.createTestItem(`${id}::${t.name}`, t.name, uri);
      testItem.range = toRange(t.range);
      // File order whatever the view sorts by ("10." would sort before "2." by label).
      testItem.sortText = String(t.index).padStart(5, '0');
      data.set(testItem, { kind: 'test', uri, test: t, errors });
      const steps = t.steps.map((s) => {
        const si = controller.createTestItem(`${id}::${t.name}::${s.index}`, `${s.index + 1}. ${stepLabel(t, s.index)}`, uri);
        si.range = toRange(s.range);
        si.sortText = String(s.index).padStart(5, '0');
        data.set(si, { kind: 'step', uri, test: t, stepIndex: s.index });
        return si;
      });
      testItem.children.replace(steps);
      children.push(testItem);
    }
    file.children.replace(children);
    return file;
  };

  const loadFile = async (uri: vscode.Uri): Promise<void> => {
    if (!discoverable(uri)) return;
    try {
      updateFile(uri, await readText(uri));
    } catch (e) {
      logger.debug(`[tests] cannot read ${uri.toString()}: ${(e as Error).message}`);
      controller.items.delete(uri.toString());
    }
  };

  const refresh = async (): Promise<void> => {
    const uris = (await vscode.workspace.findFiles(GLOB, EXCLUDE)).filter(discoverable);
    const keep = new Set(uris.map((u) => u.toString()));
    controller.items.forEach((item) => {
      if (!keep.has(item.id)) controller.items.delete(item.id);
    });
    await Promise.all(uris.map(loadFile));
  };
  /** Discovery, then the connections once the workspace has conversation tests. */
  const discoverAndSync = async (): Promise<void> => {
    await refresh();
    if (controller.items.size > 0) await syncProfiles();
  };
  controller.refreshHandler = () => discoverAndSync();
  controller.resolveHandler = async (item) => {
    if (!item) await discoverAndSync();
  };

  /** A request file changed: the test files whose tests name it are checked again. */
  const requestChanged = (changed: vscode.Uri): void => {
    const target = changed.toString();
    controller.items.forEach((file) => {
      const d = data.get(file);
      let names = false;
      file.children.forEach((t) => {
        const test = data.get(t)?.test;
        if (test && typeof test.request === 'string' && d && requestUriOf(d.uri, test.request).toString() === target) names = true;
      });
      if (d && names) void loadFile(d.uri);
    });
  };
  const requestWatcher = vscode.workspace.createFileSystemWatcher(`**/*${REQUEST_FILE_SUFFIX}`);
  context.subscriptions.push(
    requestWatcher,
    requestWatcher.onDidCreate(requestChanged),
    requestWatcher.onDidChange(requestChanged),
    requestWatcher.onDidDelete(requestChanged),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isRequestFileName(e.document.uri.path) && e.contentChanges.length > 0) requestChanged(e.document.uri);
    }),
  );

  const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate((u) => void loadFile(u).then(() => (engaged ? undefined : syncProfiles()))),
    watcher.onDidChange((u) => void loadFile(u)),
    watcher.onDidDelete((u) => {
      controller.items.delete(u.toString());
      diagnostics.delete(u);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isChatTestFileName(e.document.uri.path) && discoverable(e.document.uri)) updateFile(e.document.uri, e.document.getText());
    }),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (isChatTestFileName(d.uri.path) && discoverable(d.uri)) updateFile(d.uri, d.getText());
    }),
  );

  /** The tests a request means: files expand to their tests, steps run their test. */
  const collect = (include: readonly vscode.TestItem[] | undefined, exclude: readonly vscode.TestItem[] | undefined): vscode.TestItem[] => {
    const out = new Map<string, vscode.TestItem>();
    const excluded = new Set((exclude ?? []).map((i) => i.id));
    const add = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      const d = data.get(item);
      if (!d) return;
      if (d.kind === 'file') item.children.forEach(add);
      else if (d.kind === 'test') out.set(item.id, item);
      else if (item.parent && !excluded.has(item.parent.id)) out.set(item.parent.id, item.parent);
    };
    if (include) include.forEach(add);
    else controller.items.forEach(add);
    return [...out.values()];
  };

  /** Where a run goes: the current connection (Run), or the connection of a "Run against …" profile. */
  interface RunTarget {
    session: AwsSession;
    key: string;
    label: string;
    sandbox: boolean;
    dispose?: () => void;
  }
  const currentTarget = async (): Promise<RunTarget> => {
    const access = await services.connections.access();
    const c = services.connections.current;
    return { session: access.session, key: connectionKey(c), label: services.connections.label, sandbox: c.kind === 'sandbox' };
  };
  /** The run's own session; the workspace's selected connection is left as it is. */
  const targetFor = (connection: Connection) => async (): Promise<RunTarget> => {
    const key = connectionKey(connection);
    const label = connectionLabel(connection);
    if (connection.kind === 'sandbox') {
      // A session of its own: the sandbox's port changes when it restarts.
      const session = await openSession({ connection, sandboxEndpoint: await services.sandbox.endpoint(), logger });
      return { session, key, label, sandbox: true, dispose: () => session.dispose() };
    }
    // Shared with the rest of the extension (MFA asked once, closed when the AWS files change).
    const access = await services.connections.accessFor(connection);
    return { session: access.session, key, label, sandbox: false };
  };
  const sandboxTarget = targetFor({ kind: 'sandbox' });

  const runTests = async (request: vscode.TestRunRequest, token: vscode.CancellationToken, where: () => Promise<RunTarget> = currentTarget): Promise<{ events: RunEvent[]; results: ChatTestResult[] }> => {
    const events: RunEvent[] = [];
    const results: ChatTestResult[] = [];
    const items = collect(request.include, request.exclude);
    const run = controller.createTestRun(request, 'Chat conversation tests');
    const note = (item: vscode.TestItem, e: Omit<RunEvent, 'id'>) => {
      const event = { id: item.id, ...e };
      events.push(event);
      recorded.fire(event);
    };
    try {
      for (const item of items) {
        run.enqueued(item);
        item.children.forEach((s) => run.enqueued(s));
      }
      const trust = decide('runTests');
      if (!trust.allowed) {
        const text = trust.reason ?? '';
        for (const item of items) {
          run.errored(item, new vscode.TestMessage(text));
          note(item, { status: 'errored', message: text });
        }
        return { events, results };
      }
      let target: RunTarget;
      try {
        target = await where();
      } catch (e) {
        const text = `No connection to run the tests on: ${(e as Error).message}`;
        for (const item of items) {
          run.errored(item, new vscode.TestMessage(text));
          note(item, { status: 'errored', message: text });
        }
        return { events, results };
      }
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const settings = vscode.workspace.getConfiguration('chatreq');
      const parallel = Math.max(1, settings.get<number>('tests.parallel', 4));
      const rate = settings.get<number>('tests.launchRate', DEFAULT_LAUNCH_RATE);
      const deps = {
        session: target.session,
        readFile: (p: string) => readText(vscode.Uri.file(p)),
        // The Test Chats panel names request files by URI (Open Request File, Relaunch).
        requestFileRef: (p: string) => vscode.Uri.file(p).toString(),
        env: process.env,
        logger,
        connectionKey: target.key,
        connectionLabel: target.label,
        // Concurrent tests share one StartChatContact pace on AWS (the sandbox has no quota by default).
        pace: createPacer(target.sandbox ? Infinity : rate > 0 ? rate : DEFAULT_LAUNCH_RATE),
      };
      try {
        await mapLimit(items, parallel, async (item) => {
          const d = data.get(item)!;
          const test = d.test!;
          if (abort.signal.aborted) {
            run.skipped(item);
            note(item, { status: 'skipped' });
            return;
          }
          const stepItem = (index: number) => item.children.get(`${item.id}::${index}`);
          if (d.errors && d.errors.length > 0) {
            // An invalid step is left out of the parsed test, so running it anyway could pass.
            const first = d.errors[0];
            const more = d.errors.length > 1 ? ` (and ${d.errors.length - 1} more problem${d.errors.length > 2 ? 's' : ''})` : '';
            const text = `Not run: the test file has an error. ${first.message}${more}`;
            const m = new vscode.TestMessage(text);
            m.location = new vscode.Location(d.uri, toRange(first.range));
            run.errored(item, m);
            item.children.forEach((si) => run.skipped(si));
            note(item, { status: 'errored', message: text, uri: d.uri.toString(), line: first.range.start.line });
            return;
          }
          runChats.delete(item.id);
          run.started(item);
          note(item, { status: 'started' });
          const onStep = (s: StepResult) => {
            const si = stepItem(s.index);
            if (!si) return;
            if (s.status === 'passed') {
              run.passed(si, s.durationMs);
              note(si, { status: 'passed' });
            } else if (s.status === 'skipped') {
              run.skipped(si);
              note(si, { status: 'skipped' });
            } else {
              const m = failureMessage(s.message ?? 'failed', s.expected, s.actual, new vscode.Location(d.uri, si.range!), runChats.has(item.id));
              run.failed(si, m, s.durationMs);
              note(si, { status: 'failed', ...(m.contextValue ? { contextValue: m.contextValue } : {}), message: s.message ?? '', ...(s.expected !== undefined ? { expected: s.expected } : {}), ...(s.actual !== undefined ? { actual: s.actual } : {}), uri: d.uri.toString(), line: si.range!.start.line });
            }
          };
          // The run's chat joins the Test Chats panel as soon as it starts, so it can be watched
          // while the test runs (Open Conversation on the test or its failure); the panel owns it.
          const onChat = (chat: LiveChat): void => {
            runChats.set(item.id, chat.record.id);
            testChats.chats.attach(chat);
          };
          const r = await runChatTest(d.uri.fsPath, test, deps, { signal: abort.signal, onStep, onChat, callerDisposes: true });
          results.push(r);
          run.appendOutput(`${r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '-'} ${test.name}${r.contactId ? ` (contact ${r.contactId})` : ''} ${r.durationMs} ms\r\n`, undefined, item);
          if (r.status === 'passed') {
            run.passed(item, r.durationMs);
            note(item, { status: 'passed' });
          } else if (r.status === 'skipped') {
            run.skipped(item);
            note(item, { status: 'skipped' });
          } else {
            const f = r.failure!;
            const si = f.step > 0 ? stepItem(f.step - 1) : undefined;
            const where = new vscode.Location(d.uri, si?.range ?? item.range!);
            const m = failureMessage(f.text, f.expected, f.actual, where, runChats.has(item.id));
            run.failed(item, m, r.durationMs);
            note(item, { status: 'failed', ...(m.contextValue ? { contextValue: m.contextValue } : {}), message: f.text, uri: d.uri.toString(), line: where.range.start.line, ...(f.expected !== undefined ? { expected: f.expected } : {}), ...(f.actual !== undefined ? { actual: f.actual } : {}) });
          }
        });
      } finally {
        sub.dispose();
        target.dispose?.();
      }
    } finally {
      run.end();
    }
    return { events, results };
  };

  const runProfile = controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => runTests(request, token).then(() => undefined), true);

  // "Run against …": one profile per connection Select Connection lists (the sandbox, each AWS
  // profile, environment credentials when they are set), by identity, so a region change only
  // relabels it. The sandbox's is there from the start; the AWS files are read once the workspace
  // has conversation tests (not at activation), and again whenever they or the settings change.
  interface Against {
    profile: vscode.TestRunProfile;
    connection: Connection;
  }
  const against = new Map<string, Against>();
  const identity = (c: Connection): string => (c.kind === 'profile' ? `profile:${c.profile}` : c.kind);
  const setAgainst = (connection: Connection): void => {
    const id = identity(connection);
    const label = `Run against ${connectionLabel(connection)}`;
    const known = against.get(id);
    if (known) {
      known.connection = connection;
      if (known.profile.label !== label) known.profile.label = label;
      return;
    }
    const entry: Against = {
      connection,
      profile: controller.createRunProfile(label, vscode.TestRunProfileKind.Run, (request, token) => runTests(request, token, targetFor(entry.connection)).then(() => undefined), false),
    };
    against.set(id, entry);
  };
  setAgainst({ kind: 'sandbox' });
  context.subscriptions.push({ dispose: () => against.forEach((a) => a.profile.dispose()) });

  let watched: { key: string; watchers: vscode.Disposable[] } | undefined;
  const watchFiles = (): void => {
    const paths = sharedConfigPaths(process.env);
    const key = `${paths.config}\n${paths.credentials}`;
    if (watched?.key === key) return;
    watched?.watchers.forEach((w) => void w.dispose());
    const watchers: vscode.Disposable[] = [];
    for (const file of new Set([paths.config, paths.credentials])) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      watchers.push(w, w.onDidChange(() => void syncProfiles()), w.onDidCreate(() => void syncProfiles()), w.onDidDelete(() => void syncProfiles()));
    }
    watched = { key, watchers };
  };
  context.subscriptions.push({ dispose: () => watched?.watchers.forEach((w) => void w.dispose()) });

  let engaged = false;
  let syncing: Promise<void> = Promise.resolve();
  const syncOnce = async (): Promise<void> => {
    watchFiles();
    let summary: Awaited<ReturnType<typeof listProfiles>>;
    try {
      summary = await listProfiles(process.env);
    } catch (e) {
      // A file that cannot be parsed: keep what was listed (Select Connection shows the error).
      logger.warn(`[tests] could not read the AWS config files for "Run against": ${(e as Error).message}`);
      return;
    }
    const choices = connectionChoices(summary, { current: services.connections.current, env: process.env }).filter((c) => c.connection.kind !== 'env' || c.problems.length === 0);
    const keep = new Set(choices.map((c) => identity(c.connection)));
    for (const [id, a] of against) {
      if (keep.has(id)) continue;
      a.profile.dispose();
      against.delete(id);
    }
    for (const c of choices) setAgainst(c.connection);
  };
  const syncProfiles = (): Promise<void> => {
    engaged = true;
    syncing = syncing.then(syncOnce, syncOnce);
    return syncing;
  };
  const resync = (): void => {
    if (engaged) void syncProfiles();
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('chatreq') && resync()),
    vscode.workspace.onDidGrantWorkspaceTrust(resync),
    // A switch (or a reset after the AWS files changed) can change a profile's region.
    services.connections.onDidChange(resync),
  );
  const againstProfiles = (): Against[] => {
    const list = [...against.values()];
    return [...list.filter((a) => a.connection.kind === 'sandbox'), ...list.filter((a) => a.connection.kind !== 'sandbox')];
  };

  const saveAsTest = async (chatId: string): Promise<vscode.Uri | undefined> => {
    await testChats.chats.ready();
    const record = testChats.chats.get(chatId);
    if (!record) {
      void vscode.window.showInformationMessage('That test chat is no longer in the Test Chats panel.');
      return undefined;
    }
    const requestUri = record.origin.requestFile ? (/^[a-z][a-z0-9+.-]*:/i.test(record.origin.requestFile) ? vscode.Uri.parse(record.origin.requestFile) : vscode.Uri.file(record.origin.requestFile)) : undefined;
    const dir = requestUri ? vscode.Uri.joinPath(requestUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!dir) {
      void vscode.window.showWarningMessage('Open a folder first: the conversation test is saved into the workspace.');
      return undefined;
    }
    const existing = new Set<string>();
    try {
      for (const [name] of await vscode.workspace.fs.readDirectory(dir)) existing.add(name);
    } catch {
      // A folder that cannot be listed: the first name is tried.
    }
    const name = recordedTestFileName(record.origin.requestName, (n) => existing.has(n));
    const target = vscode.Uri.joinPath(dir, name);
    const forRecorder: ChatRecord = requestUri ? { ...record, origin: { ...record.origin, requestFile: requestUri.fsPath } } : record;
    const test = recordToTest(forRecorder, { testFile: target.fsPath });
    await vscode.workspace.fs.writeFile(target, Buffer.from(recordedTestText(test), 'utf8'));
    updateFile(target, recordedTestText(test));
    await vscode.window.showTextDocument(target, { preview: false });
    logger.info(`[tests] saved ${record.contactId ?? record.id} as ${target.toString()} (${test.steps.length} steps)`);
    return target;
  };

  const handle: ChatTestsHandle = {
    controller,
    runProfile,
    onDidRecord: recorded.event,
    againstProfiles: () => againstProfiles().map((a) => ({ profile: a.profile, connection: a.connection })),
    syncProfiles,
    refresh: discoverAndSync,
    fileItem: (uri) => controller.items.get(uri.toString()),
    run: (include, token, where) => {
      const t = token ?? new vscode.CancellationTokenSource().token;
      if (where === undefined || where === 'current') return runTests(new vscode.TestRunRequest(include, undefined, runProfile), t);
      const entry = where === 'sandbox' ? against.get('sandbox') : againstProfiles().find((a) => a.profile === where);
      if (!entry) throw new Error(`No "Run against" profile ${where === 'sandbox' ? 'for the sandbox' : `"${where.label}"`}.`);
      return runTests(new vscode.TestRunRequest(include, undefined, entry.profile), t, entry.connection.kind === 'sandbox' ? sandboxTarget : targetFor(entry.connection));
    },
    saveAsTest,
  };

  /** Open Conversation on a test (its step, or a failure message): the conversation of its latest run. */
  const openRunConversation = async (arg: unknown): Promise<vscode.WebviewPanel | undefined> => {
    const item = testItemOf(arg);
    const d = item ? data.get(item) : undefined;
    const testItem = d?.kind === 'step' ? item?.parent : d?.kind === 'test' ? item : undefined;
    if (!testItem) {
      void vscode.window.showInformationMessage('Open Conversation works on a conversation test or one of its steps.');
      return undefined;
    }
    const chatId = runChats.get(testItem.id);
    await testChats.chats.ready();
    if (!chatId || !testChats.chats.get(chatId)) {
      void vscode.window.showInformationMessage(`"${testItem.label}" has no run with a chat in this window yet (or its chat was removed from Test Chats). Run the test, then open its conversation.`);
      return undefined;
    }
    return vscode.commands.executeCommand<vscode.WebviewPanel>(Commands.openConversation, chatId);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openTestRunConversation, openRunConversation),
    vscode.commands.registerCommand(Commands.saveAsConversationTest, (arg: unknown) => {
      const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { chatId?: unknown }).chatId === 'string' ? (arg as { chatId: string }).chatId : undefined;
      if (id) return saveAsTest(id);
      // From a conversation panel's title bar (or the palette while one is active): that chat.
      const active = testChats.conversations.activeChatId();
      if (active) return saveAsTest(active);
      const chats = testChats.chats.list();
      if (chats.length === 0) {
        void vscode.window.showInformationMessage('No test chat to save. Launch one with "Chatreq: Launch Test Chat".');
        return undefined;
      }
      return vscode.window
        .showQuickPick(
          chats.map((r) => ({ label: r.origin.requestName ?? r.displayName, description: `${r.state}${r.contactId ? ` · ${r.contactId}` : ''}`, id: r.id })),
          { title: 'Save which chat as a conversation test?' },
        )
        .then((p) => (p ? saveAsTest(p.id) : undefined));
    }),
    // Not contributed, and only for VS Code's test runs: the integration tests drive the controller through it.
    ...(context.extensionMode === vscode.ExtensionMode.Test ? [vscode.commands.registerCommand(Commands.chatTestsInternals, () => handle)] : []),
  );
  void discoverAndSync().catch((e: unknown) => logger.warn(`[tests] discovery failed: ${(e as Error).message}`));
  return handle;
}

/** The test item of a Test Explorer menu's argument: an item, or `{ test, message }` (message menus). */
function testItemOf(arg: unknown): vscode.TestItem | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { id?: unknown; test?: unknown };
  if (typeof o.id === 'string' && 'children' in o) return arg as vscode.TestItem;
  if (typeof o.test === 'object' && o.test !== null) return testItemOf(o.test);
  return undefined;
}

/** The context value of a failure whose run started a chat: the peek offers Open Conversation on it. */
export const RUN_CHAT_MESSAGE = 'chatreq.chatTestRun';

function failureMessage(text: string, expected: string | undefined, actual: string | undefined, location: vscode.Location, hasChat: boolean): vscode.TestMessage {
  const m = expected !== undefined && actual !== undefined ? vscode.TestMessage.diff(text, expected, actual) : new vscode.TestMessage(text);
  m.location = location;
  if (hasChat) m.contextValue = RUN_CHAT_MESSAGE;
  return m;
}
