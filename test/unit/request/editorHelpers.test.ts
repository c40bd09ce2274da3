import assert from 'node:assert/strict';
import {
  completionsAt,
  describeMember,
  flowTargetDiagnostics,
  hoverAt,
  requestMemberNames,
  type AttributeUsage,
  type CompletionCandidate,
} from '../../../src/core/request';

/** Applies a candidate the way an editor would, with snippet placeholders at their defaults. */
function accept(text: string, c: CompletionCandidate): string {
  const plain = c.insertText
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\([$}\\])/g, '$1');
  return text.slice(0, c.replace.offset) + plain + text.slice(c.replace.offset + c.replace.length);
}

const usage: AttributeUsage = {
  keys: [
    { key: 'customerTier', values: ['gold', 'silver'], readBy: [{ block: 'Check contact attributes', flow: 'Support Bot' }] },
    { key: 'locale', values: [], readBy: [{ block: 'Play prompt', flow: 'Support Bot' }, { block: 'Play prompt', flow: 'After Hours' }] },
  ],
  transfers: [],
};

describe('request completion (live data only)', () => {
  it('offers the attribute keys the flow reads, and the values it compares them with', () => {
    const text = '{"Attributes": {"locale": "en", }}';
    const keys = completionsAt(text, text.indexOf(', }') + 2, { attributeUsage: usage });
    assert.deepEqual(keys.map((c) => c.label), ['customerTier']);
    assert.match(keys[0].documentation!, /Compared with: `gold`, `silver`/);
    // Where it is read, by block and flow name (never a block's UUID).
    assert.equal(keys[0].detail, 'read by Support Bot');
    assert.match(keys[0].documentation!, /\(Check contact attributes in Support Bot\)/);
    const all = completionsAt('{"Attributes": {}}', 16, { attributeUsage: usage });
    assert.equal(all.find((c) => c.label === 'locale')?.detail, 'read by Support Bot, After Hours');
    const t2 = '{"Attributes": {"customerTier": ""}}';
    const values = completionsAt(t2, t2.indexOf('""') + 1, { attributeUsage: usage });
    assert.deepEqual(values.map((c) => c.label), ['gold', 'silver']);
    const after = accept(t2, values[0]);
    assert.equal((JSON.parse(after) as { Attributes: { customerTier: string } }).Attributes.customerTier, 'gold');
  });

  it('offers cached instances (alias as label, ID inserted) and flows (name, type and state)', () => {
    const text = '{"InstanceId": "", "ContactFlowId": ""}';
    const inst = completionsAt(text, text.indexOf('""') + 1, { instances: [{ id: 'i-123', alias: 'prod-chat' }] });
    assert.deepEqual(inst.map((c) => [c.label, c.insertText]), [['prod-chat', 'i-123']]);
    assert.equal((JSON.parse(accept(text, inst[0])) as { InstanceId: string }).InstanceId, 'i-123');
    const flows = completionsAt(text, text.lastIndexOf('""') + 1, { flows: [{ id: 'f-1', name: 'Inbound chat', type: 'CONTACT_FLOW', state: 'ACTIVE' }] });
    assert.deepEqual(flows.map((c) => [c.label, c.insertText, c.detail]), [['Inbound chat', 'f-1', 'CONTACT_FLOW · ACTIVE']]);
  });

  it('at a snippet placeholder in a string, replaces only the placeholder text between the quotes', () => {
    // As the request snippet leaves it: "instance-id" selected, the cursor at its end.
    const text = '{"InstanceId": "instance-id", "Attributes": {"customerTier": "gold"}}';
    const [inst] = completionsAt(text, text.indexOf('instance-id') + 'instance-id'.length, { instances: [{ id: 'i-123', alias: 'prod-chat' }] });
    assert.deepEqual(inst.replace, { offset: text.indexOf('instance-id'), length: 'instance-id'.length });
    assert.equal(accept(text, inst), text.replace('instance-id', 'i-123'));
    // The placeholder text matches no instance, so it does not filter them out...
    assert.ok(inst.filterText.startsWith('instance-id'), inst.filterText);
    // ...while text that matches one filters as usual.
    const typed = '{"InstanceId": "prod"}';
    const [p] = completionsAt(typed, typed.indexOf('prod') + 4, { instances: [{ id: 'i-123', alias: 'prod-chat' }] });
    assert.equal(p.filterText, 'prod-chat i-123');
    // A key placeholder with its value: only the key's text changes.
    const [key] = completionsAt(text, text.indexOf('customerTier') + 4, { attributeUsage: usage }).filter((c) => c.label === 'locale');
    assert.deepEqual(key.replace, { offset: text.indexOf('customerTier'), length: 'customerTier'.length });
    assert.equal(accept(text, key), text.replace('customerTier', 'locale'));
  });

  it('ContactFlowId: flows StartChatContact cannot start (other types, saved-only, archived) come last and say why', () => {
    const text = '{"InstanceId": "i-1", "ContactFlowId": ""}';
    const flows = completionsAt(text, text.lastIndexOf('""') + 1, {
      flows: [
        { id: 'q', name: 'A queue flow', type: 'CUSTOMER_QUEUE', state: 'ACTIVE', status: 'PUBLISHED' },
        { id: 'd', name: 'B draft', type: 'CONTACT_FLOW', state: 'ACTIVE', status: 'SAVED' },
        { id: 'c', name: 'C chat', type: 'CONTACT_FLOW', state: 'ACTIVE', status: 'PUBLISHED' },
        { id: 'x', name: 'D old', type: 'CONTACT_FLOW', state: 'ARCHIVED', status: 'PUBLISHED' },
      ],
    });
    const sorted = [...flows].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
    assert.deepEqual(sorted.map((c) => c.label), ['C chat', 'A queue flow', 'B draft', 'D old']);
    assert.equal(sorted[0].detail, 'CONTACT_FLOW · ACTIVE · PUBLISHED');
    assert.equal(sorted[1].detail, '⚠ CUSTOMER_QUEUE · ACTIVE · PUBLISHED · not startable');
    assert.match(sorted[1].documentation ?? '', /a CUSTOMER_QUEUE flow; StartChatContact starts only inbound \(CONTACT_FLOW\) flows/);
    assert.match(sorted[2].documentation ?? '', /not published/);
    assert.match(sorted[3].documentation ?? '', /archived/);
  });

  it('flowTargetDiagnostics warns on a ContactFlowId the cached account data says StartChatContact refuses', () => {
    const flows = [
      { id: '11111111-2222-4333-8444-555555555555', name: 'Queue music', type: 'CUSTOMER_QUEUE', state: 'ACTIVE', status: 'PUBLISHED' },
      { id: '21111111-2222-4333-8444-555555555555', name: 'Draft', type: 'CONTACT_FLOW', state: 'ACTIVE', status: 'SAVED' },
      { id: '31111111-2222-4333-8444-555555555555', name: 'Chat', type: 'CONTACT_FLOW', state: 'ACTIVE', status: 'PUBLISHED' },
    ];
    const req = (flow: string) => `{\n  "InstanceId": "i-1",\n  "ContactFlowId": "${flow}"\n}\n`;
    const [queue] = flowTargetDiagnostics(req(flows[0].id), flows);
    assert.equal(queue.code, 'chatreq/flow-not-startable');
    assert.equal(queue.severity, 'warning');
    assert.equal(queue.message, 'Flow "Queue music" is a CUSTOMER_QUEUE flow; StartChatContact starts only inbound (CONTACT_FLOW) flows. Pick a published chat flow (Chatreq: Select Flow lists them first).');
    assert.deepEqual([queue.range.start, queue.range.end], [{ line: 2, character: 19 }, { line: 2, character: 57 }]);
    const arn = `arn:aws:connect:us-east-1:111122223333:instance/i-1/contact-flow/${flows[1].id}`;
    assert.match(flowTargetDiagnostics(req(arn), flows)[0]?.message ?? '', /Flow "Draft" is not published/);
    assert.deepEqual(flowTargetDiagnostics(req(flows[2].id), flows), []);
    assert.deepEqual(flowTargetDiagnostics(req('41111111-2222-4333-8444-555555555555'), flows), [], 'a flow the cache does not list is not judged');
    assert.deepEqual(flowTargetDiagnostics(req(flows[0].id), undefined), [], 'nothing cached, nothing said');
  });

  it('offers nothing from the schema: members, enum values and snippets are the JSON language service\'s', () => {
    assert.deepEqual(completionsAt('{\n  \n}', 4), []);
    const text = '{"ParticipantConfiguration": {"ResponseMode": "IN"}, "SegmentAttributes": {  }}';
    assert.deepEqual(completionsAt(text, text.indexOf('"IN"') + 2), []);
    assert.deepEqual(completionsAt(text, text.indexOf('{  }') + 2), []);
    const keys = completionsAt('{"Attributes": {  }}', 16, { attributeUsage: usage });
    assert.deepEqual(keys.map((c) => c.label), ['customerTier', 'locale']);
  });
});

describe('request hover', () => {
  it('describes every top-level member', () => {
    for (const name of requestMemberNames()) assert.ok(describeMember([name])?.startsWith(`**${name}**`), name);
  });

  it('describes nested members, list entries and segment attribute values', () => {
    assert.match(describeMember(['ParticipantDetails', 'DisplayName'])!, /Length 1-256/);
    assert.match(describeMember(['DisconnectOnCustomerExit', 0])!, /DisconnectOnCustomerExit/);
    assert.match(describeMember(['SegmentAttributes', 'custom', 'ValueString'])!, /1,024/);
    assert.equal(describeMember(['NoSuchMember']), undefined);
  });

  it('hoverAt gives the member text and the hovered range; enum values add their meaning', () => {
    const text = '{"ParticipantConfiguration": {"ResponseMode": "INCREMENTAL"}}';
    const onKey = hoverAt(text, text.indexOf('ResponseMode') + 1)!;
    assert.equal(text.slice(onKey.offset, onKey.offset + onKey.length), '"ResponseMode"');
    const onValue = hoverAt(text, text.indexOf('INCREMENTAL') + 1)!;
    assert.match(onValue.markdown, /`INCREMENTAL`: Deliver responses in pieces/);
    assert.equal(hoverAt(text, 0), undefined);
  });

  it('with cached live data: instance alias, flow name, and where the flow reads an attribute', () => {
    const text = '{"InstanceId": "i-1", "ContactFlowId": "f-1", "Attributes": {"customerTier": "gold"}}';
    const ctx = {
      instances: [{ id: 'i-1', alias: 'prod-chat' }],
      flows: [{ id: 'f-1', name: 'Inbound chat', type: 'CONTACT_FLOW', state: 'ACTIVE' }],
      attributeUsage: usage,
    };
    assert.match(hoverAt(text, text.indexOf('"i-1"') + 1, ctx)!.markdown, /^Instance \*\*prod-chat\*\*/);
    assert.match(hoverAt(text, text.indexOf('"f-1"') + 1, ctx)!.markdown, /^Flow \*\*Inbound chat\*\* \(CONTACT_FLOW · ACTIVE\)/);
    assert.match(hoverAt(text, text.indexOf('customerTier') + 1, ctx)!.markdown, /^Read by the selected flow \(Check contact attributes in Support Bot\)\. Compared with `gold`, `silver`\./);
    assert.doesNotMatch(hoverAt(text, text.indexOf('"i-1"') + 1)!.markdown, /prod-chat/);
  });
});
