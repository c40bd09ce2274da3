import assert from 'node:assert/strict';
import { SandboxAdmin, SandboxAdminError } from '../../../src/core/sandboxAdmin';
import { startSandbox, systemClock, type SandboxHandle } from '../../../src/sandbox';
import { formatRequest, parseListeningLine, parsePortInUse, parseRequestLogLine, portInUseMessage, requestLogLine } from '../../../src/sandbox/protocol';
import { clients, DEMO_INSTANCE_ID, startChat } from './support';

describe('sandbox admin API (through the typed client)', function () {
  this.timeout(20_000);
  let sb: SandboxHandle;
  let admin: SandboxAdmin;
  let c: ReturnType<typeof clients>;
  beforeEach(async () => {
    // The system clock, as `chatreq sandbox` runs it: the admin API moves it on. (No flow runtime,
    // so no flow timer ends a chat before its duration does.)
    sb = await startSandbox({ port: 0 });
    admin = new SandboxAdmin(sb.url);
    c = clients(sb);
  });
  afterEach(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  it('moves the clock forward: a chat whose duration has passed expires, and the clock says the new time', async () => {
    const before = Date.parse((await admin.clock()).now);
    const chat = await startChat(c, { ChatDurationInMinutes: 60 });
    assert.equal((await admin.contact(chat.contactId))?.status, 'ACTIVE');
    const moved = await admin.advanceClock(59 * 60_000);
    assert.ok(Date.parse(moved.now) - before >= 59 * 60_000, moved.now);
    assert.equal((await admin.contact(chat.contactId))?.status, 'ACTIVE', 'not yet: one minute to go');
    await admin.advanceClock(60_000);
    const ended = await admin.contact(chat.contactId);
    assert.equal(ended?.status, 'ENDED');
    assert.equal(ended?.endReason, 'EXPIRED');
  });

  it('refuses a clock move it cannot make, in words', async () => {
    await assert.rejects(admin.advanceClock(-5), (e: unknown) => e instanceof SandboxAdminError && e.status === 400 && /milliseconds to move the clock forward/.test(e.message));
    const fixed = await startSandbox({ clock: { now: () => new Date(0), setTimer: () => () => undefined } });
    try {
      assert.equal((await new SandboxAdmin(fixed.url).clock()).canAdvance, false);
      await assert.rejects(new SandboxAdmin(fixed.url).advanceClock(1000), /clock that cannot be moved/);
    } finally {
      await fixed.close();
    }
  });

  it('lists instances with their flows, contacts, identity events; a missing contact is undefined, an agent out of turn is the sandbox\'s message', async () => {
    const instances = await admin.instances();
    const demo = instances.find((i) => i.id === DEMO_INSTANCE_ID);
    assert.equal(demo?.alias, 'chatreq-demo');
    assert.ok((demo?.flows.length ?? 0) >= 3);
    assert.ok(demo && !('content' in demo.flows[0]), 'no flow content in the listing (DescribeContactFlow has it)');
    const chat = await startChat(c);
    assert.deepEqual((await admin.contacts()).map((x) => x.contactId), [chat.contactId]);
    assert.equal(await admin.contact('no-such-contact'), undefined);
    await assert.rejects(admin.agent(chat.contactId, { action: 'join' }), (e: unknown) => e instanceof SandboxAdminError && e.status === 400 && /has not reached a queue/.test(e.message));
    assert.deepEqual(await admin.identityEvents(), []);
    assert.equal((await admin.health()).contacts, 1);
  });

  it('sets and reads faults and quotas', async () => {
    await admin.setFaults([{ operation: 'StartChatContact', kind: 'error', status: 500, count: 1 }]);
    await assert.rejects(startChat(clients(sb, 1)));
    assert.equal((await admin.faults())[0].applied, 1);
    await admin.setFaults([]);
    assert.deepEqual(await admin.faults(), []);
    assert.deepEqual(await admin.setQuotas({ maxActiveChats: 2 }), { maxActiveChats: 2 });
    assert.deepEqual(await admin.quotas(), { maxActiveChats: 2 });
  });
});

describe('systemClock().advance', () => {
  it('fires the timers that fall due, in order, and re-arms the rest on the new time', async () => {
    const clock = systemClock();
    const fired: string[] = [];
    clock.setTimer(3_600_000, () => fired.push('hour'));
    clock.setTimer(60_000, () => {
      fired.push('minute');
      clock.setTimer(0, () => fired.push('chained'));
    });
    const cancelled = clock.setTimer(30_000, () => fired.push('cancelled'));
    cancelled();
    const soon = new Promise<void>((resolve) => clock.setTimer(3_600_000 + 20, () => resolve()));
    clock.advance(120_000);
    assert.deepEqual(fired, ['minute', 'chained']);
    assert.equal(clock.offsetMs, 120_000);
    clock.advance(3_600_000 - 120_000);
    assert.deepEqual(fired, ['minute', 'chained', 'hour']);
    // The last timer is 20 ms of real time away now: it fires on its own.
    await soon;
    assert.throws(() => clock.advance(-1), /forward only/);
  });
});

describe('sandbox protocol lines (shared by the CLI and the extension)', () => {
  it('formats and parses the listening line, the request log and the port-in-use message', () => {
    assert.deepEqual(parseListeningLine('Connect sandbox listening on http://127.0.0.1:4567'), { url: 'http://127.0.0.1:4567', port: 4567 });
    assert.equal(parseListeningLine('something else'), undefined);
    const e = { operation: 'StartChatContact', method: 'PUT', path: '/contact/chat', status: 0, ms: 1.234 };
    assert.equal(formatRequest(e), 'StartChatContact PUT /contact/chat -> dropped 1.2 ms');
    const line = requestLogLine({ ...e, status: 429, errorType: 'ThrottlingException' }, new Date(Date.UTC(2026, 0, 15)));
    assert.equal(line, '2026-01-15T00:00:00.000Z StartChatContact PUT /contact/chat -> 429 ThrottlingException 1.2 ms');
    assert.equal(parseRequestLogLine(line), 'StartChatContact PUT /contact/chat -> 429 ThrottlingException 1.2 ms');
    assert.equal(parseRequestLogLine('chatreq sandbox: skipped x.flow.json'), undefined);
    assert.equal(parsePortInUse(`chatreq sandbox: ${portInUseMessage(8123, 'Fix it.')}`), 8123);
  });
});
