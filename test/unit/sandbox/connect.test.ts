import {
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  ListContactFlowsCommand,
  ListInstancesCommand,
  paginateListContactFlows,
  paginateListInstances,
  paginateSearchContactFlows,
  SearchContactFlowsCommand,
  StartChatContactCommand,
  StopContactCommand,
  type StartChatContactCommandInput,
} from '@aws-sdk/client-connect';
import { DisconnectParticipantCommand, GetTranscriptCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { chatInput, clients, DEMO_FLOWS, DEMO_INSTANCE_ID, rejects, startChat } from './support';

const FLOWS_DIR = join(__dirname, '../../../../test/fixtures/sandbox/flows');

describe('sandbox: Connect operations through the AWS SDK v3', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;

  before(async () => {
    sb = await startSandbox({ flowsDir: FLOWS_DIR });
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const start = (o: Partial<StartChatContactCommandInput> = {}) => c.connect.send(new StartChatContactCommand(chatInput(o)));

  describe('ListInstances / DescribeInstance', () => {
    it('lists the demo instance and one per flows folder, with epoch-second CreatedTime', async () => {
      const r = await c.connect.send(new ListInstancesCommand({}));
      const aliases = r.InstanceSummaryList!.map((i) => i.InstanceAlias);
      assert.deepEqual(aliases, ['chatreq-demo', 'local', 'retail']);
      const demo = r.InstanceSummaryList![0];
      assert.equal(demo.Id, DEMO_INSTANCE_ID);
      assert.equal(demo.Arn, `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_INSTANCE_ID}`);
      assert.equal(demo.InstanceStatus, 'ACTIVE');
      assert.ok(demo.CreatedTime instanceof Date, 'the SDK parses epoch seconds into a Date');
      assert.equal(demo.CreatedTime.toISOString(), '2025-03-03T16:20:00.000Z');
      assert.match(r.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    });

    it('paginates with maxResults/nextToken', async () => {
      const pages: string[][] = [];
      for await (const p of paginateListInstances({ client: c.connect, pageSize: 2 }, {})) pages.push(p.InstanceSummaryList!.map((i) => i.InstanceAlias!));
      assert.deepEqual(pages, [['chatreq-demo', 'local'], ['retail']]);
    });

    it('refuses maxResults outside 1-10 and a forged nextToken with InvalidRequestException', async () => {
      const e = await rejects(c.connect.send(new ListInstancesCommand({ MaxResults: 11 })));
      assert.equal(e.name, 'InvalidRequestException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /'maxResults'.*less than or equal to 10/);
      const t = await rejects(c.connect.send(new ListInstancesCommand({ NextToken: 'bogus' })));
      assert.equal(t.name, 'InvalidRequestException');
      assert.match(t.message, /Invalid nextToken/);
    });

    it('describes an instance by id or ARN and 404s an unknown one', async () => {
      const r = await c.connect.send(new DescribeInstanceCommand({ InstanceId: DEMO_INSTANCE_ID }));
      assert.equal(r.Instance!.InstanceAlias, 'chatreq-demo');
      assert.ok(r.Instance!.CreatedTime instanceof Date);
      const byArn = await c.connect.send(new DescribeInstanceCommand({ InstanceId: r.Instance!.Arn! }));
      assert.equal(byArn.Instance!.Id, DEMO_INSTANCE_ID);
      const e = await rejects(c.connect.send(new DescribeInstanceCommand({ InstanceId: 'no-such-instance' })));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.match(e.message, /no-such-instance/);
    });
  });

  describe('ListContactFlows / DescribeContactFlow', () => {
    it('filters by contactFlowTypes', async () => {
      const all = await c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID }));
      assert.equal(all.ContactFlowSummaryList!.length, 7);
      const queue = await c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowTypes: ['CUSTOMER_QUEUE'] }));
      assert.deepEqual(queue.ContactFlowSummaryList!.map((f) => f.Id), [DEMO_FLOWS.queueWait]);
      const both = await c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowTypes: ['CUSTOMER_QUEUE', 'CONTACT_FLOW'] }));
      assert.equal(both.ContactFlowSummaryList!.length, 7);
      const draft = all.ContactFlowSummaryList!.find((f) => f.Id === DEMO_FLOWS.feedbackDraft)!;
      assert.equal(draft.ContactFlowStatus, 'SAVED');
      assert.equal(draft.ContactFlowState, 'ACTIVE');
    });

    it('paginates with maxResults and keeps the filter in the token', async () => {
      const ids: string[] = [];
      let pages = 0;
      for await (const p of paginateListContactFlows({ client: c.connect, pageSize: 2 }, { InstanceId: DEMO_INSTANCE_ID, ContactFlowTypes: ['CONTACT_FLOW'] })) {
        pages++;
        ids.push(...p.ContactFlowSummaryList!.map((f) => f.Id!));
      }
      assert.equal(pages, 3);
      assert.equal(ids.length, 6);
      assert.equal(new Set(ids).size, 6);
      const first = await c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, MaxResults: 1 }));
      const e = await rejects(c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowTypes: ['CUSTOMER_QUEUE'], NextToken: first.NextToken })));
      assert.equal(e.name, 'InvalidParameterException');
      assert.match(e.message, /different parameters/);
    });

    it('rejects an unknown flow type, maxResults over 1000 and an unknown instance', async () => {
      const e = await rejects(c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowTypes: ['INBOUND' as never] })));
      assert.equal(e.name, 'InvalidParameterException');
      assert.match(e.message, /Value 'INBOUND' at 'contactFlowTypes\.1\.member'.*enum value set/);
      const m = await rejects(c.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, MaxResults: 1001 })));
      assert.match(m.message, /'maxResults'/);
      const n = await rejects(c.connect.send(new ListContactFlowsCommand({ InstanceId: 'nope' })));
      assert.equal(n.name, 'ResourceNotFoundException');
    });

    it('returns Content as a JSON string and LastModifiedTime as a Date', async () => {
      const r = await c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.orderStatus }));
      const f = r.ContactFlow!;
      assert.equal(typeof f.Content, 'string');
      const doc = JSON.parse(f.Content!) as { Version: string; Actions: Array<{ Type: string }> };
      assert.equal(doc.Version, '2019-10-30');
      assert.ok(doc.Actions.some((a) => a.Type === 'InvokeLambdaFunction'));
      assert.equal(f.Type, 'CONTACT_FLOW');
      assert.equal(f.Status, 'PUBLISHED');
      assert.match(f.FlowContentSha256!, /^[a-f0-9]{64}$/);
      assert.ok(f.LastModifiedTime instanceof Date);
      assert.equal(f.Arn, `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_INSTANCE_ID}/contact-flow/${DEMO_FLOWS.orderStatus}`);
    });

    it('handles the :$SAVED suffix (percent-encoded by the SDK), versions, ARNs and unpublished flows', async () => {
      const e = await rejects(c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.feedbackDraft })));
      assert.equal(e.name, 'ContactFlowNotPublishedException');
      assert.equal(e.$metadata.httpStatusCode, 404);
      const saved = await c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: `${DEMO_FLOWS.feedbackDraft}:$SAVED` }));
      assert.equal(saved.ContactFlow!.Status, 'SAVED');
      const arn = `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_INSTANCE_ID}/contact-flow/${DEMO_FLOWS.supportBot}`;
      const byArn = await c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: `${arn}:1` }));
      assert.equal(byArn.ContactFlow!.Id, DEMO_FLOWS.supportBot);
      const v = await rejects(c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: `${DEMO_FLOWS.supportBot}:7` })));
      assert.equal(v.name, 'ResourceNotFoundException');
      const q = await rejects(c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: `${DEMO_FLOWS.supportBot}:$LATEST` })));
      assert.equal(q.name, 'InvalidParameterException');
      const nf = await rejects(c.connect.send(new DescribeContactFlowCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: 'missing-flow' })));
      assert.equal(nf.name, 'ResourceNotFoundException');
      assert.match(nf.message, /missing-flow/);
    });

    it('loads folder flows: UUID file names become the Id, Metadata.name the Name', async () => {
      const local = sb.instances.find((i) => i.alias === 'local')!;
      const r = await c.connect.send(new ListContactFlowsCommand({ InstanceId: local.id }));
      const names = r.ContactFlowSummaryList!.map((f) => `${f.Name}=${f.Id}`);
      assert.ok(names.includes('Billing Questions=11111111-2222-4333-8444-555555555555'), names.join());
      assert.ok(names.some((n) => n.startsWith('Local Welcome=')));
      const retail = sb.instances.find((i) => i.alias === 'retail')!;
      assert.equal(retail.flows[0].name, 'store');
    });
  });

  describe('SearchContactFlows', () => {
    it('matches name conditions (CONTAINS, STARTS_WITH, EXACT), case-insensitively, with AND/OR', async () => {
      const search = async (SearchCriteria: object) =>
        (await c.connect.send(new SearchContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, SearchCriteria }))).ContactFlows!.map((f) => f.Name).sort();
      assert.deepEqual(await search({ StringCondition: { FieldName: 'name', Value: 'lambda', ComparisonType: 'CONTAINS' } }), ['Order Status (Lambda)']);
      assert.deepEqual(await search({ StringCondition: { FieldName: 'name', Value: 'support', ComparisonType: 'STARTS_WITH' } }), ['Support Bot (Lex)']);
      assert.deepEqual(await search({ StringCondition: { FieldName: 'name', Value: 'Chat Queue Wait', ComparisonType: 'EXACT' } }), ['Chat Queue Wait']);
      assert.deepEqual(
        await search({ OrConditions: [{ TypeCondition: 'CUSTOMER_QUEUE' }, { StatusCondition: 'SAVED' }] }),
        ['Chat Queue Wait', 'Post-Chat Survey (draft)'],
      );
      assert.deepEqual(
        await search({ AndConditions: [{ TypeCondition: 'CONTACT_FLOW' }, { StringCondition: { FieldName: 'description', Value: 'agent', ComparisonType: 'CONTAINS' } }] }),
        ['Agent Queue with After-Hours', 'Concierge (interactive)', 'Order Status (Lambda)', 'Support Bot (Lex)'],
      );
    });

    it('returns full flows with Content, ApproximateTotalCount, and paginates', async () => {
      const names: string[] = [];
      let count = 0;
      for await (const p of paginateSearchContactFlows({ client: c.connect, pageSize: 2 }, { InstanceId: DEMO_INSTANCE_ID, SearchFilter: { FlowAttributeFilter: { ContactFlowTypeCondition: { ContactFlowType: 'CONTACT_FLOW' } } } })) {
        count = Number(p.ApproximateTotalCount);
        for (const f of p.ContactFlows!) {
          assert.equal((JSON.parse(f.Content!) as { Version: string }).Version, '2019-10-30');
          names.push(f.Name!);
        }
      }
      assert.equal(count, 6);
      assert.equal(names.length, 6);
    });

    it('names the offending member on bad criteria', async () => {
      const e = await rejects(
        c.connect.send(new SearchContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, SearchCriteria: { StringCondition: { FieldName: 'colour', Value: 'x', ComparisonType: 'CONTAINS' } } })),
      );
      assert.equal(e.name, 'InvalidParameterException');
      assert.match(e.message, /SearchCriteria\.StringCondition\.FieldName/);
      assert.match(e.message, /SearchCriteria\.StringCondition\.Value.*2 to 25/);
      const m = await rejects(c.connect.send(new SearchContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID, MaxResults: 101 })));
      assert.match(m.message, /'MaxResults'.*100/);
    });
  });

  describe('StartChatContact', () => {
    it('starts a chat: ids, token, the customer join event and the initial message are recorded', async () => {
      const r = await start({ Attributes: { orderId: 'A-1001', tier: 'gold' }, InitialMessage: { ContentType: 'text/plain', Content: 'Where is my parcel?' }, CustomerId: 'crm-42' });
      assert.match(r.ContactId!, /^[0-9a-f-]{36}$/);
      assert.match(r.ParticipantId!, /^[0-9a-f-]{36}$/);
      assert.ok(r.ParticipantToken!.length >= 100 && r.ParticipantToken!.length <= 1000);
      assert.equal(r.ContinuedFromContactId, undefined);
      const state = sb.getContact(r.ContactId!)!;
      assert.equal(state.status, 'ACTIVE');
      assert.deepEqual(state.attributes, { orderId: 'A-1001', tier: 'gold' });
      assert.equal(state.contactFlowId, DEMO_FLOWS.supportBot);
      assert.deepEqual(
        state.transcript.map((i) => [i.Type, i.ContentType, i.ParticipantRole, i.Content]),
        [
          ['EVENT', 'application/vnd.amazonaws.connect.event.participant.joined', 'CUSTOMER', undefined],
          ['MESSAGE', 'text/plain', 'CUSTOMER', 'Where is my parcel?'],
        ],
      );
      assert.equal(state.transcript[0].ParticipantId, r.ParticipantId);
      assert.equal(state.transcript[0].DisplayName, 'Ana Customer');
    });

    it('reports every missing required member in one InvalidParameterException', async () => {
      const e = await rejects(c.connect.send(new StartChatContactCommand({} as never)));
      assert.equal(e.name, 'InvalidParameterException');
      assert.equal(e.$fault, 'client');
      assert.match(e.message, /^3 validation errors detected/);
      for (const m of ['InstanceId', 'ContactFlowId', 'ParticipantDetails']) assert.match(e.message, new RegExp(`Value null at '${m}'.*must not be null`));
    });

    const invalid: Array<[string, Partial<StartChatContactCommandInput>, RegExp, string?]> = [
      ['DisplayName too long', { ParticipantDetails: { DisplayName: 'x'.repeat(257) } }, /'ParticipantDetails\.DisplayName'.*less than or equal to 256/],
      ['empty DisplayName', { ParticipantDetails: { DisplayName: '' } }, /'ParticipantDetails\.DisplayName'.*greater than or equal to 1/],
      ['InstanceId over 100', { InstanceId: 'i'.repeat(101) }, /'InstanceId'.*100/],
      ['ChatDurationInMinutes below 60', { ChatDurationInMinutes: 59 }, /'ChatDurationInMinutes'.*greater than or equal to 60/],
      ['ChatDurationInMinutes over 10080', { ChatDurationInMinutes: 10081 }, /'ChatDurationInMinutes'.*10080/],
      ['bad ResponseMode', { ParticipantConfiguration: { ResponseMode: 'STREAMING' as never } }, /Value 'STREAMING' at 'ParticipantConfiguration\.ResponseMode'/],
      ['InitialMessage without Content', { InitialMessage: { ContentType: 'text/plain' } as never }, /Value null at 'InitialMessage\.Content'/],
      ['InitialMessage over 16384', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(16385) } }, /'InitialMessage\.Content'.*16384/],
      ['ClientToken over 500', { ClientToken: 't'.repeat(501) }, /'ClientToken'.*500/],
      ['CustomerId over 128', { CustomerId: 'c'.repeat(129) }, /'CustomerId'.*128/],
      ['DisconnectOnCustomerExit value', { DisconnectOnCustomerExit: ['CUSTOMER' as never] }, /DisconnectOnCustomerExit\.1\.member/],
      ['attribute value over 32767', { Attributes: { big: 'v'.repeat(32768) } }, /'Attributes\.big'.*32767/],
      ['segment value string over 1024', { SegmentAttributes: { custom: { ValueString: 's'.repeat(1025) } } }, /SegmentAttributes\.custom\.ValueString/],
      ['segment value with two members', { SegmentAttributes: { custom: { ValueString: 'a', ValueInteger: 1 } } }, /exactly one of/],
      ['PersistentChat bad RehydrationType', { PersistentChat: { RehydrationType: 'ALL' as never, SourceContactId: 'x' } }, /PersistentChat\.RehydrationType/],
      ['RelatedContactId empty', { RelatedContactId: '' }, /'RelatedContactId'.*greater than or equal to 1/],
    ];
    for (const [title, input, pattern] of invalid) {
      it(`InvalidParameterException: ${title}`, async () => {
        const e = await rejects(start(input));
        assert.equal(e.name, 'InvalidParameterException', e.message);
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.match(e.message, pattern);
      });
    }

    const rules: Array<[string, Partial<StartChatContactCommandInput>, RegExp]> = [
      ['attribute key characters', { Attributes: { 'order id': '1' } }, /'Attributes\.order id'.*alphanumeric, dash/],
      ['32,768-byte attribute budget', { Attributes: { a: 'é'.repeat(9000), b: 'x'.repeat(15000) } }, /33002 UTF-8 bytes.*32768/],
      ['text/plain missing from SupportedMessagingContentTypes', { SupportedMessagingContentTypes: ['text/markdown'] }, /must include 'text\/plain'/],
      ['unknown SupportedMessagingContentTypes entry', { SupportedMessagingContentTypes: ['text/plain', 'image/png'] }, /'image\/png' is not supported/],
      ['PersistentChat and RelatedContactId together', { PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'a' }, RelatedContactId: 'b' }, /both RelatedContactId and PersistentChat/],
      ['PersistentChat without RehydrationType', { PersistentChat: { SourceContactId: 'a' } }, /RehydrationType is required/],
      ['InitialMessage type not supported', { InitialMessage: { ContentType: 'text/markdown', Content: '**hi**' } }, /must also be listed in SupportedMessagingContentTypes/],
      ['text/plain InitialMessage over 1024 characters', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(1025) } }, /1024 for text\/plain/],
      ['segment attribute key characters', { SegmentAttributes: { 'bad key': { ValueString: 'x' } } }, /SegmentAttributes\.bad key/],
      ['connect:Guide without interactive types', { SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Guide' } } }, /connect:Guide/],
    ];
    for (const [title, input, pattern] of rules) {
      it(`InvalidRequestException: ${title}`, async () => {
        const e = await rejects(start(input));
        assert.equal(e.name, 'InvalidRequestException', e.message);
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.match(e.message, pattern);
      });
    }

    it('accepts exactly 32,768 bytes of attributes and the documented optional members', async () => {
      const r = await start({
        Attributes: { k: 'x'.repeat(32767) },
        ParticipantConfiguration: { ResponseMode: 'INCREMENTAL' },
        ChatDurationInMinutes: 60,
        SupportedMessagingContentTypes: ['text/plain', 'text/markdown', 'application/vnd.amazonaws.connect.message.interactive', 'application/vnd.amazonaws.connect.message.interactive.response'],
        SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Guide' }, 'connect:ContactExpiry': { ValueMap: { ExpiryDuration: { ValueInteger: 135 } } } },
        DisconnectOnCustomerExit: ['AGENT'],
        InitialMessage: { ContentType: 'text/markdown', Content: '**hello**' },
      });
      const state = sb.getContact(r.ContactId!)!;
      assert.deepEqual(state.segmentAttributes['connect:ContactExpiry'], { ValueMap: { ExpiryDuration: { ValueInteger: 135 } } });
    });

    it('404s an unknown instance or flow, and refuses non-inbound or unpublished flows', async () => {
      const i = await rejects(start({ InstanceId: '00000000-0000-0000-0000-000000000000' }));
      assert.equal(i.name, 'ResourceNotFoundException');
      assert.equal(i.$metadata.httpStatusCode, 404);
      const f = await rejects(start({ ContactFlowId: '00000000-0000-0000-0000-000000000000' }));
      assert.equal(f.name, 'ResourceNotFoundException');
      assert.match(f.message, /ContactFlowId/);
      const q = await rejects(start({ ContactFlowId: DEMO_FLOWS.queueWait }));
      assert.equal(q.name, 'InvalidRequestException');
      assert.match(q.message, /CUSTOMER_QUEUE/);
      const d = await rejects(start({ ContactFlowId: DEMO_FLOWS.feedbackDraft }));
      assert.match(d.message, /not been published/);
    });

    it('ClientToken: the same token returns the original response and starts no second chat', async () => {
      const before = sb.listContacts().length;
      const a = await start({ ClientToken: 'retry-me-1' });
      const b = await start({ ClientToken: 'retry-me-1' });
      assert.equal(b.ContactId, a.ContactId);
      assert.equal(b.ParticipantToken, a.ParticipantToken);
      assert.equal(sb.listContacts().length, before + 1);
      const other = await start({ ClientToken: 'retry-me-2' });
      assert.notEqual(other.ContactId, a.ContactId);
      // Without a token the SDK fills a fresh UUID each call: two chats.
      const x = await start();
      const y = await start();
      assert.notEqual(x.ContactId, y.ContactId);
    });

    it('RelatedContactId copies the related contact attributes; request attributes win', async () => {
      const first = await start({ Attributes: { a: '1', b: '2' } });
      const r = await start({ RelatedContactId: first.ContactId, Attributes: { b: 'new' } });
      const state = sb.getContact(r.ContactId!)!;
      assert.deepEqual(state.attributes, { a: '1', b: 'new' });
      assert.equal(state.relatedContactId, first.ContactId);
      const e = await rejects(start({ RelatedContactId: 'no-such-contact' }));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.match(e.message, /RelatedContactId/);
    });

    it('PersistentChat: SourceContactId must exist and have ended; ContinuedFromContactId is returned', async () => {
      const chat = await startChat(c);
      const active = await rejects(start({ PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: chat.contactId } }));
      assert.equal(active.name, 'InvalidRequestException');
      assert.match(active.message, /has not ended/);
      const missing = await rejects(start({ PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'gone' } }));
      assert.equal(missing.name, 'ResourceNotFoundException');
      assert.match(missing.message, /PersistentChat\.SourceContactId/);
      await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken }));
      const second = await start({ PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: chat.contactId } });
      assert.equal(second.ContinuedFromContactId, chat.contactId);
      // ENTIRE_PAST_SESSION names the session's first contact and continues its latest ended one.
      await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: second.ContactId! }));
      const third = await start({ PersistentChat: { RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: chat.contactId } });
      assert.equal(third.ContinuedFromContactId, second.ContactId);
    });

    it('the past transcript of a persistent chat is readable with GetTranscript ContactId', async () => {
      const chat = await startChat(c, { InitialMessage: { ContentType: 'text/plain', Content: 'first session' } });
      await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken }));
      const next = await startChat(c, { PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: chat.contactId } });
      const past = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: next.connectionToken, ContactId: chat.contactId, SortOrder: 'ASCENDING' }));
      assert.ok(past.Transcript!.some((i) => i.Content === 'first session'));
      // Without ContactId the new chat's transcript includes the past session, marked as such.
      const all = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: next.connectionToken, SortOrder: 'ASCENDING', MaxResults: 100 }));
      const first = all.Transcript!.find((i) => i.Content === 'first session')!;
      assert.equal(first.RelatedContactId, chat.contactId);
      assert.equal(first.ContactId, undefined);
      const joined = all.Transcript!.at(-1)!;
      assert.equal(joined.ContactId, next.contactId);
      assert.equal(joined.RelatedContactId, undefined);
      assert.deepEqual(all.Transcript!.map((i) => i.Content ?? i.ContentType!.split('.').pop()), ['joined', 'first session', 'left', 'ended', 'joined']);
      const e = await rejects(c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken })));
      assert.equal(e.name, 'AccessDeniedException', 'the old connection token no longer reads, since that participant left');
    });
  });

  describe('StopContact', () => {
    it('ends the chat (participant left + chat ended events), then answers ContactNotFoundException 410', async () => {
      const chat = await startChat(c);
      const r = await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: chat.contactId, DisconnectReason: { Code: 'test' } }));
      assert.equal(r.$metadata.httpStatusCode, 200);
      const state = sb.getContact(chat.contactId)!;
      assert.equal(state.status, 'ENDED');
      assert.equal(state.endReason, 'API');
      assert.deepEqual(state.transcript.slice(-2).map((i) => i.ContentType), [
        'application/vnd.amazonaws.connect.event.participant.left',
        'application/vnd.amazonaws.connect.event.chat.ended',
      ]);
      const again = await rejects(c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: chat.contactId })));
      assert.equal(again.name, 'ContactNotFoundException');
      assert.equal(again.$metadata.httpStatusCode, 410);
      const unknown = await rejects(c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: 'nope' })));
      assert.equal(unknown.name, 'ContactNotFoundException');
      const inst = await rejects(c.connect.send(new StopContactCommand({ InstanceId: 'nope', ContactId: chat.contactId })));
      assert.equal(inst.name, 'ResourceNotFoundException');
      const missing = await rejects(c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID } as never)));
      assert.equal(missing.name, 'InvalidParameterException');
      assert.match(missing.message, /Value null at 'ContactId'/);
    });
  });
});
