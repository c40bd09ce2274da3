import { CloudWatchLogsClient, FilterLogEventsCommand, paginateFilterLogEvents, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { DEMO_QUEUES } from '../../../src/sandbox/catalog';
import { compileFilterPattern, FilterPatternError } from '../../../src/sandbox/flowLogs';
import { clients, DEMO_FLOWS, raw, rejects, startChat, waitFor } from './support';

interface Record_ {
  ContactId: string;
  ContactFlowId: string;
  ContactFlowName: string;
  ContactFlowModuleType: string;
  Identifier: string;
  Timestamp: string;
  Parameters: Record<string, string>;
  Results?: string;
  ExternalResults?: Record<string, string>;
}

const GROUP = '/aws/connect/chatreq-demo';

describe('sandbox: flow logs and CloudWatch Logs FilterLogEvents', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let logs: CloudWatchLogsClient;

  before(async () => {
    sb = await startSandboxWithFlows();
    c = clients(sb, 1);
    logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: sb.url, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' }, maxAttempts: 1 });
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    logs.destroy();
    await sb.close();
  });

  const ended = (id: string) => waitFor(() => sb.getContact(id)?.status === 'ENDED', 'the chat to end');
  const parse = (events: FilteredLogEvent[] | undefined) => (events ?? []).map((e) => JSON.parse(e.message!) as Record_);

  it('writes one record per block run, with the flow ARN, module type, ISO-ms timestamps and string parameters', async () => {
    // orderStatus never runs Set logging behavior: the sandbox logs it anyway (its default).
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '12345' } });
    await ended(chat.contactId);
    const records = sb.flowLogs().filter((r) => r.ContactId === chat.contactId);
    const flow = sb.instances[0].flows.find((f) => f.id === DEMO_FLOWS.orderStatus)!;
    const trace = sb.getContact(chat.contactId)!.trace as { steps: Array<{ identifier: string; type: string }> };
    // UpdateContactAttributes writes one record per attribute (two here).
    assert.equal(records.length, trace.steps.length + 1);
    for (const r of records) {
      assert.equal(r.ContactFlowId, flow.arn);
      assert.equal(r.ContactFlowName, flow.name);
      assert.match(r.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Object.values(r.Parameters).every((v) => typeof v === 'string'));
    }
    assert.deepEqual(
      records.map((r) => r.ContactFlowModuleType),
      ['CheckAttribute', 'PlayPrompt', 'InvokeExternalResource', 'SetAttributes', 'SetAttributes', 'CheckAttribute', 'PlayPrompt', 'Disconnect'],
    );
    assert.deepEqual(records.map((r) => r.Identifier).filter((v, i, a) => a.indexOf(v) === i), trace.steps.map((s) => s.identifier));
    const lambda = records[2];
    assert.equal(lambda.Parameters.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:order-status-lookup');
    assert.equal(lambda.Parameters.ResponseValidation, 'ResponseType=STRING_MAP');
    assert.match(lambda.Parameters.TimeLimit, /^\d+$/, 'milliseconds as text');
    assert.deepEqual(lambda.ExternalResults, { orderStatus: 'SHIPPED', carrier: 'UPS', estimatedDelivery: 'Friday' });
    assert.equal(lambda.Results, undefined);
    assert.deepEqual(records[3].Parameters, { Key: 'orderStatus', Value: 'SHIPPED' });
    assert.equal(records[5].Results, 'SHIPPED', 'the Compare operand that matched');
    assert.equal(records[6].Parameters.Text, 'Good news: order 12345 shipped with UPS and should arrive by Friday.');
  });

  it('logs a failed Lambda without ExternalResults and with Connect\'s error text, then SetQueue with the queue ARN', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '99999' } });
    await waitFor(() => sb.flowLogs().some((r) => r.ContactId === chat.contactId && r.ContactFlowModuleType === 'Transfer'), 'the queue transfer record');
    const records = sb.flowLogs().filter((r) => r.ContactId === chat.contactId);
    const lambda = records.find((r) => r.ContactFlowModuleType === 'InvokeExternalResource')!;
    assert.equal(lambda.ExternalResults, undefined);
    assert.equal(lambda.Results, 'The Lambda Function Returned An Error.');
    assert.deepEqual(records.find((r) => r.ContactFlowModuleType === 'SetQueue')!.Parameters, { Queue: DEMO_QUEUES[0].arn });
  });

  it('logs the Lex block with the intent as Results when the customer answered', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.supportBot });
    await waitFor(() => sb.getContact(chat.contactId)!.transcript.some((i) => i.Content?.startsWith('How can I help')), 'the bot prompt');
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'bye' }));
    await ended(chat.contactId);
    const records = sb.flowLogs().filter((r) => r.ContactId === chat.contactId);
    assert.equal(records[0].ContactFlowModuleType, 'SetLoggingBehavior');
    assert.deepEqual(records[0].Parameters, { LoggingBehavior: 'Enable' });
    const lex = records.find((r) => r.ContactFlowModuleType === 'GetUserInput')!;
    assert.equal(lex.Results, 'Goodbye');
    assert.equal(lex.Parameters.BotAliasArn, 'arn:aws:lex:us-east-1:123456789012:bot-alias/QW7RZ3K5PX/TSTALIASID');
  });

  it('FilterLogEvents through the real SDK: a JSON pattern per contact, && terms, events sorted, message double-encoded', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '67890' } });
    await ended(chat.contactId);
    const r = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `{ $.ContactId = "${chat.contactId}" }` }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    const records = parse(r.events);
    assert.deepEqual(records, sb.flowLogs().filter((x) => x.ContactId === chat.contactId));
    assert.deepEqual(r.searchedLogStreams, []);
    assert.equal(r.nextToken, undefined);
    for (const e of r.events!) {
      assert.equal(typeof e.timestamp, 'number');
      assert.equal(typeof e.ingestionTime, 'number');
      assert.match(e.eventId!, /^\d+$/);
      assert.equal(e.logStreamName, DEMO_FLOWS.orderStatus);
      assert.equal(e.timestamp, Date.parse((JSON.parse(e.message!) as Record_).Timestamp));
    }
    const ts = r.events!.map((e) => e.timestamp!);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b));

    const both = await logs.send(new FilterLogEventsCommand({
      logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`,
      filterPattern: `{ ($.ContactId = "${chat.contactId}") && ($.ContactFlowModuleType = "PlayPrompt") }`,
    }));
    assert.deepEqual(parse(both.events).map((x) => x.Parameters.Text), ['One moment while I look up order 67890.', "Order 67890 is being packed. You'll get an email as soon as it ships."]);
    const wildcard = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `{ $.ContactId = "${chat.contactId}" && $.Parameters.Text = "*packed*" }` }));
    assert.equal(wildcard.events!.length, 1);
    const substring = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `${chat.contactId} InvokeExternalResource` }));
    assert.equal(parse(substring.events).map((x) => x.ContactFlowModuleType).join(), 'InvokeExternalResource');
    const quoted = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `"${chat.contactId}" -PlayPrompt -SetAttributes` }));
    assert.deepEqual(parse(quoted.events).map((x) => x.ContactFlowModuleType), ['CheckAttribute', 'InvokeExternalResource', 'CheckAttribute', 'Disconnect']);
    const byStream = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `{ $.ContactId = "${chat.contactId}" }`, logStreamNames: ['someOtherFlow'] }));
    assert.deepEqual(byStream.events, []);
  });

  it('GET /sandbox/flow-logs/{alias} returns the same records; an unknown alias is 404', async () => {
    const r = await raw(sb, 'GET', '/sandbox/flow-logs/chatreq-demo');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { logGroupName: GROUP, records: sb.flowLogs('chatreq-demo') });
    assert.equal((await raw(sb, 'GET', '/sandbox/flow-logs/nope')).status, 404);
  });

  it('paginates with limit/nextToken and filters by startTime/endTime', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '12345' } });
    await ended(chat.contactId);
    const filterPattern = `{ $.ContactId = "${chat.contactId}" }`;
    const all = sb.flowLogs().filter((x) => x.ContactId === chat.contactId);
    const pages: Record_[][] = [];
    for await (const p of paginateFilterLogEvents({ client: logs, pageSize: 3 }, { logGroupName: GROUP, filterPattern })) pages.push(parse(p.events));
    assert.deepEqual(pages.flat(), all);
    assert.ok(pages.length >= 3, `several pages (got ${pages.length})`);
    assert.ok(pages.every((p) => p.length <= 3));

    const first = Date.parse(all[0].Timestamp);
    const none = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern, endTime: first - 1 }));
    assert.deepEqual(none.events, []);
    const from = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern, startTime: first }));
    assert.equal(from.events!.length, all.length);

    const e = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.Other = "x" }', nextToken: 'bm90LWEtdG9rZW4' })));
    assert.equal(e.name, 'InvalidParameterException');
  });

  it('answers awsJson1_1 errors: ResourceNotFound for an unknown group, InvalidParameter for name + identifier or a bad pattern', async () => {
    const missing = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/connect/nope' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.message, 'The specified log group does not exist.');
    assert.equal(missing.$metadata.httpStatusCode, 400);
    const both = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logGroupIdentifier: GROUP })));
    assert.equal(both.name, 'InvalidParameterException');
    const pattern = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ ContactId = x }' })));
    assert.equal(pattern.name, 'InvalidParameterException');
    const limit = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 0 })));
    assert.equal(limit.name, 'InvalidParameterException');

    const wire = await raw(sb, 'POST', '/', JSON.stringify({ logGroupName: '/aws/connect/nope' }), {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Logs_20140328.FilterLogEvents',
    });
    assert.equal(wire.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.deepEqual(wire.json(), { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    const unknown = await raw(sb, 'POST', '/', '{}', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.GetLogEvents' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json().__type, 'UnknownOperationException');
  });

  it('FilterLogEvents takes faults and the TPS quota like the other operations', async () => {
    sb.addFault({ operation: 'FilterLogEvents', kind: 'error', count: 1 });
    const failed = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 1 })));
    assert.equal(failed.name, 'ServiceUnavailableException');
    assert.equal(failed.$metadata.httpStatusCode, 500);
    sb.setQuotas({ tps: { FilterLogEvents: 1 } });
    try {
      await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 1 }));
      const throttled = await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 1 })));
      assert.equal(throttled.name, 'ThrottlingException');
    } finally {
      sb.setQuotas({});
    }
  });
});

describe('sandbox: flow-log policy and bounds', () => {
  it('whenEnabled logs only after a Set logging behavior block; off logs nothing; the group keeps its newest events', async () => {
    const strict = await startSandboxWithFlows({ flowLogs: 'whenEnabled', maxFlowLogEvents: 3 });
    const off = await startSandboxWithFlows({ flowLogs: 'off' });
    const cs = clients(strict, 1);
    const co = clients(off, 1);
    try {
      const plain = await startChat(cs, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '12345' } });
      await waitFor(() => strict.getContact(plain.contactId)?.status === 'ENDED', 'the chat to end');
      assert.deepEqual(strict.flowLogs(), [], 'orderStatus never enables logging');
      const bot = await startChat(cs, { ContactFlowId: DEMO_FLOWS.supportBot });
      await waitFor(() => strict.flowLogs().some((r) => r.ContactFlowModuleType === 'PlayPrompt'), 'records after Set logging behavior');
      await waitFor(() => strict.getContact(bot.contactId)!.trace && (strict.getContact(bot.contactId)!.trace as { status: string }).status === 'waiting', 'the bot to wait');
      const records = strict.flowLogs();
      assert.equal(records.length, 3, 'capped at maxFlowLogEvents');
      assert.deepEqual(records.map((r) => r.ContactFlowModuleType), ['SetAttributes', 'PlayPrompt', 'CheckAttribute'], 'the oldest record (SetLoggingBehavior) was dropped');

      const quiet = await startChat(co, { ContactFlowId: DEMO_FLOWS.supportBot });
      await waitFor(() => off.getContact(quiet.contactId)!.transcript.some((i) => i.Content?.startsWith('How can I help')), 'the bot prompt');
      assert.deepEqual(off.flowLogs(), []);
    } finally {
      for (const x of [cs, co]) {
        x.connect.destroy();
        x.participant.destroy();
      }
      await strict.close();
      await off.close();
    }
  });
});

describe('sandbox: filter patterns', () => {
  const m = (pattern: string, doc: unknown) => compileFilterPattern(pattern)(JSON.stringify(doc));

  it('matches JSON terms: = and != with * wildcards, numbers, nesting, EXISTS, && and ||', () => {
    assert.equal(m('{ $.A = "*ab*" }', { A: 'xxabyy' }), true);
    assert.equal(m('{ $.A = "ab" }', { A: 'xab' }), false);
    assert.equal(m('{ $.A != "a*" }', { A: 'ba' }), true);
    assert.equal(m('{ $.A != "a*" }', {}), false, '!= needs the field');
    assert.equal(m('{ $.N > 3 }', { N: '5' }), true);
    assert.equal(m('{ $.N <= 3 }', { N: 5 }), false);
    assert.equal(m('{ $.B.C EXISTS }', { B: { C: 1 } }), true);
    assert.equal(m('{ $.B.D NOT EXISTS }', { B: { C: 1 } }), true);
    assert.equal(m('{ $.A = "x" || $.A = "y" && $.B = "z" }', { A: 'x' }), true, '&& binds tighter');
    assert.equal(m('{ ($.A = "x" || $.A = "y") && $.B = "z" }', { A: 'x' }), false);
    assert.equal(m('{ $.A = "x" }', 'not an object'), false);
    assert.equal(compileFilterPattern('{ $.A = "x" }')('not json'), false);
  });

  it('refuses malformed patterns and stays fast on many wildcards', () => {
    for (const bad of ['{ $.A = "x" ', '{}', '{ A = "x" }', '{ $.A < "x" }', '{ ($.A = "x" }', '{ $.A = "x }']) {
      assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
    }
    const t0 = Date.now();
    assert.equal(m(`{ $.A = "${'*a'.repeat(400)}b" }`, { A: 'a'.repeat(5000) }), false);
    assert.ok(Date.now() - t0 < 1000);
  });
});
