/**
 * Conversation tests in the real extension host, against the sandbox: the Test Explorer finds a
 * *.chattest.json with its tests and steps at their ranges (and follows an edit), a run passes, a
 * failure is shown at the failing step's range with expected/actual, and a chat saved as a test
 * from the Test Chats panel runs green.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatRecord } from '../../src/core/chat/types';
import type { ChatreqApi } from '../../src/extension/extension';
import type { ChatTestsHandle } from '../../src/extension/testing';
import { api, KEY_ID, sandboxAdmin, SECRET, until, useAwsFiles } from './connectionSupport';

const DEMO_INSTANCE = '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58';
const SUPPORT_BOT = '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07';

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests run with a workspace folder');
  return folder.uri.fsPath;
}

async function sandboxApi(): Promise<ChatreqApi> {
  const a = await api();
  a.services.connections.useTransient({ kind: 'sandbox' });
  await a.services.sandbox.start();
  return a;
}

async function handle(): Promise<ChatTestsHandle> {
  await api();
  const h = await vscode.commands.executeCommand<ChatTestsHandle | undefined>('chatreq._chatTestsInternals');
  assert.ok(h?.controller, 'the conversation-test internals command returned nothing');
  return h;
}

describe('Conversation tests: Test Explorer and Save as Conversation Test', function () {
  this.timeout(60_000);
  const created: string[] = [];
  const tag = `${process.pid}-${Date.now()}`;
  const write = (name: string, v: unknown): vscode.Uri => {
    const p = path.join(workspaceDir(), name);
    fs.writeFileSync(p, `${JSON.stringify(v, null, 2)}\n`);
    created.push(p);
    return vscode.Uri.file(p);
  };
  after(() => {
    for (const p of created) fs.rmSync(p, { force: true });
  });

  let requestName: string;
  before(() => {
    requestName = `ct-support-${tag}.chatreq.json`;
    write(requestName, { InstanceId: DEMO_INSTANCE, ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'Ada' } });
  });

  it('discovers a test file with its tests and their steps at their ranges, and follows an edit', async () => {
    const h = await handle();
    const uri = write(`ct-discover-${tag}.chattest.json`, {
      tests: [
        { name: 'greets', request: `./${requestName}`, steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { contains: 'order number' } }] },
        { name: 'second', request: `./${requestName}`, steps: [{ expectEnded: false }] },
      ],
    });
    const file = await until('the file in the Test Explorer', async () => {
      await h.refresh();
      const f = h.fileItem(uri);
      return f && f.children.size === 2 ? f : undefined;
    });
    const greets = file.children.get(`${uri.toString()}::greets`)!;
    assert.ok(greets, 'the test item');
    assert.equal(greets.children.size, 3);
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    const say = greets.children.get(`${greets.id}::1`)!;
    assert.equal(say.label, '2. say "where is my order"');
    // The view sorts by sortText, else by label (where "10." comes before "2."): file order either way.
    const long = write(`ct-order-${tag}.chattest.json`, { name: 'eleven', request: `./${requestName}`, steps: Array.from({ length: 11 }, (_, i) => ({ say: `message ${i + 1}` })) });
    const eleven = await until('the eleven steps', async () => {
      await h.refresh();
      return h.fileItem(long)?.children.get(`${long.toString()}::eleven`)?.children.size === 11 ? h.fileItem(long)!.children.get(`${long.toString()}::eleven`) : undefined;
    });
    const key = (i: vscode.TestItem) => i.sortText ?? (typeof i.label === 'string' ? i.label : '');
    const shown = [...eleven.children].map(([, i]) => i).sort((x, y) => key(x).localeCompare(key(y)));
    assert.deepEqual(shown.map((i) => i.label), Array.from({ length: 11 }, (_, i) => `${i + 1}. say "message ${i + 1}"`));
    const lines = text.split('\n');
    assert.match(lines[say.range!.start.line], /"say": "where is my order"|\{/);
    assert.ok(lines.slice(say.range!.start.line, say.range!.end.line + 1).join('\n').includes('"say": "where is my order"'), 'the step item is at the step');

    // An unsaved edit is followed: a third test appears.
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    const parsed = JSON.parse(doc.getText()) as { tests: unknown[] };
    parsed.tests.push({ name: 'third', request: `./${requestName}`, steps: [{ expectEnded: false }] });
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), `${JSON.stringify(parsed, null, 2)}\n`);
    await vscode.workspace.applyEdit(edit);
    await until('the edit in the Test Explorer', () => (h.fileItem(uri)?.children.size === 3 ? true : undefined));
    await doc.save();
  });

  it('leaves out the folders chatreq test skips (build output, dependencies, dot-folders), opened or not', async () => {
    const h = await handle();
    const test = { name: 'skipped', request: `./${requestName}`, steps: [{ expectEnded: false }] };
    const listed = write(`ct-listed-${tag}.chattest.json`, test);
    const dirs = ['out', 'dist', 'node_modules', '.hidden'].map((d) => path.join(workspaceDir(), d)).filter((d) => !fs.existsSync(d));
    for (const d of dirs) fs.mkdirSync(d);
    try {
      const skipped = ['out', 'dist', 'node_modules', '.hidden'].map((dir) => write(path.join(dir, `ct-skipped-${tag}.chattest.json`), test));
      await until('the listed file', async () => {
        await h.refresh();
        return h.fileItem(listed);
      });
      for (const u of skipped) assert.equal(h.fileItem(u), undefined, `${vscode.workspace.asRelativePath(u)} is not listed`);
      // Opening one does not list it either (an edit of a build copy is not a test of the workspace).
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(skipped[0]));
      await h.refresh();
      assert.equal(h.fileItem(skipped[0]), undefined);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('shows the semantic checks as diagnostics naming the step, and a request file that does not exist', async () => {
    const h = await handle();
    const uri = write(`ct-diag-${tag}.chattest.json`, { name: 'diag', request: './missing.chatreq.json', steps: [{ expect: 'ok' }, { say: 'a', expect: 'b' }] });
    await h.refresh();
    const diags = await until('the diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'chatreq');
      return d.length >= 2 ? d : undefined;
    });
    const two = diags.find((d) => d.message.startsWith('Test "diag", step 2 has "say" and "expect"'))!;
    assert.ok(two, diags.map((d) => d.message).join('\n'));
    assert.equal(two.severity, vscode.DiagnosticSeverity.Error);
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    assert.ok(text.split('\n')[two.range.start.line].includes('{'), 'at the step');
    assert.ok(diags.some((d) => d.code === 'chattest/request-not-found'));
    assert.ok(h.fileItem(uri)?.error, 'the file item shows the error');
  });

  it('a request file is checked with the override merged, and again when the request file changes', async () => {
    await handle();
    const reqName = `ct-partial-${tag}.chatreq.json`;
    write(reqName, { InstanceId: DEMO_INSTANCE, ParticipantDetails: { DisplayName: 'Ada' } });
    const uri = write(`ct-filecheck-${tag}.chattest.json`, { name: 'partial', request: `./${reqName}`, override: { ParticipantDetails: null }, steps: [{ expectEnded: true }] });
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;
    const mine = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'chatreq');
    const first = await until('the merged request checks', () => (mine().length >= 2 ? mine() : undefined));
    const missing = first.find((d) => d.code === 'chattest/missing-target');
    assert.equal(missing?.message, `Test "partial": ./${reqName} has no ContactFlowId: add it there or in "override" (a test cannot ask for it when it runs).`);
    assert.equal(missing.range.start.line, lineOf('"request"'));
    const removed = first.find((d) => d.code === 'chatreq/missing-participant-details');
    assert.match(removed?.message ?? '', /^Test "partial": the request with "override": ParticipantDetails is missing/);
    assert.equal(removed!.range.start.line, lineOf('"override"'));
    // The request file gets its flow: the test file's checks follow.
    write(reqName, { InstanceId: DEMO_INSTANCE, ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'Ada' } });
    await until('the missing-target check to go', () => (mine().some((d) => d.code === 'chattest/missing-target') ? undefined : true));
    assert.deepEqual(mine().map((d) => d.code), ['chatreq/missing-participant-details']);
  });

  it('an inline request gets the request schema (completion, checks) and the request rules; override members may be null', async () => {
    await handle();
    const uri = write(`ct-inline-${tag}.chattest.json`, {
      name: 'inline',
      request: { ParticipantDetails: { DisplayName: 'A' }, ChatDurationInMinutes: 'long' },
      override: { InitialMessage: null },
      steps: [{ expectEnded: true }],
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const lineOf = (needle: string) => doc.positionAt(text.indexOf(needle)).line;
    const diags = await until('schema and rule diagnostics on the inline request', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.some((x) => x.source === 'chatreq') && d.some((x) => x.source !== 'chatreq') ? d : undefined;
    });
    const schema = diags.filter((d) => d.source !== 'chatreq');
    assert.deepEqual(
      schema.map((d) => [d.range.start.line, d.message]),
      [[lineOf('"ChatDurationInMinutes"'), 'Incorrect type. Expected "integer".']],
      'the JSON service checks the inline request, and a null in override is fine',
    );
    const rule = diags.find((d) => d.code === 'chattest/missing-target');
    assert.ok(rule, diags.map((d) => d.message).join('\n'));
    assert.equal(rule.range.start.line, lineOf('"request": {'));
    // Completion in the inline request offers StartChatContact's members.
    const at = doc.positionAt(text.indexOf('"ParticipantDetails"'));
    const items = await until('request member completions in the inline request', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return labels.includes('SupportedMessagingContentTypes') ? labels : undefined;
    });
    assert.ok(items.includes('InstanceId') && items.includes('ContactFlowId'));
  });

  it("an inline request gets the request files' live completion and hover (instances, flows from the account)", async () => {
    await sandboxApi();
    const uri = write(`ct-live-${tag}.chattest.json`, { name: 'live', request: { InstanceId: '', ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'A' } }, steps: [{ expectEnded: true }] });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('""') + 1);
    const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const demo = await until('the demo instance in the completion list', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
      return list.items.find((i) => label(i) === 'chatreq-demo');
    });
    assert.equal(demo.insertText instanceof vscode.SnippetString ? demo.insertText.value : demo.insertText, DEMO_INSTANCE);
    const range = demo.range as vscode.Range;
    assert.equal(doc.getText(range), '', 'it replaces what is between the quotes, at the inline request\'s place in the file');
    assert.ok(range.start.isEqual(at));
    // Hover on the flow ID names the flow once the instance is set.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, at, DEMO_INSTANCE);
    await vscode.workspace.applyEdit(edit);
    const flowAt = doc.positionAt(doc.getText().indexOf(SUPPORT_BOT) + 3);
    const hover = await until('the flow name in the hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, flowAt);
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return /Support Bot/i.test(text) ? text : undefined;
    });
    assert.match(hover, /Support Bot/i);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a test in a file with an error is not run (as in chatreq test): errored at the error, no chat started', async () => {
    const a = await sandboxApi();
    const h = await handle();
    // A misspelt step is left out of the parsed test: run anyway, the rest of the test would pass.
    const uri = write(`ct-invalid-${tag}.chattest.json`, { name: 'typo', request: `./${requestName}`, steps: [{ expct: 'nobody says this' }, { expect: 'How can I help' }] });
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === 1 ? h.fileItem(uri) : undefined;
    });
    const admin = await sandboxAdmin(a);
    const before = (await admin.contacts()).length;
    const { events, results } = await h.run([file]);
    assert.deepEqual(results, [], 'nothing ran');
    const outcome = events.find((e) => e.id === `${uri.toString()}::typo` && e.status !== 'started');
    assert.equal(outcome?.status, 'errored', JSON.stringify(events));
    assert.match(outcome.message ?? '', /^Not run: the test file has an error\. Test "typo", step 1: "expct" is not a step/);
    const lines = fs.readFileSync(uri.fsPath, 'utf8').split('\n');
    assert.ok(lines[outcome.line!].includes('"expct"'), `at the error, line ${outcome.line}`);
    assert.equal((await admin.contacts()).length, before, 'no chat started');
  });

  it('cancel: a run cancelled while a test waits ends at once, the test skipped, its chat ended', async () => {
    const a = await sandboxApi();
    const h = await handle();
    const uri = write(`ct-cancel-${tag}.chattest.json`, { name: 'waits', request: `./${requestName}`, timeoutSeconds: 60, steps: [{ expect: 'nobody says this' }] });
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === 1 ? h.fileItem(uri) : undefined;
    });
    const admin = await sandboxAdmin(a);
    const before = (await admin.contacts()).length;
    const cts = new vscode.CancellationTokenSource();
    const started = Date.now();
    const running = h.run([file], cts.token);
    await until('the chat to start', async () => ((await admin.contacts()).length > before ? true : undefined));
    cts.cancel();
    const { events, results } = await running;
    assert.ok(Date.now() - started < 30_000);
    assert.equal(results[0].status, 'skipped');
    assert.equal(events.find((e) => e.id === `${uri.toString()}::waits` && e.status !== 'started')?.status, 'skipped');
    assert.equal((await admin.contact(results[0].contactId!))?.status, 'ENDED');
  });

  it('runs a test that passes, each step passed, its chat in the Test Chats panel', async () => {
    const a = await sandboxApi();
    const h = await handle();
    const uri = write(`ct-pass-${tag}.chattest.json`, {
      name: 'order number',
      request: `./${requestName}`,
      steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { contains: 'order number', from: 'BOT' } }, { say: '12345' }, { expect: 'shipped' }, { expectEnded: true }],
    });
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === 1 ? h.fileItem(uri) : undefined;
    });
    const { events, results } = await h.run([file]);
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'passed', results[0].failure?.text);
    const test = file.children.get(`${uri.toString()}::order number`)!;
    assert.equal(events.find((e) => e.id === test.id && e.status !== 'started')?.status, 'passed');
    const stepEvents = events.filter((e) => e.id.startsWith(`${test.id}::`));
    assert.deepEqual(
      stepEvents.map((e) => e.status),
      ['passed', 'passed', 'passed', 'passed', 'passed', 'passed'],
    );
    const rec = a.testChats.chats.list().find((r) => r.contactId === results[0].contactId);
    assert.ok(rec, 'the run is in the Test Chats panel');
    assert.equal(vscode.Uri.parse(rec.origin.requestFile!).fsPath, path.join(workspaceDir(), requestName), 'linked to its request file');
    const node = (await a.testChats.tree.getChildren()).find((n) => n.chatId === rec.id);
    assert.match(String(node?.description), / · test "order number"$/, 'its row names the test');

    // "Run against Sandbox (offline)": the built-in sandbox, whatever the current connection is.
    const sandboxProfile = h.againstProfiles().find((p) => p.connection.kind === 'sandbox')!;
    assert.equal(sandboxProfile.profile.label, 'Run against Sandbox (offline)');
    const other = await h.run([file], undefined, sandboxProfile.profile);
    assert.equal(other.results[0].status, 'passed', other.results[0].failure?.text);
    assert.equal(other.results[0].record?.origin.connectionLabel, 'Sandbox (offline)');
  });

  it('runs up to chatreq.tests.parallel tests at once and streams each step result as it is known', async () => {
    const a = await sandboxApi();
    const h = await handle();
    const url = await a.services.sandbox.endpoint();
    const config = vscode.workspace.getConfiguration('chatreq');
    await config.update('tests.parallel', 2, vscode.ConfigurationTarget.Global);
    try {
      // Each test's second step waits out its 2 s timeout: the first is known long before the end.
      const waits = (name: string) => ({ name, request: `./${requestName}`, timeoutSeconds: 2, steps: [{ expect: 'How can I help' }, { expect: 'nobody says this' }] });
      const uri = write(`ct-parallel-${tag}.chattest.json`, { tests: [waits('p1'), waits('p2'), waits('p3')] });
      const file = await until('the file', async () => {
        await h.refresh();
        return h.fileItem(uri)?.children.size === 3 ? h.fileItem(uri) : undefined;
      });
      const seen: Array<{ id: string; status: string; at: number }> = [];
      const sub = h.onDidRecord((e) => seen.push({ id: e.id, status: e.status, at: Date.now() }));
      const { results } = await h.run([file]).finally(() => void sub.dispose());
      assert.deepEqual(results.map((r) => r.status), ['failed', 'failed', 'failed']);
      for (const name of ['p1', 'p2', 'p3']) {
        const id = `${uri.toString()}::${name}`;
        const step = seen.find((e) => e.id === `${id}::0`);
        const end = seen.find((e) => e.id === id && e.status === 'failed');
        assert.equal(step?.status, 'passed', `${name}: its first step was reported`);
        assert.ok(end && end.at - step.at >= 1000, `${name}: the first step was reported while the second still waited (${end ? end.at - step.at : '?'} ms before the end)`);
      }
      // From the sandbox: two chats at once, the third only once one of them had ended.
      const contacts = await Promise.all(
        results.map(async (r) => (await (await fetch(`${url}/sandbox/contacts/${encodeURIComponent(r.contactId!)}`)).json()) as { startedAt: string; endedAt: string }),
      );
      const spans = contacts.map((c) => ({ start: Date.parse(c.startedAt), end: Date.parse(c.endedAt) })).sort((x, y) => x.start - y.start);
      assert.ok(spans[1].start < spans[0].end, 'the first two ran at the same time');
      assert.ok(spans[2].start >= Math.min(spans[0].end, spans[1].end), 'the third waited for a free slot');
    } finally {
      await config.update('tests.parallel', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a failure is shown at the failing step with expected and actual', async () => {
    await sandboxApi();
    const h = await handle();
    const uri = write(`ct-fail-${tag}.chattest.json`, {
      name: 'wrong question',
      request: `./${requestName}`,
      timeoutSeconds: 1,
      steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { equals: 'What is your name?' } }, { expectEnded: true }],
    });
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === 1 ? h.fileItem(uri) : undefined;
    });
    const test = file.children.get(`${uri.toString()}::wrong question`)!;
    const failing = test.children.get(`${test.id}::2`)!;
    const { events } = await h.run([test]);
    const stepFail = events.find((e) => e.id === failing.id)!;
    assert.equal(stepFail.status, 'failed');
    assert.equal(stepFail.line, failing.range!.start.line, 'at the failing step');
    assert.equal(stepFail.expected, 'a message equal to "What is your name?"');
    assert.equal(stepFail.actual, 'BOT: "Sure. What is your order number?"');
    const testFail = events.find((e) => e.id === test.id && e.status === 'failed')!;
    assert.equal(testFail.line, failing.range!.start.line);
    assert.match(testFail.message!, /^Step 3 \(expect equals "What is your name\?"\)/);
    assert.equal(events.find((e) => e.id === `${test.id}::3`)?.status, 'skipped');
  });

  it("a run's chat is in Test Chats while the test runs; Open Conversation on the test, a step or the failure opens it", async () => {
    const a = await sandboxApi();
    const h = await handle();
    const requestUri = vscode.Uri.file(path.join(workspaceDir(), requestName));
    const uri = write(`ct-link-${tag}.chattest.json`, {
      tests: [
        { name: 'waits', request: `./${requestName}`, timeoutSeconds: 60, steps: [{ expect: 'How can I help' }, { expect: 'nobody says this' }] },
        { name: 'fails', request: `./${requestName}`, timeoutSeconds: 1, steps: [{ expect: 'How can I help' }, { expect: { equals: 'nobody says this' } }] },
      ],
    });
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === 2 ? h.fileItem(uri) : undefined;
    });
    const waits = file.children.get(`${uri.toString()}::waits`)!;
    const fails = file.children.get(`${uri.toString()}::fails`)!;
    const open = (arg: unknown) => vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('chatreq.openTestRunConversation', arg);
    assert.equal(await open(waits), undefined, 'no run yet: nothing to open');

    const known = new Set(a.testChats.chats.list().map((r) => r.id));
    const cts = new vscode.CancellationTokenSource();
    let finished = false;
    const running = h.run([waits], cts.token).finally(() => (finished = true));
    const live = await until('the chat in Test Chats while the test waits', () =>
      a.testChats.chats.list().find((r) => !known.has(r.id) && r.transcript.some((i) => i.Content?.includes('How can I help'))),
    );
    assert.equal(finished, false, 'the run is still going');
    assert.equal(live.state, 'connected');
    assert.equal(live.origin.requestFile, requestUri.toString(), 'the request file as a URI, as a launch names it');
    const panel = await open(waits.children.get(`${waits.id}::1`));
    assert.ok(panel, 'Open Conversation on a step');
    assert.ok(a.testChats.conversations.has(live.id), "the run's chat is the one opened");
    cts.cancel();
    const cancelled = await running;
    assert.equal(cancelled.results[0].record?.id, live.id);
    await until('the chat to be ended in Test Chats', () => (a.testChats.chats.get(live.id)?.state === 'ended' ? true : undefined));

    const { events, results } = await h.run([fails]);
    const chatId = results[0].record!.id;
    const failure = events.find((e) => e.id === fails.id && e.status === 'failed')!;
    assert.equal(failure.contextValue, 'chatreq.chatTestRun', 'the failure offers Open Conversation');
    assert.equal(events.find((e) => e.id === `${fails.id}::1`)?.contextValue, 'chatreq.chatTestRun');
    a.testChats.conversations.panelOf(live.id)?.dispose();
    assert.ok(await open({ test: fails, message: {} }), 'Open Conversation on the failure message');
    assert.ok(a.testChats.conversations.has(chatId));
    assert.ok(await open(fails), 'and on the test');
    a.testChats.conversations.panelOf(chatId)?.dispose();
  });

  it('Save as Conversation Test: a chat from the Test Chats panel becomes a test next to its request, which runs green', async () => {
    const a = await sandboxApi();
    const h = await handle();
    const requestUri = vscode.Uri.file(path.join(workspaceDir(), requestName));
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', requestUri);
    assert.ok(record, 'launched');
    const chat = a.testChats.chats.liveChat(record.id)!;
    await until('the bot to ask', () => (a.testChats.chats.get(record.id)!.transcript.some((i) => i.Content?.includes('How can I help')) ? true : undefined));
    await chat.reply('where is my order');
    await until('the bot to ask for the number', () => (a.testChats.chats.get(record.id)!.transcript.some((i) => i.Content?.includes('order number')) ? true : undefined));
    await chat.reply('12345');
    await until('the chat to end', () => (a.testChats.chats.get(record.id)!.state === 'ended' ? true : undefined));
    const saved = await vscode.commands.executeCommand<vscode.Uri>('chatreq.saveAsConversationTest', record.id);
    assert.ok(saved);
    created.push(saved.fsPath);
    assert.equal(path.dirname(saved.fsPath), workspaceDir(), 'next to the request');
    assert.ok(saved.fsPath.endsWith('.chattest.json'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), saved.toString(), 'opened');
    const doc = JSON.parse(fs.readFileSync(saved.fsPath, 'utf8')) as { request: string; steps: Array<Record<string, unknown>> };
    assert.equal(doc.request, `./${requestName}`);
    assert.deepEqual(doc.steps.filter((s) => 'say' in s), [{ say: 'where is my order' }, { say: '12345' }]);
    assert.deepEqual(doc.steps.at(-1), { expectEnded: true });
    const file = await until('the saved file', () => h.fileItem(saved));
    const { results } = await h.run([file]);
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'passed', results[0].failure?.text);
  });
});

describe('Conversation tests: Save as Conversation Test from a conversation panel', function () {
  this.timeout(60_000);
  const created: string[] = [];
  after(() => {
    for (const p of created) fs.rmSync(p, { force: true });
  });

  it("saves the active panel's chat (its title-bar button passes no argument), without asking which chat", async () => {
    const a = await sandboxApi();
    const requestPath = path.join(workspaceDir(), `ct-panel-${process.pid}-${Date.now()}.chatreq.json`);
    fs.writeFileSync(requestPath, JSON.stringify({ InstanceId: DEMO_INSTANCE, ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'Pan' } }));
    created.push(requestPath);
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', vscode.Uri.file(requestPath));
    assert.ok(record, 'launched');
    await until('the bot to ask', () => (a.testChats.chats.get(record.id)!.transcript.some((i) => i.Content?.includes('How can I help')) ? true : undefined));
    const panel = a.testChats.conversations.open(record.id);
    await until('the panel to be active', () => (panel.active ? true : undefined));
    // Without an argument and no panel active the command asks with a quick pick, which would hang here.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const saved = await Promise.race([
      vscode.commands.executeCommand<vscode.Uri | undefined>('chatreq.saveAsConversationTest'),
      new Promise<'asked'>((res) => (timer = setTimeout(() => res('asked'), 15_000))),
    ]).finally(() => clearTimeout(timer));
    if (saved === 'asked') await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(saved instanceof vscode.Uri, `saved the panel's chat, got ${String(saved)}`);
    created.push(saved.fsPath);
    const doc = JSON.parse(fs.readFileSync(saved.fsPath, 'utf8')) as { request: string; steps: Array<Record<string, unknown>> };
    assert.equal(doc.request, `./${path.basename(requestPath)}`);
    assert.ok(doc.steps.some((s) => JSON.stringify(s).includes('How can I help')), JSON.stringify(doc.steps));
    panel.dispose();
    await vscode.commands.executeCommand('chatreq.endChat', record.id);
  });
});

describe('Conversation tests: "Run against …" a connection', function () {
  this.timeout(60_000);
  const aws = useAwsFiles();
  const KEY_B = 'AKIACHATTESTPROFILEB';
  const SECRET_B = 'chattestProfileBsecretKeyEXAMPLE0123456';
  const created: string[] = [];
  const tag = `${process.pid}-${Date.now()}`;
  const savedEnv: Record<string, string | undefined> = {};
  const envNames = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
  beforeEach(() => {
    for (const n of envNames) {
      savedEnv[n] = process.env[n];
      delete process.env[n];
    }
  });
  afterEach(async () => {
    for (const n of envNames) {
      if (savedEnv[n] === undefined) delete process.env[n];
      else process.env[n] = savedEnv[n];
    }
    for (const p of created.splice(0)) fs.rmSync(p, { force: true });
    const config = vscode.workspace.getConfiguration();
    for (const key of ['chatreq.endpoint.connect', 'chatreq.endpoint.participant']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  /** The sandbox, with the endpoint overrides sending the AWS profiles' Connect and Participant calls to it. */
  async function sandboxForProfiles(): Promise<ChatreqApi> {
    const a = await sandboxApi();
    const url = await a.services.sandbox.endpoint();
    const config = vscode.workspace.getConfiguration();
    await config.update('chatreq.endpoint.connect', url, vscode.ConfigurationTarget.Global);
    await config.update('chatreq.endpoint.participant', url, vscode.ConfigurationTarget.Global);
    return a;
  }

  /** A support-bot request and a test file of `tests(requestPath)` next to it (removed after the test), and the test file's item once listed. */
  async function suite(name: string, tests: (request: string) => unknown[]): Promise<{ h: ChatTestsHandle; file: vscode.TestItem }> {
    const dir = workspaceDir();
    const requestName = `${name}-${tag}.chatreq.json`;
    fs.writeFileSync(path.join(dir, requestName), JSON.stringify({ InstanceId: DEMO_INSTANCE, ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'Ada' } }));
    created.push(path.join(dir, requestName));
    const list = tests(`./${requestName}`);
    const testPath = path.join(dir, `${name}-${tag}.chattest.json`);
    fs.writeFileSync(testPath, JSON.stringify(list.length === 1 ? list[0] : { tests: list }, null, 2));
    created.push(testPath);
    const uri = vscode.Uri.file(testPath);
    const h = await handle();
    const file = await until('the file', async () => {
      await h.refresh();
      return h.fileItem(uri)?.children.size === list.length ? h.fileItem(uri) : undefined;
    });
    return { h, file };
  }

  it('offers one profile per connection, follows the AWS files, and runs through a non-default profile with its credentials and region without switching the workspace', async () => {
    const a = await sandboxForProfiles();
    aws.write(
      '[profile ct-a]\nregion = us-east-1\n[profile ct-b]\nregion = eu-west-2\n',
      `[ct-a]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n[ct-b]\naws_access_key_id = ${KEY_B}\naws_secret_access_key = ${SECRET_B}\n`,
    );
    const { h, file } = await suite('ct-against', (request) => [{ name: 'greets', request, steps: [{ expect: 'How can I help' }] }]);
    const labels = () => h.againstProfiles().map((p) => p.profile.label);
    await until('a profile per connection', () => (labels().includes('Run against ct-b (eu-west-2)') ? true : undefined));
    assert.deepEqual(labels(), ['Run against Sandbox (offline)', 'Run against ct-a (us-east-1)', 'Run against ct-b (eu-west-2)']);
    assert.ok(h.againstProfiles().every((p) => !p.profile.isDefault), 'Run (the current connection) stays the default');

    // An edit of the AWS files shows without a refresh: ct-a is gone, ct-c is new.
    aws.write(
      '[profile ct-b]\nregion = eu-west-2\n[profile ct-c]\nregion = ap-southeast-2\n',
      `[ct-b]\naws_access_key_id = ${KEY_B}\naws_secret_access_key = ${SECRET_B}\n[ct-c]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
    );
    await until('the profiles to follow the AWS files', () => (labels().join('|') === 'Run against Sandbox (offline)|Run against ct-b (eu-west-2)|Run against ct-c (ap-southeast-2)' ? true : undefined));

    // Environment credentials are offered once they are set, as Select Connection lists them.
    process.env.AWS_ACCESS_KEY_ID = KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.AWS_REGION = 'eu-central-1';
    await h.refresh();
    assert.ok(labels().includes('Run against Environment credentials (eu-central-1)'), labels().join(', '));
    for (const n of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) delete process.env[n];
    await h.refresh();
    assert.ok(!labels().some((l) => l.includes('Environment')), labels().join(', '));

    // A run through ct-b: its keys and region sign StartChatContact; the workspace keeps its connection.
    const before = JSON.stringify(a.services.connections.current);
    const stored = JSON.stringify(a.services.context.workspaceState.get('chatreq.connection') ?? null);
    let switched = 0;
    const sub = a.services.connections.onDidChange(() => switched++);
    const b = h.againstProfiles().find((p) => p.connection.kind === 'profile' && p.connection.profile === 'ct-b')!;
    const { results } = await h.run([file], undefined, b.profile).finally(() => void sub.dispose());
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'passed', results[0].failure?.text);
    assert.equal(results[0].record?.origin.connectionLabel, 'ct-b (eu-west-2)');
    const res = await fetch(`${await a.services.sandbox.endpoint()}/sandbox/contacts/${encodeURIComponent(results[0].contactId!)}`);
    assert.equal(res.status, 200);
    const contact = (await res.json()) as { startedWith?: { accessKeyId: string; region: string } };
    assert.deepEqual(contact.startedWith, { accessKeyId: KEY_B, region: 'eu-west-2' });
    assert.equal(JSON.stringify(a.services.connections.current), before, 'the selected connection did not change');
    assert.equal(JSON.stringify(a.services.context.workspaceState.get('chatreq.connection') ?? null), stored, 'nothing stored');
    assert.equal(switched, 0, 'nobody was told of a switch');
  });

  it('paces launches on AWS to chatreq.tests.launchRate, across the tests that run at once', async () => {
    const a = await sandboxForProfiles();
    const config = vscode.workspace.getConfiguration();
    await config.update('chatreq.tests.launchRate', 2, vscode.ConfigurationTarget.Global);
    try {
      aws.write('[profile ct-rate]\nregion = us-east-1\n', `[ct-rate]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
      const { h, file } = await suite('ct-rate', (request) => [1, 2, 3].map((n) => ({ name: `greets ${n}`, request, steps: [{ expect: 'How can I help' }] })));
      const profile = await until('the ct-rate profile', async () => {
        await h.syncProfiles();
        return h.againstProfiles().find((p) => p.connection.kind === 'profile' && p.connection.profile === 'ct-rate');
      });
      const { results } = await h.run([file], undefined, profile.profile);
      assert.deepEqual(results.map((r) => r.status), ['passed', 'passed', 'passed'], results.map((r) => r.failure?.text).join('\n'));
      const admin = await sandboxAdmin(a);
      const ids = new Set(results.map((r) => r.contactId));
      const starts = (await admin.contacts()).filter((c) => ids.has(c.contactId)).map((c) => Date.parse(c.startedAt)).sort((x, y) => x - y);
      assert.equal(starts.length, 3);
      // 2 per second: one launch every 500 ms (a little less on arrival, for the network).
      for (let k = 1; k < starts.length; k++) assert.ok(starts[k] - starts[k - 1] >= 450, `launch ${k + 1} came ${starts[k] - starts[k - 1]} ms after the one before`);
    } finally {
      await config.update('chatreq.tests.launchRate', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
