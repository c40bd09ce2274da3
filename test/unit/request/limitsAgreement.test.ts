/**
 * `chatreq validate` and the sandbox read the same limits (src/core/request/limits.ts), so they
 * agree: every case below goes through the CLI as a file and through the real AWS SDK into the
 * sandbox, and both must accept it or both refuse it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartChatContactCommand } from '@aws-sdk/client-connect';
import { runCli } from '../../../src/cli/main';
import { INT32, LEFT_TO_LAUNCH, SEGMENT_VALUE_MAX_DEPTH } from '../../../src/core/request/limits';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { captureIo } from '../../support/cliIo';
import { clients, DEMO_FLOWS, DEMO_INSTANCE_ID } from '../sandbox/support';

/** A segment attribute value with `levels` levels of ValueMap (or ValueList) below it. */
function nested(levels: number, via: 'ValueMap' | 'ValueList' = 'ValueMap'): Record<string, unknown> {
  let v: Record<string, unknown> = { ValueString: 'leaf' };
  for (let i = 0; i < levels; i++) v = via === 'ValueMap' ? { ValueMap: { [`k${i}`]: v } } : { ValueList: [v] };
  return v;
}

const ARN = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';

/** [what, members over a minimal valid request (undefined removes one), the error code validate reports or undefined]. */
const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
  // The disagreements issue 12 found: each of these passed `chatreq validate` (exit 0) on the old main.
  ['no ParticipantDetails', { ParticipantDetails: undefined }, 'chatreq/missing-participant-details'],
  ['a text/markdown initial message, SupportedMessagingContentTypes unset', { InitialMessage: { ContentType: 'text/markdown', Content: '**hi**' } }, 'chatreq/initial-message-type-not-listed'],
  [
    'an application/json initial message its list does not name',
    { SupportedMessagingContentTypes: ['text/plain', 'text/markdown'], InitialMessage: { ContentType: 'application/json', Content: '{}' } },
    'chatreq/initial-message-type-not-listed',
  ],
  ['an initial message type its list names', { SupportedMessagingContentTypes: ['text/plain', 'text/markdown'], InitialMessage: { ContentType: 'text/markdown', Content: '*hi*' } }, undefined],
  ['a ValueArn that is not an ARN', { SegmentAttributes: { 'connect:Thing': { ValueArn: 'not-an-arn' } } }, 'chatreq/segment-value-not-an-arn'],
  ['a ValueArn that is an ARN', { SegmentAttributes: { 'connect:Thing': { ValueArn: ARN } } }, undefined],
  ['two Value* members in one value', { SegmentAttributes: { mine: { ValueString: 'x', ValueInteger: 1 } } }, 'chatreq/segment-value-members'],
  ['two Value* members in a nested value', { SegmentAttributes: { mine: { ValueMap: { a: { ValueString: 'x', ValueMap: {} } } } } }, 'chatreq/segment-value-members'],
  [`values nested ${SEGMENT_VALUE_MAX_DEPTH} levels`, { SegmentAttributes: { mine: nested(SEGMENT_VALUE_MAX_DEPTH) } }, undefined],
  [`values nested ${SEGMENT_VALUE_MAX_DEPTH + 1} levels`, { SegmentAttributes: { mine: nested(SEGMENT_VALUE_MAX_DEPTH + 1) } }, 'chatreq/segment-value-too-deep'],
  [`lists nested ${SEGMENT_VALUE_MAX_DEPTH + 1} levels (a system attribute)`, { SegmentAttributes: { 'connect:Thing': nested(SEGMENT_VALUE_MAX_DEPTH + 1, 'ValueList') } }, 'chatreq/segment-value-too-deep'],
  ['ValueInteger at the 32-bit maximum', { SegmentAttributes: { mine: { ValueInteger: INT32.max } } }, undefined],
  ['ValueInteger past the 32-bit maximum', { SegmentAttributes: { mine: { ValueInteger: INT32.max + 1 } } }, 'chatreq/out-of-range'],
  ['ValueInteger past the 32-bit minimum', { SegmentAttributes: { mine: { ValueMap: { n: { ValueInteger: INT32.min - 1 } } } } }, 'chatreq/out-of-range'],
  ['ValueArn nested under a user-defined attribute', { SegmentAttributes: { mine: { ValueMap: { a: { ValueArn: ARN } } } } }, 'chatreq/segment-value-system-only'],
  // The limits both already shared.
  ['exactly 32,768 attribute bytes', { Attributes: { a: 'x'.repeat(16383), b: 'y'.repeat(16383) } }, undefined],
  ['32,769 attribute bytes', { Attributes: { a: 'x'.repeat(16383), bb: 'y'.repeat(16383) } }, 'chatreq/attributes-too-large'],
  ['an attribute key with a space', { Attributes: { 'a b': '1' } }, 'chatreq/attribute-key-characters'],
  ['a segment attribute key with a space', { SegmentAttributes: { 'a b': { ValueString: 'x' } } }, 'chatreq/segment-attribute-key-characters'],
  ['ValueArn on a user-defined segment attribute', { SegmentAttributes: { mine: { ValueArn: 'arn:aws:iam::1:role/x' } } }, 'chatreq/segment-value-system-only'],
  ['no text/plain', { SupportedMessagingContentTypes: ['text/markdown'] }, 'chatreq/text-plain-missing'],
  ['guide without interactive types', { SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Guide' } } }, 'chatreq/guide-needs-interactive-types'],
  ['a 1,025-character text initial message', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(1025) } }, 'chatreq/initial-message-too-long'],
  ['a 1,024-character text initial message', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(1024) } }, undefined],
  ['59 minutes', { ChatDurationInMinutes: 59 }, 'chatreq/duration-out-of-range'],
  ['10,081 minutes', { ChatDurationInMinutes: 10081 }, 'chatreq/duration-out-of-range'],
  ['PersistentChat with RelatedContactId', { PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'x' }, RelatedContactId: 'y' }, 'chatreq/persistent-chat-with-related-contact'],
  ['RehydrationType without SourceContactId', { PersistentChat: { RehydrationType: 'FROM_SEGMENT' } }, 'chatreq/rehydration-without-source'],
  ['SourceContactId without RehydrationType', { PersistentChat: { SourceContactId: 'x' } }, 'chatreq/source-without-rehydration'],
  ['an unknown content type', { SupportedMessagingContentTypes: ['text/plain', 'image/png'] }, 'chatreq/invalid-value'],
  ['two DisconnectOnCustomerExit entries', { DisconnectOnCustomerExit: ['AGENT', 'AGENT'] }, 'chatreq/too-many-items'],
];

describe('chatreq validate and the sandbox agree on what StartChatContact refuses (one limits module)', function () {
  this.timeout(60_000);
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let dir: string;
  before(async () => {
    sb = await startSandbox();
    c = clients(sb, 1);
    dir = mkdtempSync(join(tmpdir(), 'chatreq-agree-'));
  });
  after(async () => {
    c?.connect.destroy();
    c?.participant.destroy();
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `chatreq validate --json` on `input` written as a file: its exit code and its error codes. */
  async function validate(name: string, input: Record<string, unknown>): Promise<{ exit: number; errors: string[] }> {
    writeFileSync(join(dir, name), JSON.stringify(input, null, 2));
    const io = captureIo(dir);
    const exit = await runCli(['validate', '--json', name], io);
    const doc = JSON.parse(io.out) as { files: Array<{ diagnostics?: Array<{ code: string; severity: string }> }> };
    return { exit, errors: (doc.files[0].diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.code) };
  }

  const request = (members: Record<string, unknown>): Record<string, unknown> => {
    const r: Record<string, unknown> = { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'A' }, ...members };
    for (const [k, v] of Object.entries(r)) if (v === undefined) delete r[k];
    return r;
  };

  cases.forEach(([what, members, code], i) => {
    it(`${what}: ${code ? `both refuse it (${code})` : 'both accept it'}`, async () => {
      const input = request(members);
      const v = await validate(`case-${i}.chatreq.json`, input);
      assert.deepEqual(v.errors, code ? [code] : [], `chatreq validate on ${JSON.stringify(input).slice(0, 300)}`);
      assert.equal(v.exit, code ? 1 : 0);
      const sent = c.connect.send(new StartChatContactCommand(input as never));
      if (code) await assert.rejects(sent, (e: Error) => /Invalid(Request|Parameter)Exception/.test(e.name), `the sandbox accepted ${what}`);
      else assert.ok((await sent).ContactId, `the sandbox refused ${what}`);
    });
  });

  it('where the file format differs on purpose: InstanceId and ContactFlowId may be left to launch, which the API itself refuses', async () => {
    assert.deepEqual([...LEFT_TO_LAUNCH], ['InstanceId', 'ContactFlowId']);
    const file = request({ InstanceId: undefined, ContactFlowId: undefined });
    const v = await validate('no-target.chatreq.json', file);
    assert.deepEqual([v.exit, v.errors], [0, []]);
    await assert.rejects(c.connect.send(new StartChatContactCommand(file as never)), (e: Error) => e.name === 'InvalidParameterException' && /'InstanceId'.*'ContactFlowId'/.test(e.message));
    // What launch sends once the pickers (or --instance-id / --flow-id) filled them in.
    const out = await c.connect.send(new StartChatContactCommand({ ...file, InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot } as never));
    assert.ok(out.ContactId);
  });
});
