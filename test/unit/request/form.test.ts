import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from '../../../src/core/request';
import { memberInsertionIndex, setValueEdits } from '../../../src/core/request/edits';
import { formChangeEdits, formStateOf, minimalEdit, type TargetLookup, targetNamesOf } from '../../../src/core/request/form';
import {
  addedAttributeRow,
  type FormChange,
  FORM_LABELS,
  parseFromWebview,
  parseToWebview,
  SCALAR_FIELDS,
  takesIncomingValue,
} from '../../../src/core/request/formProtocol';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/requests');
const read = (rel: string) => fs.readFileSync(path.join(fixtures, rel), 'utf8');

const state = (text: string) => formStateOf(text, { version: 1, trusted: true });

/** Applies a change and returns the new text; fails on an error result. */
function change(text: string, c: FormChange): string {
  const r = formChangeEdits(text, c);
  assert.ok('edits' in r, `unexpected error: ${'error' in r ? r.error : ''}`);
  assert.ok(r.edits.length <= 1, 'a change is at most one edit');
  return applyEdits(text, r.edits);
}

const support = `{
  // the demo request
  "InstanceId": "11111111-2222-3333-4444-555555555555",
  "ParticipantDetails": { "DisplayName": "Test Customer" },
  "Attributes": { "customerTier": "gold", "locale": "en_US" },
  "SupportedMessagingContentTypes": ["text/plain", "text/markdown"],
  "SegmentAttributes": { "connect:Subtype": { "ValueString": "connect:Guide" } }
}
`;

describe('request form model', () => {
  describe('document → form state', () => {
    it('reads every shown member of a valid request', () => {
      const s = state(read('valid/persistent.chatreq.json'));
      assert.equal(s.readOnly, undefined);
      assert.deepEqual(s.fields.InstanceId, { value: 'aaaabbbb-1111-2222-3333-444455556666', present: true, editable: true });
      assert.equal(s.fields['ParticipantDetails.DisplayName'].value, 'Returning customer');
      assert.equal(s.fields['PersistentChat.RehydrationType'].value, 'ENTIRE_PAST_SESSION');
      assert.equal(s.fields['PersistentChat.SourceContactId'].value, '${env:PREVIOUS_CONTACT_ID}');
      assert.equal(s.fields['InitialMessage.ContentType'].value, 'text/markdown');
      assert.deepEqual(s.contentTypes.checked, ['text/plain', 'text/markdown']);
      assert.equal(s.fields.ClientToken.present, false);
      assert.deepEqual(s.otherMembers, []);
    });

    it('lists attributes as rows in document order and names the members it does not show', () => {
      const s = state(support);
      assert.deepEqual(
        s.attributes.rows.map((r) => [r.key, r.value, r.editable]),
        [
          ['customerTier', 'gold', true],
          ['locale', 'en_US', true],
        ],
      );
      assert.deepEqual(s.otherMembers, ['SegmentAttributes']);
    });

    it('shows a value of the wrong type read-only with a note instead of coercing it', () => {
      const s = state('{ "ChatDurationInMinutes": "sixty", "Attributes": { "n": 42 }, "ParticipantDetails": "Bob" }');
      assert.equal(s.fields.ChatDurationInMinutes.editable, false);
      assert.match(s.fields.ChatDurationInMinutes.note ?? '', /holds a string, not a number/);
      assert.deepEqual([s.attributes.rows[0].value, s.attributes.rows[0].editable], ['42', false]);
      assert.equal(s.fields['ParticipantDetails.DisplayName'].editable, false);
      assert.match(s.fields['ParticipantDetails.DisplayName'].note ?? '', /ParticipantDetails is a string/);
    });

    it('puts diagnostics next to the fields they concern, with code and one-based position', () => {
      const s = state(read('invalid/rules.chatreq.json'));
      const on = (target: string) => s.diagnostics.filter((d) => d.target === target).map((d) => d.code);
      assert.ok(on('ChatDurationInMinutes').includes('chatreq/duration-out-of-range'), JSON.stringify(s.diagnostics));
      assert.ok(on('Attributes[0]').includes('chatreq/attribute-key-characters'), JSON.stringify(s.diagnostics));
      assert.ok(on('SupportedMessagingContentTypes').includes('chatreq/text-plain-missing'), JSON.stringify(s.diagnostics));
      const duration = s.diagnostics.find((d) => d.code === 'chatreq/duration-out-of-range')!;
      assert.equal(duration.line, 4);
      assert.ok(duration.column > 1);
    });

    it('makes the form read-only with the syntax error position when the JSON is broken', () => {
      const s = state('{\n  "InstanceId": "abc",\n  "ContactFlowId" "x"\n}');
      assert.ok(s.readOnly, 'read-only');
      assert.equal(s.readOnly.code, 'chatreq/json-syntax');
      assert.equal(s.readOnly.line, 3);
      assert.match(s.readOnly.message, /colon|:/i);
      const r = formChangeEdits('{\n  "InstanceId": "abc",\n  "ContactFlowId" "x"\n}', { kind: 'setField', field: 'InstanceId', value: 'z' });
      assert.ok('error' in r && /line 3, column/.test(r.error), JSON.stringify(r));
    });

    it('given the last valid state, keeps showing its values read-only while the text is broken', () => {
      const good = state(support);
      const broken = support.replace('"InstanceId":', '"InstanceId"');
      const s = formStateOf(broken, { version: 7, trusted: true, lastValid: good });
      assert.equal(s.version, 7, 'the version is the broken text\'s');
      assert.equal(s.readOnly?.code, 'chatreq/json-syntax');
      assert.equal(s.readOnly?.line, 3);
      assert.equal(s.readOnly?.showsLastValid, true);
      assert.deepEqual(s.fields, good.fields);
      assert.deepEqual(s.attributes, good.attributes);
      assert.deepEqual(s.contentTypes, good.contentTypes);
      assert.deepEqual(s.disconnectAgent, good.disconnectAgent);
      assert.deepEqual(s.otherMembers, good.otherMembers);
      assert.deepEqual(parseToWebview({ type: 'state', state: s }), { type: 'state', state: s });
    });

    it('without a last valid state, broken text shows empty fields and says so', () => {
      const s = formStateOf(support.replace('"InstanceId":', '"InstanceId"'), { version: 2, trusted: true });
      assert.equal(s.readOnly?.showsLastValid, false);
      assert.equal(s.fields['ParticipantDetails.DisplayName'].value, '');
      // A last valid state is used only while the text is broken.
      const fresh = formStateOf('{ "CustomerId": "c" }', { version: 3, trusted: true, lastValid: state(support) });
      assert.equal(fresh.readOnly, undefined);
      assert.equal(fresh.fields['ParticipantDetails.DisplayName'].present, false);
    });

    it('is read-only on a number with leading zeros (the text does not parse as written)', () => {
      const s = state('{\n  "ChatDurationInMinutes": 060,\n  "InstanceId": "a"\n}');
      assert.equal(s.readOnly?.code, 'chatreq/json-leading-zero');
      assert.equal(s.readOnly?.line, 2);
      const r = formChangeEdits('{\n  "ChatDurationInMinutes": 060,\n  "InstanceId": "a"\n}', { kind: 'setField', field: 'InstanceId', value: 'z' });
      assert.ok('error' in r && /line 2, column/.test(r.error), JSON.stringify(r));
    });

    it('treats a root that is not an object as read-only', () => {
      assert.equal(state('[1, 2]').readOnly?.code, 'chatreq/not-an-object');
    });

    it('stays editable with comments and trailing commas (they are diagnostics, not blockers)', () => {
      const s = state('{\n  // note\n  "InstanceId": "a",\n}');
      assert.equal(s.readOnly, undefined);
      assert.ok(s.diagnostics.some((d) => d.code === 'chatreq/json-comment'));
    });
  });

  describe('form change → minimal edit', () => {
    it('replaces only the value typed into, keeping comments, layout and other members', () => {
      const after = change(support, { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: 'Ana "A" Ruiz' });
      assert.equal(after, support.replace('"Test Customer"', '"Ana \\"A\\" Ruiz"'));
      const r = formChangeEdits(support, { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: 'Ana' });
      assert.ok('edits' in r);
      assert.equal(r.edits[0].newText, 'Ana', 'the edit covers only the differing characters');
    });

    it('adds a missing member in the style of its neighbours', () => {
      const after = change(support, { kind: 'setField', field: 'ContactFlowId', value: 'flow-1' });
      // At its usual place, after InstanceId, indented like its neighbours.
      assert.ok(after.includes('555555555555",\n  "ContactFlowId": "flow-1",\n  "ParticipantDetails"'), after);
      assert.ok(after.startsWith('{\n  // the demo request\n'), 'comment kept');
      assert.deepEqual(state(after).otherMembers, ['SegmentAttributes']);
    });

    it('adds into a one-line object on the same line', () => {
      const text = '{\n  "PersistentChat": { "RehydrationType": "FROM_SEGMENT" }\n}';
      const after = change(text, { kind: 'setField', field: 'PersistentChat.SourceContactId', value: 'c-1' });
      assert.equal(after, '{\n  "PersistentChat": { "RehydrationType": "FROM_SEGMENT", "SourceContactId": "c-1" }\n}');
    });

    it('creates a missing parent object', () => {
      const after = change('{\n  "InstanceId": "i"\n}', { kind: 'setField', field: 'InitialMessage.Content', value: 'Hi' });
      assert.deepEqual(JSON.parse(after), { InstanceId: 'i', InitialMessage: { Content: 'Hi' } });
    });

    it('removes a member when its field is emptied, and its object when that empties it', () => {
      const after = change(support, { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: '' });
      assert.ok(!after.includes('ParticipantDetails'), after);
      assert.doesNotThrow(() => state(after));
      assert.equal(state(after).readOnly, undefined);
      const text = '{ "PersistentChat": { "RehydrationType": "FROM_SEGMENT", "SourceContactId": "c" } }';
      assert.equal(change(text, { kind: 'setField', field: 'PersistentChat.SourceContactId', value: '' }), '{ "PersistentChat": { "RehydrationType": "FROM_SEGMENT" } }');
    });

    it('writes ChatDurationInMinutes as a number and refuses text that is not one', () => {
      const after = change(support, { kind: 'setField', field: 'ChatDurationInMinutes', value: ' 90 ' });
      assert.equal((JSON.parse(after.replace(/\/\/.*\n/, '')) as { ChatDurationInMinutes: unknown }).ChatDurationInMinutes, 90);
      const r = formChangeEdits(support, { kind: 'setField', field: 'ChatDurationInMinutes', value: '1h' });
      assert.ok('error' in r);
      assert.match(r.error, /ChatDurationInMinutes takes a whole number/);
      assert.equal(r.target, 'ChatDurationInMinutes');
    });

    it('makes no edit when the value is already there', () => {
      const r = formChangeEdits(support, { kind: 'setField', field: 'InstanceId', value: '11111111-2222-3333-4444-555555555555' });
      assert.deepEqual(r, { edits: [] });
    });

    it('edits attributes by row: add, rename, set value, remove', () => {
      let t = change(support, { kind: 'addAttribute' });
      assert.ok(t.includes('"Attributes": { "customerTier": "gold", "locale": "en_US", "newAttribute": "" }'), t);
      t = change(t, { kind: 'renameAttribute', index: 2, key: 'newAttribute', newKey: 'orderId' });
      t = change(t, { kind: 'setAttributeValue', index: 2, key: 'orderId', value: 'A-1001' });
      assert.deepEqual(state(t).attributes.rows.map((r) => `${r.key}=${r.value}`), ['customerTier=gold', 'locale=en_US', 'orderId=A-1001']);
      t = change(t, { kind: 'removeAttribute', index: 0, key: 'customerTier' });
      assert.ok(t.includes('"Attributes": { "locale": "en_US", "orderId": "A-1001" }'), t);
      t = change(t, { kind: 'removeAttribute', index: 0, key: 'locale' });
      t = change(t, { kind: 'removeAttribute', index: 0, key: 'orderId' });
      assert.ok(!t.includes('"Attributes"'), 'the last row takes the member with it');
      assert.ok(t.includes('SegmentAttributes'));
    });

    it('refuses an attribute change addressed to a row that moved meanwhile', () => {
      const r = formChangeEdits(support, { kind: 'setAttributeValue', index: 0, key: 'locale', value: 'x' });
      assert.ok('error' in r);
      assert.match(r.error, /no longer at row 1/);
    });

    it('toggles content types without disturbing the others', () => {
      let t = change(support, { kind: 'setContentType', contentType: 'application/json', checked: true });
      assert.ok(t.includes('["text/plain", "text/markdown", "application/json"]'), t);
      t = change(t, { kind: 'setContentType', contentType: 'text/markdown', checked: false });
      assert.ok(t.includes('["text/plain", "application/json"]'), t);
      t = change(t, { kind: 'setContentType', contentType: 'text/plain', checked: false });
      t = change(t, { kind: 'setContentType', contentType: 'application/json', checked: false });
      assert.ok(!t.includes('SupportedMessagingContentTypes'), t);
      t = change(t, { kind: 'setContentType', contentType: 'text/plain', checked: true });
      assert.deepEqual(state(t).contentTypes.checked, ['text/plain']);
    });

    it('keeps content types the form does not know', () => {
      const t = '{ "SupportedMessagingContentTypes": ["${env:CT}", "text/plain"] }';
      assert.deepEqual(state(t).contentTypes.others, ['${env:CT}']);
      assert.equal(change(t, { kind: 'setContentType', contentType: 'text/plain', checked: false }), '{ "SupportedMessagingContentTypes": ["${env:CT}"] }');
    });

    it('sets and clears DisconnectOnCustomerExit', () => {
      const t = change('{}', { kind: 'setDisconnectAgent', checked: true });
      assert.deepEqual(JSON.parse(t), { DisconnectOnCustomerExit: ['AGENT'] });
      assert.equal(state(t).disconnectAgent.checked, true);
      assert.deepEqual(JSON.parse(change(t, { kind: 'setDisconnectAgent', checked: false })), {});
    });

    it('starts a request in an empty file', () => {
      const t = change('', { kind: 'setField', field: 'ParticipantDetails.DisplayName', value: 'Ana' });
      assert.deepEqual(JSON.parse(t), { ParticipantDetails: { DisplayName: 'Ana' } });
      assert.ok(t.endsWith('}\n'));
      assert.equal(state('  \n').readOnly, undefined, 'an empty file is not a syntax error for the form');
    });

    it('uses tabs where the file does', () => {
      const t = change('{\n\t"InstanceId": "i"\n}\n', { kind: 'setField', field: 'CustomerId', value: 'c' });
      assert.equal(t, '{\n\t"InstanceId": "i",\n\t"CustomerId": "c"\n}\n');
    });

    it('minimalEdit keeps the common prefix and suffix', () => {
      assert.deepEqual(minimalEdit('abcXdef', 'abcYYdef'), { offset: 3, length: 1, newText: 'YY' });
      assert.deepEqual(minimalEdit('same', 'same'), { offset: 4, length: 0, newText: '' });
    });
  });

  describe('instance and flow names', () => {
    const instances = [
      { Id: 'inst-1', InstanceAlias: 'support-prod' },
      { Id: 'inst-2' },
    ];
    const flows: Record<string, Array<{ Id?: string; Name?: string }>> = { 'inst-1': [{ Id: 'flow-1', Name: 'Main chat flow' }, { Id: 'flow-2' }] };
    const account: TargetLookup = { instances: () => instances, flows: (id: string) => flows[id] };
    const names = (text: string, env: Record<string, string> = {}, source = account) => targetNamesOf(state(text), source, env);

    it('names the instance by its alias and the flow by its name when the account data knows them', () => {
      assert.deepEqual(names('{ "InstanceId": "inst-1", "ContactFlowId": "flow-1" }'), { instance: 'support-prod', flow: 'Main chat flow' });
    });

    it('finds the IDs inside pasted ARNs and ${env:NAME} references that are set', () => {
      const arn = 'arn:aws:connect:eu-west-2:123456789012:instance/inst-1';
      assert.deepEqual(names(`{ "ContactFlowId": "${arn}/contact-flow/flow-1" }`), { instance: 'support-prod', flow: 'Main chat flow' });
      assert.deepEqual(names('{ "InstanceId": "${env:INST}", "ContactFlowId": "flow-1" }', { INST: 'inst-1' }), { instance: 'support-prod', flow: 'Main chat flow' });
      assert.deepEqual(names('{ "InstanceId": "${env:INST}", "ContactFlowId": "flow-1" }'), {});
    });

    it('says nothing when an ID, a name or the account data is unknown', () => {
      assert.deepEqual(names('{ "InstanceId": "inst-2", "ContactFlowId": "flow-1" }'), {}, 'an instance without an alias; its flows are not cached');
      assert.deepEqual(names('{ "InstanceId": "inst-1", "ContactFlowId": "flow-2" }'), { instance: 'support-prod' });
      assert.deepEqual(names('{ "InstanceId": "nope", "ContactFlowId": "flow-1" }'), {});
      assert.deepEqual(names('{ "InstanceId": "inst-1" }', {}, { instances: () => undefined, flows: () => undefined }), {});
      assert.deepEqual(names('{ "InstanceId": 42 }'), {});
    });
  });

  describe('adding an attribute', () => {
    it('finds the row the add made, wherever it lands', () => {
      assert.equal(addedAttributeRow(['customerTier'], ['customerTier', 'newAttribute']), 1);
      assert.equal(addedAttributeRow([], ['newAttribute']), 0);
      assert.equal(addedAttributeRow(['b', 'c'], ['a', 'b', 'c']), 0);
      assert.equal(addedAttributeRow(['x', 'x'], ['x', 'x', 'x']), 2, 'duplicate keys are counted');
    });

    it('finds none when no row was added', () => {
      assert.equal(addedAttributeRow(['a', 'b'], ['a', 'b']), undefined);
      assert.equal(addedAttributeRow(['a', 'b'], ['a']), undefined);
      assert.equal(addedAttributeRow(['a'], ['b']), undefined, 'a rename is not an add');
    });
  });

  describe('labels', () => {
    it('give every field and member section a plain label and its StartChatContact member name', () => {
      const labelled = [...SCALAR_FIELDS, 'Attributes', 'InitialMessage', 'SupportedMessagingContentTypes', 'DisconnectOnCustomerExit'] as const;
      for (const target of labelled) {
        const l = FORM_LABELS[target];
        assert.ok(l, `${target} has a label`);
        assert.equal(l.member, target, `${target}: the member name is its JSON path`);
        assert.notEqual(l.label, l.member);
        // Plain words: starts with a capital, then no capital letters glued to lower-case ones (no camel case).
        assert.match(l.label, /^[A-Z][^A-Z]*(?:\b(?:ID|URL)\b[^A-Z]*)*$/, `${target}: "${l.label}" reads as plain words`);
      }
      const labels = Object.values(FORM_LABELS).map((l) => l.label);
      assert.equal(new Set(labels).size, labels.length, 'no two labels are the same');
    });
  });

  describe('message validation', () => {
    it('accepts well-formed webview messages and rejects the rest', () => {
      assert.deepEqual(parseFromWebview({ type: 'change', version: 3, change: { kind: 'setField', field: 'InstanceId', value: 'x' } }), {
        type: 'change',
        version: 3,
        change: { kind: 'setField', field: 'InstanceId', value: 'x' },
      });
      assert.equal(parseFromWebview({ type: 'change', version: 3, change: { kind: 'setField', field: 'Secret', value: 'x' } }), undefined);
      assert.equal(parseFromWebview({ type: 'change', version: 3, change: { kind: 'setField', field: 'InstanceId', value: 7 } }), undefined);
      assert.equal(parseFromWebview({ type: 'change', version: 3, change: { kind: 'removeAttribute', index: -1, key: 'a' } }), undefined);
      assert.equal(parseFromWebview({ type: 'change', version: 3, change: { kind: 'setContentType', contentType: 'text/html', checked: true } }), undefined);
      assert.equal(parseFromWebview({ type: 'pick', target: 'queue' }), undefined);
      assert.equal(parseFromWebview({ type: 'eval', code: '1' }), undefined);
      assert.equal(parseFromWebview('ready'), undefined);
      assert.equal(parseFromWebview({ type: 'change', version: 1, change: { kind: 'setField', field: 'InstanceId', value: 'x'.repeat(70000) } }), undefined);
    });

    it('accepts a state the model produces and rejects a malformed one', () => {
      const s = state(support);
      assert.deepEqual(parseToWebview({ type: 'state', state: s }), { type: 'state', state: s });
      assert.equal(parseToWebview({ type: 'state', state: { ...s, fields: {} } }), undefined);
      assert.equal(parseToWebview({ type: 'suggestions', kind: 'flows', items: [{ value: 1 }] }), undefined);
    });
  });

  describe('the field being typed in', () => {
    const c = { focused: true, pending: false, lastSent: 'Ana', current: 'Ana', incoming: 'Ana' };
    it('keeps its text while an edit is pending or when the state is the echo of its own edit', () => {
      assert.equal(takesIncomingValue({ ...c, pending: true, current: 'Ana R', incoming: 'Ana' }), false, 'typed on since the last send');
      assert.equal(takesIncomingValue({ ...c, current: 'Ana', incoming: 'Ana' }), false);
      assert.equal(takesIncomingValue({ ...c, lastSent: 'Ana', current: 'Ana', incoming: 'Ana' }), false);
    });
    it('takes a change made elsewhere (Undo, the text editor), and any change when not focused', () => {
      assert.equal(takesIncomingValue({ ...c, lastSent: 'Ana', current: 'Ana', incoming: 'Bea' }), true);
      assert.equal(takesIncomingValue({ ...c, focused: false, lastSent: undefined, current: 'x', incoming: 'y' }), true);
      assert.equal(takesIncomingValue({ ...c, focused: false, pending: true, current: 'x', incoming: 'y' }), true);
    });
  });
});

describe('a new request member goes to its usual place', () => {
  it('ContactFlowId after InstanceId, not at the end (multi-line, one-line, and before everything else)', () => {
    // Multi-line (jsonc-parser lays it out); `support` has InstanceId first, then ParticipantDetails.
    const multi = change(support, { kind: 'setField', field: 'ContactFlowId', value: 'f-1' });
    assert.deepEqual(Object.keys(JSON.parse(multi.replace(/\/\/.*\n/, '')) as object).slice(0, 3), ['InstanceId', 'ContactFlowId', 'ParticipantDetails']);
    // One line: the member goes in on the same line, in place.
    const one = '{"InstanceId": "i-1", "ParticipantDetails": {"DisplayName": "Ada"}}';
    assert.equal(change(one, { kind: 'setField', field: 'ContactFlowId', value: 'f-1' }), '{"InstanceId": "i-1", "ContactFlowId": "f-1", "ParticipantDetails": {"DisplayName": "Ada"}}');
    // InstanceId goes first when only later members are there.
    const later = '{"ContactFlowId": "f-1", "Attributes": {}}';
    assert.equal(change(later, { kind: 'setField', field: 'InstanceId', value: 'i-1' }), '{"InstanceId": "i-1", "ContactFlowId": "f-1", "Attributes": {}}');
  });

  it('memberInsertionIndex steps over members it does not know and puts unknown ones last', () => {
    assert.equal(memberInsertionIndex(['InstanceId', 'x-custom', 'Attributes'], 'ContactFlowId'), 1);
    assert.equal(memberInsertionIndex(['x-custom', 'Attributes'], 'InstanceId'), 1);
    assert.equal(memberInsertionIndex(['InstanceId'], 'x-custom'), 1);
    assert.equal(memberInsertionIndex([], 'InstanceId'), 0);
    // Pickers and quick fixes write through setValueEdits, which uses the same order.
    const text = '{\n  "InstanceId": "i-1",\n  "Attributes": {}\n}\n';
    assert.equal(applyEdits(text, setValueEdits(text, ['ContactFlowId'], 'f-1')), '{\n  "InstanceId": "i-1",\n  "ContactFlowId": "f-1",\n  "Attributes": {}\n}\n');
  });
});
