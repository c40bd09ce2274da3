import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FormState, ToWebview } from '../../src/core/request/formProtocol';
import type { ChatreqApi } from '../../src/extension/extension';
import { acceptItem, firstItem, shownQuickPick } from './connectionSupport';

async function api(): Promise<ChatreqApi> {
  const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
  assert.ok(ext);
  return ext.activate();
}

const fixture = () => vscode.Uri.file(path.join(process.env.CHATREQ_TEST_WORKSPACE ?? '', 'forms', 'form.chatreq.json'));

/** The next message the form on `uri` is sent that matches `pred` (subscribe before acting). */
function nextPost<T extends ToWebview>(a: ChatreqApi, uri: vscode.Uri, pred: (m: ToWebview) => m is T, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the form was not sent ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = a.requestForm.onDidPostMessage((p) => {
      if (p.uri.toString() === uri.toString() && pred(p.message)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(p.message);
      }
    });
  });
}

const isState = (m: ToWebview): m is Extract<ToWebview, { type: 'state' }> => m.type === 'state';
const isError = (m: ToWebview): m is Extract<ToWebview, { type: 'error' }> => m.type === 'error';
const stateWhere = (f: (s: FormState) => boolean) => (m: ToWebview): m is Extract<ToWebview, { type: 'state' }> => isState(m) && f(m.state);

/** Opens the fixture in the form and waits for the state the host sends when the webview says it is ready. */
/** The sandbox as the connection, and its demo instance with its flows, as the account cache lists them. */
async function sandboxDemo(a: ChatreqApi) {
  a.services.connections.useTransient({ kind: 'sandbox' });
  const demo = (await a.services.account.loadInstances()).find((i) => i.InstanceAlias === 'chatreq-demo');
  assert.ok(demo?.Id);
  return { demo: { ...demo, Id: demo.Id }, flows: await a.services.account.loadFlows(demo.Id) };
}

async function openForm(a: ChatreqApi, uri: vscode.Uri): Promise<FormState> {
  const ready = nextPost(a, uri, isState, 'its first state (the webview never sent "ready")');
  await vscode.commands.executeCommand(`chatreq.openRequestForm`, uri);
  return (await ready).state;
}

describe('request form (custom editor in the extension host)', () => {
  let original: string;

  before(async () => {
    await api();
    original = (await vscode.workspace.openTextDocument(fixture())).getText();
  });

  afterEach(async () => {
    // Put the file back as it was, unsaved changes discarded, and close everything.
    const doc = await vscode.workspace.openTextDocument(fixture());
    if (doc.getText() !== original) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
      await vscode.workspace.applyEdit(edit);
    }
    await doc.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Open Request Form" opens the file in the form, whose webview loads and asks for its data', async () => {
    const a = await api();
    const state = await openForm(a, fixture());
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, `active tab: ${tab?.label}`);
    assert.equal(tab.input.viewType, 'chatreq.requestForm');
    assert.equal(state.fields['ParticipantDetails.DisplayName'].value, 'Form Customer');
    assert.deepEqual(state.attributes.rows.map((r) => r.key), ['customerTier']);
    assert.deepEqual(state.otherMembers, ['SegmentAttributes']);
    assert.equal(state.readOnly, undefined);
  });

  it('the text editor stays the default for *.chatreq.json', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixture()));
    assert.equal(editor.document.uri.fsPath, fixture().fsPath);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputText, 'opening the file shows the text editor');
    assert.equal((await api()).requestForm.hasForm(fixture()), false);
  });

  it('turns a field change into one minimal edit that Undo takes back', async () => {
    const a = await api();
    const uri = fixture();
    const state = await openForm(a, uri);
    const updated = nextPost(a, uri, stateWhere((s) => s.fields['ParticipantDetails.DisplayName'].value === 'Ana Ruiz'), 'the edited state');
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: 'Ana Ruiz' } });
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), original.replace('"Form Customer"', '"Ana Ruiz"'), 'only the value changed');
    assert.ok(doc.isDirty);
    await updated;

    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'undo restores the text');
    await vscode.commands.executeCommand('redo');
    assert.equal(doc.getText(), original.replace('"Form Customer"', '"Ana Ruiz"'), 'redo reapplies it');
  });

  it('adds an attribute row and a content type without disturbing the rest of the file', async () => {
    const a = await api();
    const uri = fixture();
    const state = await openForm(a, uri);
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'addAttribute' } });
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setAttributeValue', index: 1, key: 'newAttribute', value: 'x' } });
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setContentType', contentType: 'text/markdown', checked: true } });
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.equal(
      text,
      original
        .replace('"customerTier": "gold"\n', '"customerTier": "gold",\n    "newAttribute": "x"\n')
        .replace('["text/plain"]', '["text/plain", "text/markdown"]'),
    );
  });

  it('pushes the document to the form when the text changes elsewhere', async () => {
    const a = await api();
    const uri = fixture();
    await openForm(a, uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const pushed = nextPost(a, uri, stateWhere((s) => s.fields.InstanceId.value === 'typed-in-text-editor'), 'the state after a text edit');
    const edit = new vscode.WorkspaceEdit();
    const start = doc.getText().indexOf('11111111');
    edit.replace(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(start + 36)), 'typed-in-text-editor');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const { state } = await pushed;
    assert.equal(state.version, doc.version);
  });

  it('goes read-only with the syntax error position on broken JSON and refuses edits, losing nothing', async () => {
    const a = await api();
    const uri = fixture();
    await openForm(a, uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const broken = nextPost(a, uri, stateWhere((s) => s.readOnly !== undefined), 'a read-only state');
    const edit = new vscode.WorkspaceEdit();
    const colon = doc.getText().indexOf(':');
    edit.delete(uri, new vscode.Range(doc.positionAt(colon), doc.positionAt(colon + 1)));
    await vscode.workspace.applyEdit(edit);
    const { state } = await broken;
    assert.equal(state.readOnly?.code, 'chatreq/json-syntax');
    assert.equal(state.readOnly?.line, 2);
    const before = doc.getText();
    const refused = nextPost(a, uri, isError, 'an error');
    await a.requestForm.receive(uri, { type: 'change', version: doc.version, change: { kind: 'setField', field: 'CustomerId', value: 'c' } });
    assert.match((await refused).message, /JSON syntax error at line 2/);
    assert.equal(doc.getText(), before);
  });

  it('shows the last valid values read-only when the JSON broke while the form was hidden', async () => {
    const a = await api();
    const uri = fixture();
    await openForm(a, uri);
    // The same file in a text editor in the same group: the form's tab is hidden behind it.
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    assert.ok(vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputText, 'the text editor is in front');
    const broken = nextPost(a, uri, stateWhere((s) => s.readOnly !== undefined), 'a read-only state');
    const edit = new vscode.WorkspaceEdit();
    const colon = doc.getText().indexOf(':');
    edit.delete(uri, new vscode.Range(doc.positionAt(colon), doc.positionAt(colon + 1)));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const whileHidden = (await broken).state;
    assert.equal(whileHidden.fields['ParticipantDetails.DisplayName'].value, 'Form Customer');
    assert.equal(whileHidden.readOnly?.showsLastValid, true);

    // Back to the form: its webview loads again and asks for its state, which must carry the last valid values.
    const shown = nextPost(a, uri, isState, 'the state for the form shown again');
    await vscode.commands.executeCommand('chatreq.openRequestForm', uri);
    const { state } = await shown;
    assert.equal(state.version, doc.version);
    assert.equal(state.readOnly?.code, 'chatreq/json-syntax');
    assert.equal(state.fields['ParticipantDetails.DisplayName'].value, 'Form Customer');
    assert.equal(state.readOnly?.showsLastValid, true);
    assert.equal(state.fields.InstanceId.value, '11111111-2222-3333-4444-555555555555');
    assert.deepEqual(state.attributes.rows.map((r) => [r.key, r.value]), [['customerTier', 'gold']]);
    assert.deepEqual(state.contentTypes.checked, ['text/plain']);
  });

  it('ignores messages that are not part of the protocol', async () => {
    const a = await api();
    const uri = fixture();
    await openForm(a, uri);
    await a.requestForm.receive(uri, { type: 'change', version: 1, change: { kind: 'setField', field: 'Unknown', value: 'x' } });
    await a.requestForm.receive(uri, { type: 'change', version: 1, change: { kind: 'setField', field: 'CustomerId', value: 42 } });
    await a.requestForm.receive(uri, { type: 'runCommand', command: 'workbench.action.closeAllEditors' });
    assert.equal((await vscode.workspace.openTextDocument(uri)).getText(), original);
  });

  it('suggests instances and flows from the account cache (the sandbox connection)', async () => {
    const a = await api();
    const uri = fixture();
    const { demo, flows } = await sandboxDemo(a);
    const state = await openForm(a, uri);

    const instanceList = nextPost(a, uri, (m): m is Extract<ToWebview, { type: 'suggestions' }> => m.type === 'suggestions' && m.kind === 'instances', 'instance suggestions');
    await a.requestForm.receive(uri, { type: 'suggest', kind: 'instances' });
    assert.ok((await instanceList).items.some((i) => i.value === demo.Id && i.label === 'chatreq-demo'));

    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'InstanceId', value: demo.Id } });
    const flowList = nextPost(a, uri, (m): m is Extract<ToWebview, { type: 'suggestions' }> => m.type === 'suggestions' && m.kind === 'flows', 'flow suggestions');
    await a.requestForm.receive(uri, { type: 'suggest', kind: 'flows' });
    const items = (await flowList).items;
    assert.deepEqual(items.map((i) => i.value).sort(), [...flows.chat, ...flows.other].map((f) => f.Id).sort());
  });

  it('names the instance and the flow from the account cache, and says nothing for an unknown ID', async () => {
    const a = await api();
    const uri = fixture();
    const { demo, flows } = await sandboxDemo(a);
    const flow = flows.chat.find((f) => f.Name);
    assert.ok(flow?.Id && flow.Name);
    const isNames = (m: ToWebview): m is Extract<ToWebview, { type: 'targetNames' }> => m.type === 'targetNames';
    const first = nextPost(a, uri, isNames, 'the names for the first state');
    const state = await openForm(a, uri);
    assert.deepEqual((await first).names, {}, 'the fixture\'s instance is not in the account');

    const named = nextPost(a, uri, (m): m is Extract<ToWebview, { type: 'targetNames' }> => isNames(m) && m.names.flow !== undefined, 'the names of the demo instance and flow');
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'InstanceId', value: demo.Id } });
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'ContactFlowId', value: flow.Id } });
    assert.deepEqual((await named).names, { instance: 'chatreq-demo', flow: flow.Name });

    const unknown = nextPost(a, uri, (m): m is Extract<ToWebview, { type: 'targetNames' }> => isNames(m) && m.names.flow === undefined, 'the names once the flow is unknown');
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'ContactFlowId', value: '00000000-0000-0000-0000-000000000000' } });
    assert.deepEqual((await unknown).names, { instance: 'chatreq-demo' });
  });

  it('Pick… runs the instance picker and writes the chosen ID', async () => {
    const a = await api();
    const uri = fixture();
    a.services.connections.useTransient({ kind: 'sandbox' });
    const instances = await a.services.account.loadInstances();
    await openForm(a, uri);
    const picking = a.requestForm.receive(uri, { type: 'pick', target: 'instance' });
    // Accept the first row once the quick pick shows its items.
    const doc = await vscode.workspace.openTextDocument(uri);
    const qp = await shownQuickPick('the instance pick');
    await acceptItem(qp, firstItem(qp));
    await picking;
    const picked = instances.map((i) => i.Id!).find((id) => doc.getText().includes(`"InstanceId": "${id}"`));
    assert.ok(picked, `InstanceId after the pick: ${doc.getText()}`);
    assert.equal(doc.getText(), original.replace('11111111-2222-3333-4444-555555555555', picked));
  });

  it('Pick… for the flow asks for the instance first, then lists that instance\'s flows', async () => {
    const a = await api();
    const uri = fixture();
    const { demo, flows } = await sandboxDemo(a);
    const state = await openForm(a, uri);
    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'InstanceId', value: '' } });
    const refused = nextPost(a, uri, isError, 'an error');
    await a.requestForm.receive(uri, { type: 'pick', target: 'flow' });
    const error = await refused;
    assert.match(error.message, /fill in InstanceId/);
    assert.equal(error.target, 'ContactFlowId');

    await a.requestForm.receive(uri, { type: 'change', version: state.version, change: { kind: 'setField', field: 'InstanceId', value: demo.Id } });
    const doc = await vscode.workspace.openTextDocument(uri);
    const picking = a.requestForm.receive(uri, { type: 'pick', target: 'flow' });
    const qp = await shownQuickPick('the flow pick');
    await acceptItem(qp, firstItem(qp));
    await picking;
    const written = /"ContactFlowId": "([^"]+)"/.exec(doc.getText())?.[1];
    assert.ok(written && flows.chat.some((f) => f.Id === written), `ContactFlowId ${written} is one of the instance's chat flows`);
  });

  it('"Open Request as Text" goes back to the text editor', async () => {
    const a = await api();
    const uri = fixture();
    await openForm(a, uri);
    await vscode.commands.executeCommand('chatreq.openRequestAsText');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputText, `active tab: ${tab?.label}`);
    assert.equal(tab.input.uri.fsPath, uri.fsPath);
  });
});
