/**
 * The second real client: the AWS CLI (botocore). It starts slowly, so calls are grouped into a few
 * tests and independent calls run side by side.
 */
import assert from 'node:assert/strict';
import { awsCliEnv } from '../../support/awsCli';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, waitFor } from './support';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json(): Record<string, unknown>;
}

/** Runs the AWS CLI against a sandbox URL with throwaway credentials and no config files. */
function awsAt(url: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', url, '--output', 'json', ...args],
      {
        env: awsCliEnv(),
        // The CLI (Python) starts slowly on a loaded machine; the tests' own timeouts are longer.
        timeout: 100_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        const why = err?.killed ? `${stderr}\n(the aws process was killed after 100 s: ${args.slice(0, 2).join(' ')})` : stderr;
        resolve({ code, stdout, stderr: why, json: () => JSON.parse(stdout) as Record<string, unknown> });
      },
    );
  });
}

function ok(r: CliResult): Record<string, unknown> {
  assert.equal(r.code, 0, r.stderr);
  return r.json();
}

function failed(r: CliResult, type: string, message: RegExp): void {
  assert.notEqual(r.code, 0, `expected ${type}, got success: ${r.stdout}`);
  assert.match(r.stderr, new RegExp(`\\(${type}\\)`));
  assert.match(r.stderr, message);
}

describe('sandbox: the AWS CLI as a client', function () {
  this.timeout(120_000);
  let sb: SandboxHandle;

  before(async () => {
    sb = await startSandbox({ flowsDir: join(__dirname, '../../../../test/fixtures/sandbox/flows') });
  });
  after(async () => {
    await sb.close();
  });

  const aws = (...args: string[]) => awsAt(sb.url, args);

  it('reads instances and flows: pagination, type filter, :$SAVED, search and an error', async () => {
    const [instances, instance, flows, saved, unpublished, search] = await Promise.all([
      aws('connect', 'list-instances', '--page-size', '1'),
      aws('connect', 'describe-instance', '--instance-id', DEMO_INSTANCE_ID),
      aws('connect', 'list-contact-flows', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-types', 'CONTACT_FLOW', '--page-size', '3'),
      aws('connect', 'describe-contact-flow', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-id', `${DEMO_FLOWS.feedbackDraft}:$SAVED`),
      aws('connect', 'describe-contact-flow', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-id', DEMO_FLOWS.feedbackDraft),
      aws(
        'connect',
        'search-contact-flows',
        '--instance-id',
        DEMO_INSTANCE_ID,
        '--page-size',
        '1',
        '--search-criteria',
        JSON.stringify({ OrConditions: [{ StringCondition: { FieldName: 'name', Value: 'bot', ComparisonType: 'CONTAINS' } }, { TypeCondition: 'CUSTOMER_QUEUE' }] }),
      ),
    ]);
    const list = ok(instances).InstanceSummaryList as Array<{ InstanceAlias: string; CreatedTime: unknown }>;
    assert.deepEqual(list.map((i) => i.InstanceAlias), ['chatreq-demo', 'local', 'retail'], 'the CLI followed nextToken over three pages');
    assert.equal(list[0].CreatedTime, Date.UTC(2025, 2, 3, 16, 20) / 1000, 'epoch seconds on the wire (the CLI v1 prints them as sent)');
    assert.equal((ok(instance).Instance as { InstanceAlias: string }).InstanceAlias, 'chatreq-demo');
    const summaries = ok(flows).ContactFlowSummaryList as Array<{ ContactFlowType: string }>;
    assert.equal(summaries.length, 6, 'two pages of CONTACT_FLOW flows');
    assert.ok(summaries.every((f) => f.ContactFlowType === 'CONTACT_FLOW'));
    const flow = ok(saved).ContactFlow as { Status: string; Content: string };
    assert.equal(flow.Status, 'SAVED');
    assert.equal((JSON.parse(flow.Content) as { Version: string }).Version, '2019-10-30');
    failed(unpublished, 'ContactFlowNotPublishedException', /not been published/);
    const found = ok(search);
    assert.deepEqual((found.ContactFlows as Array<{ Name: string }>).map((f) => f.Name).sort(), ['Chat Queue Wait', 'Support Bot (Lex)']);
    assert.equal(found.ApproximateTotalCount, 2);
  });

  it('runs a chat end to end: ClientToken idempotency, participant calls, transcript paging, validation and stop', async () => {
    const startArgs = ['connect', 'start-chat-contact', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-id', DEMO_FLOWS.orderStatus, '--participant-details', 'DisplayName=Cli Customer'];
    const withToken = [...startArgs, '--client-token', 'cli-token-1', '--attributes', 'orderId=A-77', '--initial-message', 'ContentType=text/plain,Content=hello from the CLI'];
    const [first, second, tooLong] = await Promise.all([aws(...withToken), aws(...withToken), aws(...startArgs, '--chat-duration-in-minutes', '20000')]);
    const a = ok(first);
    const b = ok(second);
    assert.equal(b.ContactId, a.ContactId, 'the same ClientToken returned the same contact');
    assert.equal(sb.listContacts().length, 1, 'and started no second chat');
    failed(tooLong, 'InvalidParameterException', /ChatDurationInMinutes.*10080/);

    const conn = ok(await aws('connectparticipant', 'create-participant-connection', '--participant-token', String(a.ParticipantToken), '--type', 'WEBSOCKET', 'CONNECTION_CREDENTIALS', '--connect-participant'));
    assert.match((conn.Websocket as { Url: string }).Url, /^ws:\/\/127\.0\.0\.1:/);
    const token = (conn.ConnectionCredentials as { ConnectionToken: string }).ConnectionToken;

    const [message, badType] = await Promise.all([
      aws('connectparticipant', 'send-message', '--connection-token', token, '--content-type', 'text/plain', '--content', 'one'),
      aws('connectparticipant', 'send-event', '--connection-token', token, '--content-type', 'application/vnd.amazonaws.connect.event.dance'),
    ]);
    assert.match(String(ok(message).AbsoluteTime), /^\d{4}-\d{2}-\d{2}T.*Z$/);
    failed(badType, 'ValidationException', /not a supported event/);

    const page = ok(await aws('connectparticipant', 'get-transcript', '--connection-token', token, '--max-results', '2', '--sort-order', 'ASCENDING', '--scan-direction', 'FORWARD'));
    const items = page.Transcript as Array<{ Content?: string; ContentType: string }>;
    assert.deepEqual(items.map((i) => i.Content ?? i.ContentType), ['application/vnd.amazonaws.connect.event.participant.joined', 'hello from the CLI']);
    assert.equal(typeof page.NextToken, 'string', 'a third item is waiting on the next page');

    const bye = await aws('connectparticipant', 'disconnect-participant', '--connection-token', token);
    assert.equal(bye.code, 0, bye.stderr);
    assert.equal(sb.getContact(String(a.ContactId))!.status, 'ENDED');
    failed(await aws('connect', 'stop-contact', '--instance-id', DEMO_INSTANCE_ID, '--contact-id', String(a.ContactId)), 'ContactNotFoundException', /already ended/);
  });
});

describe('sandbox: the AWS CLI reads contacts and flow logs', function () {
  this.timeout(120_000);
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandboxWithFlows();
  });
  after(async () => {
    await sb.close();
  });
  const aws = (...args: string[]) => awsAt(sb.url, args);

  it('describe-contact, get-contact-attributes and logs filter-log-events (awsJson1_1, paginated by the CLI)', async () => {
    const started = ok(
      await aws('connect', 'start-chat-contact', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-id', DEMO_FLOWS.orderStatus, '--participant-details', 'DisplayName=Cli', '--attributes', 'orderId=12345'),
    );
    const contactId = String(started.ContactId);
    await waitFor(() => sb.getContact(contactId)?.status === 'ENDED', 'the flow to end');
    const [described, attributes, events, missing] = await Promise.all([
      aws('connect', 'describe-contact', '--instance-id', DEMO_INSTANCE_ID, '--contact-id', contactId),
      aws('connect', 'get-contact-attributes', '--instance-id', DEMO_INSTANCE_ID, '--initial-contact-id', contactId),
      aws('logs', 'filter-log-events', '--log-group-name', '/aws/connect/chatreq-demo', '--filter-pattern', `{ $.ContactId = "${contactId}" }`, '--page-size', '2'),
      aws('logs', 'filter-log-events', '--log-group-name', '/aws/connect/missing'),
    ]);
    const contact = ok(described).Contact as { Id: string; DisconnectReason: string; InitiationTimestamp: number };
    assert.equal(contact.Id, contactId);
    assert.equal(contact.DisconnectReason, 'CONTACT_FLOW_DISCONNECT');
    assert.equal(typeof contact.InitiationTimestamp, 'number', 'epoch seconds as sent (CLI v1)');
    assert.deepEqual(ok(attributes).Attributes, { orderId: '12345', orderStatus: 'SHIPPED', carrier: 'UPS' });
    const got = (ok(events).events as Array<{ message: string }>).map((e) => JSON.parse(e.message) as { ContactId: string });
    assert.equal(got.length, sb.flowLogs().filter((r) => r.ContactId === contactId).length, 'the CLI followed nextToken over every page');
    assert.ok(got.every((r) => r.ContactId === contactId));
    failed(missing, 'ResourceNotFoundException', /log group does not exist/);
  });
});
