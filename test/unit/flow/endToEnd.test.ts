/**
 * The flow runtime plugged into the real sandbox, driven by the real AWS SDK clients (and a
 * WebSocket client speaking the chatjs protocol): the AWS example flows and the demo flows.
 */
import { ConnectClient, StartChatContactCommand, type StartChatContactCommandInput } from '@aws-sdk/client-connect';
import {
  ConnectParticipantClient,
  CreateParticipantConnectionCommand,
  DisconnectParticipantCommand,
  GetTranscriptCommand,
  SendMessageCommand,
  type Item,
} from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, ManualClock, startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { createFlowRuntime, demoRuntimeOptions, discoverWorkspaceFiles, flowFinder, type FlowRuntime, type FlowTrace } from '../../../src/sandbox/flow';
import { fixtures } from './harness';

const EV = 'application/vnd.amazonaws.connect.event.';
const MONDAY_10AM_NEW_YORK = Date.UTC(2026, 10, 23, 15, 0, 0);

interface Env {
  sb: SandboxHandle;
  clock: ManualClock;
  runtime: FlowRuntime;
  connect: ConnectClient;
  participant: ConnectParticipantClient;
}

async function openSandbox(start = MONDAY_10AM_NEW_YORK): Promise<Env> {
  const clock = new ManualClock(start);
  // The runtime is passed in StartSandbox's options, so it reads the flows through a late-bound handle.
  const ref: { sb?: SandboxHandle } = {};
  const runtime = createFlowRuntime({
    findFlow: flowFinder((instanceId) => ref.sb?.instances.find((i) => i.id === instanceId)?.flows ?? []),
    ...demoRuntimeOptions(),
    // The flows folder also holds the bot, Lambda-mock and hours files, as a developer's would.
    ...discoverWorkspaceFiles(fixtures),
    seed: 11,
  });
  const sb = await startSandbox({ clock, flowsDir: fixtures, runtime });
  ref.sb = sb;
  const cfg = { region: 'us-east-1', endpoint: sb.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' } };
  return { sb, clock, runtime, connect: new ConnectClient(cfg), participant: new ConnectParticipantClient({ ...cfg, credentials: { accessKeyId: '', secretAccessKey: '' } }) };
}

async function closeSandbox(env: Env | undefined): Promise<void> {
  env?.connect.destroy();
  env?.participant.destroy();
  await env?.sb.close();
}

function localFlow(env: Env, name: string): { InstanceId: string; ContactFlowId: string } {
  const instance = env.sb.instances.find((i) => i.alias === 'local');
  const flow = instance?.flows.find((f) => f.name === name);
  if (!instance || !flow) throw new Error(`no local flow ${name}`);
  return { InstanceId: instance.id, ContactFlowId: flow.id };
}

interface Chat {
  contactId: string;
  participantToken: string;
  connectionToken?: string;
  websocketUrl?: string;
}

async function start(env: Env, input: Partial<StartChatContactCommandInput> & { InstanceId: string; ContactFlowId: string }, connect = true): Promise<Chat> {
  const s = await env.connect.send(new StartChatContactCommand({ ParticipantDetails: { DisplayName: 'Ana' }, ...input }));
  const chat: Chat = { contactId: s.ContactId!, participantToken: s.ParticipantToken! };
  if (connect) {
    const conn = await env.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], ConnectParticipant: true }));
    chat.connectionToken = conn.ConnectionCredentials!.ConnectionToken!;
    chat.websocketUrl = conn.Websocket!.Url!;
  }
  return chat;
}

async function transcript(env: Env, chat: Chat): Promise<Item[]> {
  const r = await env.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken!, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING', MaxResults: 100 }));
  return r.Transcript ?? [];
}

function say(env: Env, chat: Chat, Content: string) {
  return env.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken!, ContentType: 'text/plain', Content }));
}

/** Compact view of a transcript: "ROLE/DisplayName: content" for messages, "event:<suffix>" for events. */
function lines(items: Array<Pick<Item, 'Type' | 'ContentType' | 'Content' | 'DisplayName' | 'ParticipantRole'>>): string[] {
  return items.map((i) =>
    i.Type === 'MESSAGE' ? `${i.ParticipantRole}/${i.DisplayName}: ${i.Content}` : `event:${(i.ContentType ?? '').replace(EV, '')}${i.ParticipantRole ? `(${i.ParticipantRole})` : ''}`,
  );
}

/** The sandbox's admin view of a contact (transcript + runtime trace), over HTTP. */
function adminContact(env: Env, contactId: string): Promise<{ status: string; transcript: Item[]; trace: FlowTrace; attributes: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    request(`${env.sb.url}/sandbox/contacts/${contactId}`, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as never);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    }).on('error', reject).end();
  });
}

function path(trace: FlowTrace): string[] {
  return trace.steps.map((s) => `${s.type}:${s.branch}`);
}

describe('flow runtime end to end (sandbox + AWS SDK v3)', function () {
  this.timeout(10_000);
  let env: Env;
  before(async () => {
    env = await openSandbox();
  });
  after(() => closeSandbox(env));

  describe('AWS example flows (reference §6.5)', () => {
    it('A: the thank-you message and the flow disconnect, read with GetTranscript after the chat ended', async () => {
      const chat = await start(env, localFlow(env, 'exampleA-minimal'));
      const expected = [
        'event:participant.joined(CUSTOMER)',
        'SYSTEM/SYSTEM_MESSAGE: Thanks for calling the sample flow!',
        'event:participant.left(CUSTOMER)',
        'event:chat.ended',
      ];
      assert.deepEqual(lines(await transcript(env, chat)), expected);
      await assert.rejects(say(env, chat, 'anyone?'), (e: Error) => e.name === 'AccessDeniedException');
      const contact = await adminContact(env, chat.contactId);
      assert.equal(contact.status, 'ENDED');
      assert.deepEqual(lines(contact.transcript), expected);
      assert.deepEqual(path(contact.trace), ['MessageParticipant:Success', 'DisconnectParticipant:End']);
      assert.equal(contact.trace.status, 'ended');
    });

    it('B: attribute interpolation, Compare and TransferToFlow (by ARN) with StartChatContact Attributes', async () => {
      const chat = await start(env, { ...localFlow(env, 'Test attribute flow'), Attributes: { verificationCode: 'foobar' } });
      const contact = await adminContact(env, chat.contactId);
      assert.deepEqual(lines(await transcript(env, chat)), lines(contact.transcript));
      assert.deepEqual(lines(contact.transcript).filter((l) => l.startsWith('SYSTEM/')), [
        'SYSTEM/SYSTEM_MESSAGE: "verificationCode" is"foobar"',
        'SYSTEM/SYSTEM_MESSAGE: "verificationCode" was detected!',
        'SYSTEM/SYSTEM_MESSAGE: You reached the transfer target, code foobar.',
      ]);
      assert.deepEqual(path(contact.trace), ['MessageParticipant:Success', 'Compare:Condition: Equals "foobar"', 'MessageParticipant:Success', 'TransferToFlow:Success', 'MessageParticipant:Success', 'DisconnectParticipant:End']);
      assert.deepEqual([...new Set(contact.trace.steps.map((s) => s.flowName))], ['Test attribute flow', 'Transfer target']);
    });

    it('C: Lex conversation over the Participant API and the WebSocket, then the transfer to the queue', async () => {
      const chat = await start(env, localFlow(env, 'Interactive Lex'));
      const ws = new WebSocket(chat.websocketUrl!);
      const pushed: Item[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data: WebSocket.RawData) => {
          const frame = JSON.parse((data as Buffer).toString('utf8')) as { topic: string; content?: unknown };
          if (frame.topic === 'aws/subscribe') resolve();
          if (frame.topic === 'aws/chat') pushed.push(JSON.parse(frame.content as string) as Item);
        });
        ws.on('open', () => ws.send(JSON.stringify({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } })));
      });
      try {
        assert.deepEqual(lines(await transcript(env, chat)), [
          'event:participant.joined(CUSTOMER)',
          'SYSTEM/SYSTEM_MESSAGE: Edit this message in the "Get customer input" block in Flows\n\nType help to get help!',
        ]);
        await say(env, chat, 'help');
        await say(env, chat, 'Continue to agent');
        const deadline = Date.now() + 2000;
        while (pushed.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const expected = [
          'CUSTOMER/Ana: help',
          'SYSTEM/BOT: Do you want to continue to an agent or end the chat?',
          'CUSTOMER/Ana: Continue to agent',
          'SYSTEM/BOT: Okay: Continue to agent.',
          'event:transfer.succeeded(SYSTEM)',
        ];
        assert.deepEqual(lines(pushed), expected, 'the WebSocket pushes the same items in the same order');
        assert.deepEqual(lines(await transcript(env, chat)).slice(2), expected);
        const trace = env.runtime.getTrace(chat.contactId)!;
        assert.equal(trace.status, 'queued');
        assert.equal(trace.flowLogging, true);
        assert.equal(trace.lex.IntentName, 'Help');
        assert.deepEqual(path(trace), [
          'UpdateFlowLoggingBehavior:Success', 'ConnectParticipantWithLexBot:Error: NoMatchingCondition', 'Compare:Condition: Equals "Continue to agent"',
          'UpdateContactTargetQueue:Success', 'TransferContactToQueue:End',
        ]);
        assert.equal((await adminContact(env, chat.contactId)).trace.status, 'queued', 'the admin route shows the runtime trace');
        await env.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken! }));
        assert.equal(env.runtime.getTrace(chat.contactId)?.status, 'ended');
      } finally {
        ws.close();
      }
    });

    it('C: the Lex timeout runs on the sandbox clock and ends the chat through the error path', async () => {
      const chat = await start(env, localFlow(env, 'Interactive Lex'));
      env.clock.advance(300_000);
      const contact = await adminContact(env, chat.contactId);
      assert.equal(contact.status, 'ENDED');
      assert.deepEqual(path(contact.trace).slice(1), ['ConnectParticipantWithLexBot:Error: InputTimeLimitExceeded', 'MessageParticipant:Success', 'DisconnectParticipant:End']);
      assert.match(contact.trace.steps[1].note ?? '', /no customer input for 300s; no InputTimeLimitExceeded branch: took NoMatchingError/);
    });
  });

  describe('persistent chat', () => {
    it('a chat continuing an ended one runs its flow with $.PreviousContactId; the past session stays readable in the chain', async () => {
      const first = await start(env, { ...localFlow(env, 'Test attribute flow'), Attributes: { verificationCode: 'foobar' } }, false);
      const chat = await start(env, { ...localFlow(env, 'Welcome back'), PersistentChat: { RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: first.contactId } });
      assert.deepEqual(lines(await transcript(env, chat)).slice(-1), [`SYSTEM/SYSTEM_MESSAGE: Welcome back! This chat continues ${first.contactId}.`]);
      const past = await env.participant.send(
        new GetTranscriptCommand({ ConnectionToken: chat.connectionToken!, ContactId: first.contactId, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING', MaxResults: 100 }),
      );
      assert.ok(lines(past.Transcript ?? []).includes('SYSTEM/SYSTEM_MESSAGE: "verificationCode" was detected!'));
      await say(env, chat, 'hello again');
      const contact = await adminContact(env, chat.contactId);
      assert.deepEqual(path(contact.trace), ['MessageParticipant:Success', 'Wait:Condition: Equals "CustomerReturned"', 'MessageParticipant:Success', 'DisconnectParticipant:End']);
      assert.equal(contact.status, 'ENDED');
    });
  });

  describe('demo flows', () => {
    const demo = (flow: string) => ({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: flow });

    it('Support Bot: Lex order-status intent, slot elicitation, TransferToFlow to the Lambda flow', async () => {
      const chat = await start(env, { ...demo(DEMO_FLOWS.supportBot), CustomerId: 'cust-42' });
      await say(env, chat, 'where is my order');
      await say(env, chat, '12345');
      const contact = await adminContact(env, chat.contactId);
      assert.deepEqual(lines(contact.transcript), [
        'event:participant.joined(CUSTOMER)',
        "SYSTEM/SYSTEM_MESSAGE: Hi, thanks for contacting Example Outfitters support. I'm a virtual assistant.",
        'SYSTEM/SYSTEM_MESSAGE: How can I help you today? You can ask about an order, or ask for an agent.',
        'CUSTOMER/Ana: where is my order',
        'SYSTEM/BOT: Sure. What is your order number?',
        'CUSTOMER/Ana: 12345',
        'SYSTEM/BOT: Thanks, let me look up order 12345.',
        'SYSTEM/SYSTEM_MESSAGE: One moment while I look up order 12345.',
        'SYSTEM/SYSTEM_MESSAGE: Good news: order 12345 shipped with UPS and should arrive by Friday.',
        'event:participant.left(CUSTOMER)',
        'event:chat.ended',
      ]);
      assert.equal(contact.attributes.orderId, '12345');
      assert.equal(contact.attributes.customerId, 'cust-42');
      assert.equal(contact.attributes.orderStatus, 'SHIPPED');
      assert.equal(contact.trace.lex.IntentName, 'CheckOrderStatus');
    });

    it('Support Bot: the order number is taken from a whole sentence by its slot type (a number), asked or not', async () => {
      const chat = await start(env, demo(DEMO_FLOWS.supportBot));
      await say(env, chat, 'Where is my order 12345?');
      let contact = await adminContact(env, chat.contactId);
      assert.ok(lines(contact.transcript).includes('SYSTEM/BOT: Thanks, let me look up order 12345.'), lines(contact.transcript).join('\n'));
      assert.equal(contact.attributes.orderId, '12345');
      const second = await start(env, demo(DEMO_FLOWS.supportBot));
      await say(env, second, 'where is my order');
      await say(env, second, 'I think it is 67890, thanks');
      contact = await adminContact(env, second.contactId);
      assert.ok(lines(contact.transcript).includes('SYSTEM/BOT: Thanks, let me look up order 67890.'), lines(contact.transcript).join('\n'));
      assert.ok(lines(contact.transcript).includes("SYSTEM/SYSTEM_MESSAGE: Order 67890 is being packed. You'll get an email as soon as it ships."));
    });

    it('Support Bot: reads the customerTier attribute (gold customers are greeted as such, others are not)', async () => {
      const gold = await start(env, { ...demo(DEMO_FLOWS.supportBot), Attributes: { customerTier: 'gold' } }, false);
      const plain = await start(env, { ...demo(DEMO_FLOWS.supportBot), Attributes: { customerTier: 'silver' } }, false);
      const goldLines = lines((await adminContact(env, gold.contactId)).transcript);
      const plainLines = lines((await adminContact(env, plain.contactId)).transcript);
      assert.ok(goldLines.some((l) => /gold member/.test(l)), goldLines.join('\n'));
      assert.ok(!plainLines.some((l) => /gold member/.test(l)), plainLines.join('\n'));
    });

    it('Support Bot: asking for an agent goes through the after-hours flow into the queue (in hours)', async () => {
      const chat = await start(env, { ...demo(DEMO_FLOWS.supportBot), Attributes: { firstName: 'Ana' } });
      await say(env, chat, 'talk to an agent');
      const items = lines(await transcript(env, chat));
      assert.deepEqual(items.slice(-3), [
        'SYSTEM/BOT: Okay, I will get you to an agent.',
        "SYSTEM/SYSTEM_MESSAGE: Thanks Ana, you're in the queue. An agent will be with you shortly.",
        'event:transfer.succeeded(SYSTEM)',
      ]);
      const trace = env.runtime.getTrace(chat.contactId)!;
      assert.equal(trace.status, 'queued');
      // The customer queue flow's Loop prompts block is not supported on chat: it takes Error and ends.
      assert.deepEqual(path(trace).slice(-2), ['MessageParticipantIteratively:Error: NoMatchingError', 'EndFlowExecution:End']);
      assert.equal(trace.steps.at(-1)?.flowName, 'Chat Queue Wait');
    });

    it('Order Status: the Lambda error path goes to an agent', async () => {
      const chat = await start(env, { ...demo(DEMO_FLOWS.orderStatus), Attributes: { orderId: '99999' } });
      const items = lines(await transcript(env, chat));
      assert.deepEqual(items.slice(-3), [
        'SYSTEM/SYSTEM_MESSAGE: One moment while I look up order 99999.',
        "SYSTEM/SYSTEM_MESSAGE: Our order system isn't answering right now, so I'm passing you to an agent.",
        'event:transfer.succeeded(SYSTEM)',
      ]);
      assert.match(env.runtime.getTrace(chat.contactId)!.steps.find((s) => s.type === 'InvokeLambdaFunction')?.note ?? '', /order service timed out/);
    });

    it('Order Status: an empty order number is asked for and the chat goes to the queue', async () => {
      const chat = await start(env, { ...demo(DEMO_FLOWS.orderStatus), Attributes: { orderId: '' } });
      assert.deepEqual(lines(await transcript(env, chat)).slice(1), [
        'SYSTEM/SYSTEM_MESSAGE: I need an order number to look that up. An agent will help you find it.',
        'event:transfer.succeeded(SYSTEM)',
      ]);
    });
  });

  describe('hours from the workspace file override the demo hours', () => {
    let friday: Env;
    before(async () => {
      friday = await openSandbox(Date.UTC(2026, 10, 27, 19, 0, 0)); // Friday 14:00 in New York
    });
    after(() => closeSandbox(friday));

    it('Agent Queue with After-Hours: Friday afternoon is out of hours per hours-of-operation.json', async () => {
      const chat = await start(friday, { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.afterHours });
      const contact = await adminContact(friday, chat.contactId);
      assert.ok(path(contact.trace).includes('CheckHoursOfOperation:Condition: Equals "False"'));
      assert.equal(contact.attributes.afterHours, 'true');
    });
  });

  describe('after hours (sandbox clock on a Saturday)', () => {
    let late: Env;
    before(async () => {
      late = await openSandbox(Date.UTC(2026, 10, 28, 15, 0, 0));
    });
    after(() => closeSandbox(late));

    it('Agent Queue with After-Hours: out of hours sets afterHours and says goodbye', async () => {
      const chat = await start(late, { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.afterHours }, false);
      const contact = await adminContact(late, chat.contactId);
      assert.equal(contact.status, 'ENDED');
      assert.equal(contact.attributes.afterHours, 'true');
      assert.ok(lines(contact.transcript).includes("SYSTEM/SYSTEM_MESSAGE: Our team is offline right now. We're open Monday to Friday, 8am to 6pm Eastern. Please message us again then, or email help@example.com."));
      assert.ok(path(contact.trace).includes('CheckHoursOfOperation:Condition: Equals "False"'));
    });
  });
});
