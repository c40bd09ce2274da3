/**
 * The pure presentation helpers, the flow-trace parsing, and the AWS CLI command (run for real
 * against the sandbox, as the user would paste it into bash).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { flowLogRecords, readFlowTrace } from '../../../src/core/chat/contact';
import { prepareLaunch } from '../../../src/core/chat/launch';
import { LiveChat } from '../../../src/core/chat/liveChat';
import {
  awsCliCommand,
  awsCliCommandWithEnvReferences,
  chatStateLabel,
  presentItem,
  stripMarkdown,
  transcriptMarkdown,
} from '../../../src/core/chat/present';
import type { ChatItem, ChatRecord } from '../../../src/core/chat/types';
import { startSandboxWithFlows } from '../../../src/sandbox';
import type { AwsSession } from '../../../src/core/aws/session';
import { DEMO_FLOWS, DEMO_INSTANCE_ALIAS, DEMO_INSTANCE_ID, demoOrigin, memoryLogger, requestText, sandboxSession, type FlowSandbox } from './support';

const EV = 'application/vnd.amazonaws.connect.event.';
const T = '2026-11-23T15:00:00.000Z';

function item(extra: Partial<ChatItem>): ChatItem {
  return { Id: 'i1', Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: T, ...extra };
}

const listPicker = JSON.stringify({
  templateType: 'ListPicker',
  version: '1.0',
  data: {
    replyMessage: { title: 'Thanks for selecting!' },
    content: { title: 'What produce would you like to buy?', subtitle: 'Tap to select option', elements: [{ title: 'Apple', subtitle: '$1.00' }, { title: 'Orange' }] },
  },
});

describe('chat core: presentItem and friends', () => {
  it('messages: role, label, plain text from Markdown', () => {
    const v = presentItem(item({ ContentType: 'text/markdown', Content: '**Order** _shipped_: see [the page](https://example.com/o) `X1`', ParticipantRole: 'AGENT', DisplayName: 'Sam' }));
    assert.deepEqual(v, { kind: 'message', role: 'AGENT', label: 'Sam', time: T, text: 'Order shipped: see the page (https://example.com/o) X1' });
    assert.equal(presentItem(item({ Content: 'hi', ParticipantRole: 'CUSTOMER' })).label, 'Customer');
    assert.equal(stripMarkdown('# Title\n> quoted\n* one\n* two'), 'Title\nquoted\n- one\n- two');
  });

  it('events: joined, left, transfer, ended, rehydrated, with a sentence', () => {
    const ev = (suffix: string, extra: Partial<ChatItem> = {}) => presentItem(item({ Type: 'EVENT', ContentType: `${EV}${suffix}`, ...extra }));
    assert.deepEqual(
      [ev('participant.joined', { DisplayName: 'Ana', ParticipantRole: 'CUSTOMER' }), ev('participant.left', { ParticipantRole: 'AGENT' }), ev('transfer.succeeded'), ev('transfer.failed'), ev('chat.ended'), ev('chat.rehydrated')].map((v) => [v.kind, v.eventName, v.text]),
      [
        ['event', 'joined', 'Ana joined the chat'],
        ['event', 'left', 'Agent left the chat'],
        ['event', 'transfer-succeeded', 'Transferred'],
        ['event', 'transfer-failed', 'The transfer failed'],
        ['event', 'ended', 'The chat ended'],
        ['event', 'rehydrated', 'The chat continues a past session'],
      ],
    );
  });

  it('interactive: template type, title and options (ListPicker, TimePicker, Carousel); unparsable content falls back to text', () => {
    const v = presentItem(item({ ContentType: 'application/vnd.amazonaws.connect.message.interactive', Content: listPicker, ParticipantRole: 'SYSTEM', DisplayName: 'BOT' }));
    assert.equal(v.kind, 'interactive');
    assert.deepEqual(v.interactive, {
      templateType: 'ListPicker',
      title: 'What produce would you like to buy?',
      subtitle: 'Tap to select option',
      options: [{ title: 'Apple', subtitle: '$1.00' }, { title: 'Orange' }],
      replyTitle: 'Thanks for selecting!',
    });
    const time = presentItem(
      item({
        ContentType: 'application/vnd.amazonaws.connect.message.interactive',
        Content: JSON.stringify({ templateType: 'TimePicker', version: '1.0', data: { content: { title: 'Schedule', timeslots: [{ date: '2020-10-31T17:00+00:00', duration: 60 }] } } }),
      }),
    );
    assert.deepEqual(time.interactive?.options, [{ title: '2020-10-31T17:00+00:00', subtitle: '60 min' }]);
    const carousel = presentItem(
      item({
        ContentType: 'application/vnd.amazonaws.connect.message.interactive',
        Content: JSON.stringify({ templateType: 'Carousel', version: '1.0', data: { content: { title: 'Pick', elements: [{ templateType: 'Panel', version: '1.0', data: { content: { title: 'Shoes' } } }] } } }),
      }),
    );
    assert.deepEqual(carousel.interactive?.options, [{ title: 'Shoes' }]);
    const broken = presentItem(item({ ContentType: 'application/vnd.amazonaws.connect.message.interactive', Content: 'not json' }));
    assert.deepEqual(broken.interactive, { templateType: 'unknown', title: 'not json', options: [] });
  });

  it('interactive responses, attachments and receipts', () => {
    const resp = presentItem(item({ ContentType: 'application/vnd.amazonaws.connect.message.interactive.response', Content: JSON.stringify({ templateType: 'ListPicker', version: '1.0', data: { content: { title: 'Start a return' } } }) }));
    assert.deepEqual([resp.kind, resp.text], ['message', 'Start a return']);
    const att = presentItem(item({ Type: 'ATTACHMENT', ContentType: 'application/pdf', Attachments: [{ AttachmentName: 'invoice.pdf', Status: 'APPROVED' }] }));
    assert.deepEqual([att.kind, att.text, att.attachments], ['attachment', 'invoice.pdf', [{ name: 'invoice.pdf', status: 'APPROVED' }]]);
    const rec = presentItem(item({ Type: 'MESSAGE_READ', ContentType: `${EV}message.read`, ParticipantRole: 'AGENT', MessageMetadata: { MessageId: 'm1' } }));
    assert.deepEqual([rec.kind, rec.text, rec.receiptFor], ['receipt', 'Read by Agent', 'm1']);
  });

  it('chatStateLabel', () => {
    assert.deepEqual((['starting', 'connected', 'queued', 'agent', 'ended', 'failed'] as const).map(chatStateLabel), ['Starting…', 'Connected', 'In queue', 'With an agent', 'Ended', 'Failed']);
  });

  it('transcriptMarkdown: details, the conversation without receipts, attributes and trace', () => {
    const r: ChatRecord = {
      id: 'c1',
      origin: { ...demoOrigin(), requestName: 'orders', contactFlowName: 'Support Bot (Lex)' },
      displayName: 'Ana',
      clientToken: 't',
      attributes: {},
      state: 'ended',
      startedAt: T,
      updatedAt: T,
      endedAt: T,
      contactId: 'contact-1',
      transcript: [
        item({ Id: 'a', Type: 'EVENT', ContentType: `${EV}participant.joined`, DisplayName: 'Ana', ParticipantRole: 'CUSTOMER' }),
        item({ Id: 'b', Content: 'Hi *there*', ParticipantRole: 'SYSTEM', DisplayName: 'SYSTEM_MESSAGE' }),
        item({ Id: 'c', Type: 'MESSAGE_READ', ContentType: `${EV}message.read`, ParticipantRole: 'AGENT' }),
        item({ Id: 'd', ContentType: 'application/vnd.amazonaws.connect.message.interactive', Content: listPicker, DisplayName: 'BOT', ParticipantRole: 'SYSTEM' }),
      ],
      contactAttributes: { tier: 'gold|vip' },
      trace: [{ ContactId: 'contact-1', ContactFlowId: 'arn:x/contact-flow/f1', ContactFlowName: 'Support Bot (Lex)', ContactFlowModuleType: 'SetAttributes', Identifier: 'blk', Timestamp: T, Parameters: { Key: 'k' } }],
    };
    const md = transcriptMarkdown(r);
    assert.match(md, /^# Test chat: orders\n/);
    assert.match(md, /- \*\*Contact ID:\*\* `contact-1`/);
    assert.match(md, /_Ana joined the chat_ · 2026-11-23 15:00:00Z/);
    assert.match(md, /\*\*SYSTEM\\_MESSAGE\*\* \(System\) · .*\nHi \\\*there\\\*/);
    assert.match(md, /- Apple — \$1\.00\n- Orange/);
    assert.ok(!md.includes('Read by'));
    assert.match(md, /\| tier \| gold\\\|vip \|/);
    assert.match(md, /\| Support Bot \(Lex\) \| SetAttributes \| blk \|/);
  });

  it('flowLogRecords: the contact only, sorted by Timestamp, each record once (at-least-once delivery)', () => {
    const rec = (id: string, t: string, extra: Record<string, unknown> = {}) => ({ ContactId: id, ContactFlowId: 'arn:f', ContactFlowModuleType: 'SetAttributes', Timestamp: t, ...extra });
    const a = rec('c1', '2026-01-01T00:00:02.000Z', { Identifier: 'a' });
    const b = rec('c1', '2026-01-01T00:00:01.000Z', { Identifier: 'b' });
    const aReordered = JSON.stringify(Object.fromEntries(Object.entries(a).reverse()));
    const out = flowLogRecords([JSON.stringify(a), JSON.stringify(rec('c2', a.Timestamp)), 'not json', JSON.stringify(b), aReordered, undefined], 'c1');
    assert.deepEqual(out.map((r) => r.Identifier), ['b', 'a']);
  });
});

describe('chat core: flow trace and the AWS CLI command against the sandbox', function () {
  this.timeout(60_000);
  let sb: FlowSandbox;
  let session: AwsSession;
  before(async () => {
    sb = await startSandboxWithFlows();
    session = await sandboxSession(sb, 1);
  });
  after(async () => {
    session.dispose();
    await sb.close();
  });
  afterEach(() => sb.clearFaults());

  it('readFlowTrace pages through FilterLogEvents (one event per page here) and gets the same records', async () => {
    const p = prepareLaunch({ text: requestText({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' } }), env: {} });
    if (!p.ok) throw new Error(p.message);
    const chat = await LiveChat.launch({ session, logger: memoryLogger() }, { input: p.input, clientToken: p.clientToken, origin: demoOrigin() });
    const other = await LiveChat.launch({ session, logger: memoryLogger() }, { input: { ...p.input, ClientToken: 'another' }, clientToken: 'another', origin: demoOrigin() });
    try {
      const contactId = chat.record.contactId!;
      const whole = await readFlowTrace(session, { instanceAlias: DEMO_INSTANCE_ALIAS, contactId, startTime: chat.record.startedAt });
      const logger = memoryLogger();
      const paged = await readFlowTrace(session, { instanceAlias: DEMO_INSTANCE_ALIAS, contactId, startTime: chat.record.startedAt, limit: 1, logger });
      assert.deepEqual(whole.status, { kind: 'ok' });
      assert.ok(whole.records.length >= 3);
      assert.deepEqual(paged.records, whole.records);
      assert.ok(logger.lines.filter((l) => l.includes('logs:FilterLogEvents')).length > whole.records.length, 'one page per record, then the rest');
      assert.deepEqual(
        whole.records.map((r) => r.ContactId),
        whole.records.map(() => contactId),
      );
    } finally {
      chat.dispose();
      other.dispose();
    }
  });

  it('readFlowTrace: no log group says how to turn flow logs on; AccessDenied names logs:FilterLogEvents', async () => {
    const none = await readFlowTrace(session, { instanceAlias: 'no-such-alias', contactId: 'c', startTime: new Date() });
    assert.deepEqual(none, { records: [], status: { kind: 'no-log-group', logGroup: '/aws/connect/no-such-alias' } });
    sb.setFaults([{ operation: 'FilterLogEvents', kind: 'error', status: 400, errorType: 'AccessDeniedException', message: 'User is not authorized' }]);
    const denied = await readFlowTrace(session, { instanceAlias: DEMO_INSTANCE_ALIAS, contactId: 'c', startTime: new Date() });
    assert.equal(denied.status.kind, 'access-denied');
    assert.match((denied.status as { message: string }).message, /logs:FilterLogEvents on log group \/aws\/connect\/chatreq-demo/);
  });

  function bash(command: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        'bash',
        ['-c', command],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'y',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_PAGER: '',
            ...env,
          },
          timeout: 30_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  it("awsCliCommand is accepted by the AWS CLI as is (shell quoting, no $schema); the env variant reads $NAME from the shell", async () => {
    const text = requestText({
      $schema: 'https://example.invalid/chatreq.schema.json',
      InstanceId: DEMO_INSTANCE_ID,
      ContactFlowId: DEMO_FLOWS.supportBot,
      ParticipantDetails: { DisplayName: "Ana O'Neil" },
      Attributes: { note: "it's \"quoted\" $HOME `x`", custRef: '${env:CHATREQ_CUST}' },
    });
    const p = prepareLaunch({ text, env: { CHATREQ_CUST: 'cust-7' } });
    if (!p.ok) throw new Error(p.message);
    const command = awsCliCommand(p.input, { region: 'us-east-1', endpointUrl: sb.url });
    assert.match(command, /^aws connect start-chat-contact --cli-input-json '/);
    assert.ok(!command.includes('$schema') && !command.includes('ClientToken'));
    const withEnv = awsCliCommandWithEnvReferences(JSON.parse(text) as Record<string, unknown>, { region: 'us-east-1', endpointUrl: sb.url });
    assert.deepEqual(withEnv.variables, ['CHATREQ_CUST']);
    assert.match(withEnv.command, /'"\$CHATREQ_CUST"'/);
    assert.match(withEnv.note, /\$CHATREQ_CUST/);
    const [a, b] = await Promise.all([bash(`${command} --output json`), bash(`${withEnv.command} --output json`, { CHATREQ_CUST: 'cust-8' })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const ca = sb.getContact((JSON.parse(a.stdout) as { ContactId: string }).ContactId)!;
    const cb = sb.getContact((JSON.parse(b.stdout) as { ContactId: string }).ContactId)!;
    assert.equal(ca.attributes.note, "it's \"quoted\" $HOME `x`");
    assert.equal(ca.attributes.custRef, 'cust-7');
    assert.equal(cb.attributes.custRef, 'cust-8');
    assert.equal(cb.attributes.note, "it's \"quoted\" $HOME `x`");
  });
});
