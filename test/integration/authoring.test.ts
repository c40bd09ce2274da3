import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requestSchema, requestSnippets, validateRequestText, type Diagnostic } from '../../src/core/request';
import { RequestCodeActions } from '../../src/extension/authoring/codeActions';
import type { ChatreqApi } from '../../src/extension/extension';
import { DEMO_FLOWS, DEMO_INSTANCE_ID } from '../../src/sandbox/catalog';

const root = process.env.CHATREQ_ROOT ?? '';
const ws = process.env.CHATREQ_TEST_WORKSPACE ?? '';
const dir = path.join(ws, 'authoring');
const fixtures = path.join(root, 'test/fixtures/requests');

async function api(): Promise<ChatreqApi> {
  const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
  assert.ok(ext);
  return ext.activate();
}

/** Polls `probe` until it returns something other than undefined; fails with `what` after `ms`. */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function open(file: string, text?: string): Promise<vscode.TextDocument> {
  const p = path.join(dir, file);
  if (text !== undefined) fs.writeFileSync(p, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(p));
  await vscode.window.showTextDocument(doc);
  return doc;
}

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'chatreq');
const theirs = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'chatreq');
const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const severityName = (s: vscode.DiagnosticSeverity): string => ['error', 'warning', 'info', 'hint'][s];

/** A diagnostic as "code severity line:col-line:col" (the JSON service's have no chatreq code). */
function shownVs(d: vscode.Diagnostic, withCode = true): string {
  const r = d.range;
  return `${withCode ? `${codeOf(d)} ` : ''}${severityName(d.severity)} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
function shownCore(d: Diagnostic, withCode = true): string {
  const { start, end } = d.range;
  return `${withCode ? `${d.code} ` : ''}${d.severity} ${start.line}:${start.character}-${end.line}:${end.character}`;
}

async function complete(doc: vscode.TextDocument, offset: number): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(offset));
  return list.items;
}

const labelOf = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);

/** Completes at `offset` until an item labelled `label` appears (live data lands in the background). */
async function completeUntil(doc: vscode.TextDocument, offset: number, label: string): Promise<vscode.CompletionItem[]> {
  return waitFor(`completion item "${label}"`, async () => {
    const items = await complete(doc, offset);
    return items.some((i) => labelOf(i) === label) ? items : undefined;
  });
}

const insertedText = (i: vscode.CompletionItem): string => (i.insertText instanceof vscode.SnippetString ? i.insertText.value : String(i.insertText ?? labelOf(i)));

function cliValidate(target: string): Promise<{ files: Array<{ file: string; diagnostics: Diagnostic[] }> }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(root, 'dist/cli.js'), 'validate', '--json', target], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout) => {
      // Exit code 1 means "errors found": the JSON is still the answer.
      if (err && err.code !== 1) reject(new Error(`chatreq validate failed: ${err.message}`));
      else resolve(JSON.parse(stdout) as { files: Array<{ file: string; diagnostics: Diagnostic[] }> });
    });
  });
}

describe('authoring *.chatreq.json', function () {
  this.timeout(60_000);
  const fixtureFiles: string[] = [];

  before(async () => {
    const { services } = await api();
    services.connections.useTransient({ kind: 'sandbox' });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const sub of ['valid', 'invalid']) {
      for (const f of fs.readdirSync(path.join(fixtures, sub))) {
        // The fixture's relative $schema points into the repository; the copy gets its schema from
        // jsonValidation like any user file.
        const text = fs.readFileSync(path.join(fixtures, sub, f), 'utf8').replace(/^\s*"\$schema".*\n/m, '');
        fs.writeFileSync(path.join(dir, f), text);
        fixtureFiles.push(f);
      }
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('diagnostics', () => {
    it('opens request files as JSON: the JSON service flags comments and trailing commas', async () => {
      const doc = await open('strict-json.chatreq.json');
      assert.equal(doc.languageId, 'json');
      const found = await waitFor('the JSON service diagnostics', () => {
        const t = theirs(doc.uri);
        return t.length >= 3 ? t : undefined;
      });
      assert.ok(found.some((d) => /Comments are not permitted/.test(d.message) && d.range.start.line === 1), found.map((d) => d.message).join('; '));
      assert.deepEqual(ours(doc.uri), [], 'syntax problems are the JSON service\'s to report');
    });

    it('publishes the semantic rules with their codes, precise ranges and severities, each problem once', async () => {
      const doc = await open('rules.chatreq.json');
      // Written out by hand from the fixture (not computed by the engine under test), with the
      // text each range covers.
      const expected = [
        ['chatreq/attribute-key-characters error 2:18-2:29', '"has space"'],
        ['chatreq/duration-out-of-range error 3:27-3:32', '20000'],
        ['chatreq/text-plain-missing error 4:36-4:53', '["text/markdown"]'],
        ['chatreq/guide-needs-interactive-types error 5:61-5:76', '"connect:Guide"'],
        ['chatreq/rehydration-without-source error 6:22-6:39', '"RehydrationType"'],
        ['chatreq/persistent-chat-with-related-contact error 7:2-7:20', '"RelatedContactId"'],
      ];
      const got = await waitFor('rule diagnostics', () => {
        const o = ours(doc.uri).map((d) => [shownVs(d), doc.getText(d.range)]);
        return o.length === expected.length ? o : undefined;
      });
      assert.deepEqual(got, expected);
      const duration = ours(doc.uri).find((d) => codeOf(d) === 'chatreq/duration-out-of-range')!;
      assert.equal(doc.getText(duration.range), '20000');
      assert.match(duration.message, /between 60 and 10,080/);
      // The JSON service has the schema (it reports the other fixture's schema errors) but not the
      // duration range a rule reports: no second diagnostic on any range a rule covers.
      const schemaDoc = await open('schema.chatreq.json');
      await waitFor('schema diagnostics from the JSON service', () => (theirs(schemaDoc.uri).length > 0 ? true : undefined));
      const doubled = theirs(doc.uri).filter((t) => ours(doc.uri).some((o) => o.range.isEqual(t.range)));
      assert.deepEqual(doubled.map((d) => d.message), []);
    });

    it('checks ${env:NAME} against the extension host environment (warning), and re-checks after an edit', async () => {
      const doc = await open('env.chatreq.json', '{\n  "ParticipantDetails": { "DisplayName": "${env:CHATREQ_SURELY_UNSET_VAR}" }\n}\n');
      const warn = await waitFor('env-unknown', () => ours(doc.uri).find((d) => codeOf(d) === 'chatreq/env-unknown'));
      assert.equal(warn.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(doc.getText(warn.range), '${env:CHATREQ_SURELY_UNSET_VAR}');
      const name = Object.keys(process.env).find((k) => /^[A-Z_][A-Z0-9_]*$/.test(k) && process.env[k])!;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, warn.range, `\${env:${name}}`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the warning to go after the edit', () => (ours(doc.uri).length === 0 ? true : undefined));
    });

    it('clears a file\'s diagnostics when it is closed', async () => {
      const doc = await open('close-me.chatreq.json', '{"ParticipantDetails": {"DisplayName": "A"}, "ChatDurationInMinutes": 5}');
      await waitFor('a diagnostic', () => (ours(doc.uri).length === 1 ? true : undefined));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await waitFor('the diagnostics to clear', () => (ours(doc.uri).length === 0 ? true : undefined));
    });

    it('the CLI and the editor report the same problems, in the same words, for the same files', async () => {
      const cli = await cliValidate(dir);
      const byName = new Map(cli.files.map((f) => [path.basename(f.file), f.diagnostics]));
      const said = (range: string, message: string, severity: string): string => `${severity} ${range} ${message}`;
      let compared = 0;
      for (const f of fixtureFiles) {
        const fromCli = byName.get(f);
        assert.ok(fromCli, `the CLI did not check ${f}`);
        const doc = await open(f);
        // Chatreq's own problems: the chatreq collection, with the same codes, severities, ranges and messages.
        const rules = fromCli.filter((d) => d.source !== 'json').map((d) => `${shownCore(d)} ${d.message}`);
        const editorRules = await waitFor(`${f}: Chatreq's diagnostics`, () => {
          const o = ours(doc.uri).map((d) => `${shownVs(d)} ${d.message}`);
          return o.length === rules.length ? o : undefined;
        });
        assert.deepEqual(editorRules, rules, f);
        // The JSON language service's problems: what VS Code's own JSON service shows, word for word
        // on the same ranges. VS Code shows schema problems and duplicate keys as warnings (its
        // fixed default); the CLI counts them as errors, because Connect rejects such a request.
        const editorSeverity = (d: Diagnostic): string => (/^chatreq\/json-(syntax|comment|trailing-comma)$/.test(d.code) ? d.severity : 'warning');
        const json = fromCli
          .filter((d) => d.source === 'json')
          .map((d) => said(shownCore(d, false).replace(/^\S+ /, ''), d.message, editorSeverity(d)))
          .sort();
        const editorJson = await waitFor(`${f}: JSON service diagnostics`, () => {
          const t = theirs(doc.uri).map((d) => said(shownVs(d, false).replace(/^\S+ /, ''), d.message, severityName(d.severity))).sort();
          return t.length === json.length ? t : undefined;
        });
        assert.deepEqual(editorJson, json, f);
        compared += json.length + rules.length;
      }
      assert.ok(compared >= 10, `only ${compared} problems compared: the fixtures no longer exercise the engines`);
    });
  });

  describe('completion and hover', () => {
    it('completes the schema members (JSON service) and the sandbox account\'s instances (live)', async () => {
      const doc = await open('members.chatreq.json', '{\n  \n}\n');
      const members = await waitFor('schema member completions', async () => {
        const items = await complete(doc, 4);
        return items.some((i) => labelOf(i) === 'ParticipantDetails') ? items : undefined;
      });
      for (const m of ['InstanceId', 'ContactFlowId', 'Attributes', 'SupportedMessagingContentTypes', 'PersistentChat', 'DisconnectOnCustomerExit']) {
        assert.ok(members.some((i) => labelOf(i) === m && i.kind === vscode.CompletionItemKind.Property), `member ${m}`);
      }

      const live = await open('instance.chatreq.json', '{\n  "InstanceId": ""\n}\n');
      const at = live.getText().indexOf('""') + 1;
      const items = await completeUntil(live, at, 'chatreq-demo');
      const demo = items.find((i) => labelOf(i) === 'chatreq-demo')!;
      assert.equal(insertedText(demo), DEMO_INSTANCE_ID);
      assert.equal(demo.kind, vscode.CompletionItemKind.Reference);
      assert.equal(demo.detail, DEMO_INSTANCE_ID);
      // Accepting it puts the ID (not the alias) into the file.
      await vscode.window.activeTextEditor!.insertSnippet(demo.insertText as vscode.SnippetString, demo.range as vscode.Range);
      assert.equal((JSON.parse(live.getText()) as { InstanceId: string }).InstanceId, DEMO_INSTANCE_ID);
    });

    it('offers the request snippets in an empty request file, and not in other JSON files', async () => {
      const doc = await open('empty.chatreq.json', '');
      const items = await waitFor('snippet completions', async () => {
        const got = await complete(doc, 0);
        return got.some((i) => i.kind === vscode.CompletionItemKind.Snippet) ? got : undefined;
      });
      const snippets = items.filter((i) => i.kind === vscode.CompletionItemKind.Snippet).map(labelOf).sort();
      assert.deepEqual(snippets, ['chatreq-guide', 'chatreq-markdown', 'chatreq-persistent', 'chatreq-request']);
      const other = await open('other.json', '');
      const plain = await complete(other, 0);
      assert.deepEqual(plain.filter((i) => labelOf(i).startsWith('chatreq-')).map(labelOf), []);
      // Not where a whole request does not fit: inside Attributes, inside a string value.
      const inside = await open('inside.chatreq.json', `{\n  "InstanceId": "x",\n  "Attributes": {  }\n}\n`);
      for (const at of [inside.getText().indexOf('{  }') + 2, inside.getText().indexOf('"x"') + 1]) {
        const got = await complete(inside, at);
        assert.deepEqual(got.filter((i) => labelOf(i).startsWith('chatreq-') && i.kind === vscode.CompletionItemKind.Snippet).map(labelOf), [], `at ${at}`);
      }
    });

    it('at the request snippet\'s instance-id placeholder, a live instance is accepted and Tab goes on to flow-id', async () => {
      const doc = await open('session.chatreq.json', '');
      const editor = vscode.window.activeTextEditor!;
      const request = requestSnippets.find((x) => x.prefix === 'chatreq-request')!;
      await editor.insertSnippet(new vscode.SnippetString(request.body.join('\n')), new vscode.Position(0, 0));
      assert.equal(doc.getText(editor.selection), 'instance-id');
      // The account's instances are cached, so completion lists them at the placeholder.
      await completeUntil(doc, doc.offsetAt(editor.selection.active), 'chatreq-demo');
      // Through the suggest widget, as a user would: Ctrl+Space, then Enter.
      await waitFor('the suggestion to be accepted at the placeholder', async () => {
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        await vscode.commands.executeCommand('acceptSelectedSuggestion');
        return doc.getText().includes(`"InstanceId": "${DEMO_INSTANCE_ID}"`) ? true : undefined;
      });
      // The snippet session is still on: Tab selects the next placeholder.
      await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
      assert.equal(doc.getText(editor.selection), 'flow-id');
      await vscode.commands.executeCommand('leaveSnippet');
    });

    it('ContactFlowId offers the instance\'s flows, name as label and type and status in detail', async () => {
      const { services } = await api();
      const flows = await services.account.loadFlows(DEMO_INSTANCE_ID);
      const support = [...flows.chat, ...flows.other].find((f) => f.Id === DEMO_FLOWS.supportBot)!;
      assert.ok(support.Name);
      const doc = await open('flow.chatreq.json', `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": ""\n}\n`);
      const items = await completeUntil(doc, doc.getText().indexOf('""') + 1, support.Name);
      const item = items.find((i) => labelOf(i) === support.Name)!;
      assert.equal(insertedText(item), DEMO_FLOWS.supportBot);
      assert.match(item.detail ?? '', new RegExp(`^${support.ContactFlowType}`));
      assert.ok(items.filter((i) => i.kind === vscode.CompletionItemKind.Reference).length >= 3);
    });

    it('ContactFlowId lists startable chat flows first and marks the queue flow and the unpublished draft; a request naming one gets a warning', async () => {
      const { services } = await api();
      const flows = await services.account.loadFlows(DEMO_INSTANCE_ID);
      const all = [...flows.chat, ...flows.other];
      const queue = all.find((f) => f.Id === DEMO_FLOWS.queueWait)!;
      const draft = all.find((f) => f.Id === DEMO_FLOWS.feedbackDraft)!;
      const doc = await open('flowkind.chatreq.json', `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": ""\n}\n`);
      const items = await completeUntil(doc, doc.getText().indexOf('""') + 1, queue.Name!);
      const refs = items.filter((i) => i.kind === vscode.CompletionItemKind.Reference).sort((a, b) => (a.sortText ?? labelOf(a)).localeCompare(b.sortText ?? labelOf(b)));
      const marked = refs.filter((i) => /not startable/.test(i.detail ?? '')).map(labelOf);
      assert.deepEqual(marked.sort(), [draft.Name!, queue.Name!].sort());
      const firstMarked = refs.findIndex((i) => /not startable/.test(i.detail ?? ''));
      assert.ok(refs.slice(firstMarked).every((i) => /not startable/.test(i.detail ?? '')), `startable flows sort first: ${refs.map(labelOf).join(', ')}`);
      assert.ok(refs.some((i) => labelOf(i) === 'Support Bot (Lex)' && !/not startable/.test(i.detail ?? '')));

      for (const [flow, words] of [[queue, /is a CUSTOMER_QUEUE flow/], [draft, /is not published/]] as const) {
        const named = await open(`names-${flow.Id}.chatreq.json`, `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": "${flow.Id}"\n}\n`);
        const d = await waitFor(`the flow-not-startable warning for ${flow.Name}`, () => ours(named.uri).find((x) => codeOf(x) === 'chatreq/flow-not-startable'));
        assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
        assert.match(d.message, words);
        assert.equal(d.range.start.line, 2);
      }
      const fine = await open('names-support.chatreq.json', `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": "${DEMO_FLOWS.supportBot}"\n}\n`);
      // The file was checked (its other warning is there) and the chat flow got no flow warning.
      await waitFor('the checks of a request naming a chat flow', () => (ours(fine.uri).some((x) => codeOf(x) === 'chatreq/missing-participant-details') ? true : undefined));
      assert.deepEqual(ours(fine.uri).map(codeOf).filter((c) => c === 'chatreq/flow-not-startable'), []);
    });

    it('Attributes offers the keys the flow reads, including the flows it transfers to', async () => {
      const doc = await open('attrs.chatreq.json', `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": "${DEMO_FLOWS.supportBot}",\n  "Attributes": {  }\n}\n`);
      const at = doc.getText().indexOf('{  }') + 2;
      // orderId is read by order-status and firstName by after-hours: support-bot transfers to both.
      await completeUntil(doc, at, 'orderId');
      const items = await completeUntil(doc, at, 'firstName');
      const key = items.find((i) => labelOf(i) === 'orderId')!;
      assert.equal(key.kind, vscode.CompletionItemKind.Property);
      // Where it is read, by flow and block name as the account knows them, never a block's UUID.
      const orderFlow = (await (await api()).services.account.loadFlows(DEMO_INSTANCE_ID)).chat.find((f) => f.Id === DEMO_FLOWS.orderStatus)!;
      assert.equal(key.detail, `read by ${orderFlow.Name}`);
      const doc2 = typeof key.documentation === 'string' ? key.documentation : (key.documentation?.value ?? '');
      assert.match(doc2, new RegExp(`in ${orderFlow.Name!.replace(/[()]/g, '\\$&')}`));
      assert.doesNotMatch(doc2, /[0-9a-f]{8}-[0-9a-f]{4}-/);
    });

    it('hover on an ID shows the instance alias or flow name next to the schema text, neither twice', async () => {
      const { services } = await api();
      const flows = await services.account.loadFlows(DEMO_INSTANCE_ID);
      const support = [...flows.chat, ...flows.other].find((f) => f.Id === DEMO_FLOWS.supportBot)!;
      const doc = await open('hover.chatreq.json', `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": "${DEMO_FLOWS.supportBot}"\n}\n`);
      const seen = async (offset: number, live: string): Promise<string[]> =>
        waitFor(`hover "${live}"`, async () => {
          const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset));
          const parts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((s) => s !== '');
          return parts.some((p) => p.includes(live)) ? parts : undefined;
        });
      const onInstance = await seen(doc.getText().indexOf(DEMO_INSTANCE_ID) + 3, 'Instance **chatreq-demo**');
      assert.deepEqual(onInstance.sort(), [requestSchema.properties!.InstanceId.markdownDescription!, 'Instance **chatreq-demo**'].sort());
      const flowNote = `Flow **${support.Name}** (${[support.ContactFlowType, support.ContactFlowState, support.ContactFlowStatus].filter(Boolean).join(' · ')})`;
      const onFlow = await seen(doc.getText().indexOf(DEMO_FLOWS.supportBot) + 3, flowNote);
      assert.deepEqual(onFlow.sort(), [requestSchema.properties!.ContactFlowId.markdownDescription!, flowNote].sort());
      // Without live data for the value (an ID the account does not have) only the schema text shows.
      const other = await open('hover-unknown.chatreq.json', '{\n  "InstanceId": "00000000-0000-4000-8000-000000000000"\n}\n');
      const plain = await waitFor('schema hover', async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', other.uri, new vscode.Position(1, 20));
        const parts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((s) => s !== '');
        return parts.length > 0 ? parts : undefined;
      });
      assert.deepEqual(plain, [requestSchema.properties!.InstanceId.markdownDescription!]);
    });

    it('hovering an attribute key describes the attribute, not its value', async () => {
      const doc = await open('hover-key.chatreq.json', '{\n  "Attributes": { "loyaltyLevel": "gold" }\n}\n');
      const parts = await waitFor('the hover on an attribute key', async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(doc.getText().indexOf('loyaltyLevel') + 2));
        const got = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((s) => s !== '');
        return got.length > 0 ? got : undefined;
      });
      assert.ok(parts.every((p) => !/^Attribute value/.test(p)), parts.join('\n'));
      assert.ok(parts.some((p) => /^A contact attribute: the flow reads its value as `\$\.Attributes\.<this key>`/.test(p)), parts.join('\n'));
    });

    it('a key\'s values come from the flow\'s Compare blocks (a flows-folder flow in the sandbox)', async () => {
      const { services } = await api();
      const flowsDir = path.join(ws, 'authoring-flows');
      fs.mkdirSync(flowsDir, { recursive: true });
      fs.copyFileSync(path.join(root, 'test/fixtures/flows/exampleB-attributes.flow.json'), path.join(flowsDir, 'verify.flow.json'));
      const config = vscode.workspace.getConfiguration();
      // Kept stopped while the setting changes (no view starts it with the old folder meanwhile), then started with the folder.
      await services.sandbox.stop({ stayStopped: true });
      await config.update('chatreq.sandbox.flowsFolder', flowsDir, vscode.ConfigurationTarget.Workspace);
      await services.sandbox.start();
      try {
        services.connections.reset('flows folder changed (test)');
        const local = (await services.account.loadInstances()).find((i) => i.InstanceAlias === 'local');
        assert.ok(local?.Id, 'the sandbox did not load the flows folder');
        const listing = await services.account.loadFlows(local.Id);
        const flow = [...listing.chat, ...listing.other][0];
        assert.ok(flow?.Id);
        const doc = await open('values.chatreq.json', `{\n  "InstanceId": "${local.Id}",\n  "ContactFlowId": "${flow.Id}",\n  "Attributes": { "verificationCode": "" }\n}\n`);
        const items = await completeUntil(doc, doc.getText().indexOf('""') + 1, 'foobar');
        const value = items.find((i) => labelOf(i) === 'foobar')!;
        assert.equal(value.kind, vscode.CompletionItemKind.Value);
        assert.equal(insertedText(value), 'foobar');
      } finally {
        await services.sandbox.stop({ stayStopped: true });
        await config.update('chatreq.sandbox.flowsFolder', undefined, vscode.ConfigurationTarget.Workspace);
        await services.sandbox.start();
        services.connections.reset('flows folder restored (test)');
        fs.rmSync(flowsDir, { recursive: true, force: true });
      }
    });
  });

  describe('quick fixes', () => {
    async function fix(doc: vscode.TextDocument, code: string, title: string, source: 'chatreq' | 'json' = 'chatreq'): Promise<void> {
      const list = source === 'chatreq' ? ours : theirs;
      const d = await waitFor(`diagnostic ${code}`, () => list(doc.uri).find((x) => (source === 'chatreq' ? codeOf(x) === code : x.message.includes(code))));
      const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', doc.uri, d.range);
      const action = actions.find((a): a is vscode.CodeAction => a.title === title);
      assert.ok(action, `no "${title}" for ${code}; got ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind));
      assert.equal(action.isPreferred, true, `${title} is preferred`);
      assert.ok(action.edit);
      // The command API drops CodeAction.diagnostics: ask the provider itself what it attaches.
      const direct = await new RequestCodeActions().provideCodeActions(doc, d.range, { diagnostics: [d], triggerKind: vscode.CodeActionTriggerKind.Invoke, only: undefined });
      const same = direct.find((a) => a.title === title);
      assert.deepEqual(same?.diagnostics, [d]);
      assert.ok(await vscode.workspace.applyEdit(action.edit));
      await waitFor(`${code} to go after "${title}"`, () => (list(doc.uri).some((x) => x.range.isEqual(d.range) && (source === 'chatreq' ? codeOf(x) === code : x.message.includes(code))) ? undefined : true));
    }

    it('clamp the duration, add text/plain, add the interactive types, remove the conflicting member', async () => {
      const doc = await open('fix-rules.chatreq.json', fs.readFileSync(path.join(fixtures, 'invalid/rules.chatreq.json'), 'utf8'));
      await fix(doc, 'chatreq/duration-out-of-range', 'Change to 10080');
      await fix(doc, 'chatreq/text-plain-missing', 'Add "text/plain"');
      await fix(doc, 'chatreq/guide-needs-interactive-types', 'Add the interactive content types');
      await fix(doc, 'chatreq/persistent-chat-with-related-contact', 'Remove RelatedContactId');
      const request = JSON.parse(doc.getText()) as Record<string, unknown>;
      assert.equal(request.ChatDurationInMinutes, 10080);
      assert.deepEqual(request.SupportedMessagingContentTypes, [
        'text/plain',
        'text/markdown',
        'application/vnd.amazonaws.connect.message.interactive',
        'application/vnd.amazonaws.connect.message.interactive.response',
      ]);
      assert.equal(request.RelatedContactId, undefined);
      // What the editor shows after the fixes (not what the engine under test computes).
      const fixed = ['chatreq/duration-out-of-range', 'chatreq/text-plain-missing', 'chatreq/guide-needs-interactive-types', 'chatreq/persistent-chat-with-related-contact'];
      const left = await waitFor('the fixed problems to leave the Problems list', () => {
        const codes = ours(doc.uri).map((d) => codeOf(d));
        return codes.some((c) => fixed.includes(c)) ? undefined : codes;
      });
      assert.deepEqual(left.filter((c) => fixed.includes(c)), []);
    });

    it('ARN → ID, and the core\'s fix on a JSON service diagnostic (remove the comment)', async () => {
      const doc = await open('fix-arn.chatreq.json', fs.readFileSync(path.join(fixtures, 'invalid/arn-ids.chatreq.json'), 'utf8'));
      await fix(doc, 'chatreq/arn-instead-of-id', 'Use the ID aaaabbbb-1111-2222-3333-444455556666');
      assert.equal((JSON.parse(doc.getText()) as { InstanceId: string }).InstanceId, 'aaaabbbb-1111-2222-3333-444455556666');
      const strict = await open('fix-strict.chatreq.json', fs.readFileSync(path.join(fixtures, 'invalid/strict-json.chatreq.json'), 'utf8'));
      await fix(strict, 'Comments are not permitted', 'Remove the comment', 'json');
      assert.doesNotMatch(strict.getText(), /\/\//);
    });
  });

  describe('New Chat Request', () => {
    const cmd = 'chatreq.newChatRequest';

    it('writes a valid <name>.chatreq.json with the given instance and flow and opens it', async () => {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(cmd, {
        name: 'from-flow',
        instanceId: DEMO_INSTANCE_ID,
        flowId: DEMO_FLOWS.orderStatus,
        flowName: 'Order status',
      });
      assert.ok(uri);
      assert.equal(path.basename(uri.fsPath), 'from-flow.chatreq.json');
      assert.equal(path.dirname(uri.fsPath), ws);
      const text = fs.readFileSync(uri.fsPath, 'utf8');
      const request = JSON.parse(text) as Record<string, unknown>;
      assert.equal(request.InstanceId, DEMO_INSTANCE_ID);
      assert.equal(request.ContactFlowId, DEMO_FLOWS.orderStatus);
      assert.deepEqual(validateRequestText(text, { env: process.env }), []);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
    });

    it('asks for the name, suggesting the flow\'s name and then the next free one', async () => {
      const created: string[] = [];
      for (const expected of ['support-bot-lex.chatreq.json', 'support-bot-lex-2.chatreq.json']) {
        const pending = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>(cmd, { flowName: 'Support Bot (Lex)' }));
        // The real input box, once it shows the suggestion and its check passed; then Enter, as a user would.
        const box = await waitFor(`the name box suggesting ${expected}`, async () => {
          const b = (await vscode.commands.executeCommand<{ activeInputBox(): vscode.InputBox | undefined }>('chatreq._connectionInternals')).activeInputBox();
          return b && !b.busy && b.validationMessage === undefined && `${b.value}.chatreq.json` === expected ? b : undefined;
        });
        assert.equal(box.title, 'New Chat Request');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const uri = await pending;
        assert.ok(uri, 'the command was cancelled');
        assert.equal(path.basename(uri.fsPath), expected);
        created.push(uri.fsPath);
      }
      for (const f of created) fs.rmSync(f);
    });

    it('refuses to overwrite, writes into the explorer\'s folder, and rejects a path as a name', async () => {
      const target = path.join(ws, 'from-flow.chatreq.json');
      fs.writeFileSync(target, '{"keep": "me"}');
      assert.equal(await vscode.commands.executeCommand(cmd, { name: 'from-flow' }), undefined);
      assert.equal(fs.readFileSync(target, 'utf8'), '{"keep": "me"}');

      const sub = path.join(ws, 'authoring', 'sub');
      fs.mkdirSync(sub, { recursive: true });
      const inSub = await vscode.commands.executeCommand<vscode.Uri | undefined>(cmd, vscode.Uri.file(sub), { name: 'in-folder.chatreq.json' });
      assert.equal(inSub?.fsPath, path.join(sub, 'in-folder.chatreq.json'));
      assert.deepEqual(validateRequestText(fs.readFileSync(inSub.fsPath, 'utf8')).filter((d) => d.severity === 'error'), []);

      assert.equal(await vscode.commands.executeCommand(cmd, { name: '../escape' }), undefined);
      assert.equal(fs.existsSync(path.join(path.dirname(ws), 'escape.chatreq.json')), false);
      fs.rmSync(target);
    });
  });
});
