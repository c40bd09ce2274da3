/** The connection manager: lazy sessions, per-connection caches, switching and listeners. */
import assert from 'node:assert/strict';
import { ConnectionManager } from '../../../src/core/connection/manager';
import type { Connection } from '../../../src/core/connection/model';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { useAwsHome } from './awsHome';

const SANDBOX: Connection = { kind: 'sandbox' };
const DEV: Connection = { kind: 'profile', profile: 'dev', region: 'us-east-1' };

describe('connection: manager', () => {
  let sandbox: SandboxHandle;
  const managers: ConnectionManager[] = [];
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    for (const m of managers) m.dispose();
    await sandbox.close();
  });
  const aws = useAwsHome();
  beforeEach(() => aws.get().writeCredentials('[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n'));

  function manager(extra: { keep?: number } = {}) {
    let sandboxStarts = 0;
    const m = new ConnectionManager({
      initial: SANDBOX,
      sandboxEndpoint: () => {
        sandboxStarts++;
        return Promise.resolve(sandbox.url);
      },
      endpoints: () => ({ connect: sandbox.url }),
      ...extra,
    });
    managers.push(m);
    return { m, sandboxStarts: () => sandboxStarts };
  }

  it('opens a session on first use and reuses it', async () => {
    const { m, sandboxStarts } = manager();
    assert.equal(sandboxStarts(), 0, 'nothing opens before it is needed');
    const a = await m.access();
    assert.equal(await m.access(), a);
    assert.equal(sandboxStarts(), 1);
    assert.equal((await a.listInstances()).length, sandbox.instances.length);
  });

  it('notifies listeners on a switch, and keeps each connection its own cache', async () => {
    const { m } = manager();
    const seen: Array<[string, string]> = [];
    const stop = m.onDidChange((c, p) => seen.push([c.kind, p.kind]));
    const sandboxAccess = await m.access();
    m.use(DEV);
    m.use({ ...DEV });
    const devAccess = await m.access();
    assert.notEqual(devAccess, sandboxAccess);
    assert.equal(devAccess.session.connectEndpoint, sandbox.url);
    assert.equal((await devAccess.listInstances()).length, sandbox.instances.length);
    m.use(SANDBOX);
    assert.equal(await m.access(), sandboxAccess, 'switching back finds the earlier cache');
    stop();
    m.use(DEV);
    assert.deepEqual(seen, [
      ['profile', 'sandbox'],
      ['sandbox', 'profile'],
    ]);
  });

  it('drops the least recently used connection beyond `keep`', async () => {
    const { m } = manager({ keep: 1 });
    const first = await m.access();
    m.use(DEV);
    await m.access();
    m.use(SANDBOX);
    assert.notEqual(await m.access(), first);
  });

  it('refresh() empties the current cache and reset() reopens sessions', async () => {
    const { m } = manager();
    const a = await m.access();
    sandbox.addFault({ operation: 'ListInstances', kind: 'latency', latencyMs: 0 });
    const index = sandbox.listFaults().length - 1;
    await a.listInstances();
    await a.listInstances();
    await m.refresh();
    await a.listInstances();
    assert.equal(sandbox.listFaults()[index]?.applied, 2);
    sandbox.clearFaults();
    m.reset();
    assert.notEqual(await m.access(), a);
  });

  it('does not keep a failed open', async () => {
    let fail = true;
    const m = new ConnectionManager({
      initial: SANDBOX,
      sandboxEndpoint: () => (fail ? Promise.reject(new Error('sandbox failed to start')) : Promise.resolve(sandbox.url)),
    });
    managers.push(m);
    await assert.rejects(m.access(), /sandbox failed to start/);
    fail = false;
    assert.equal((await (await m.access()).listInstances()).length, sandbox.instances.length);
  });
});
