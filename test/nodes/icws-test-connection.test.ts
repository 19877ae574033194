/** "Test connection" of icws-config: log in with the dialog's values, then log out again. */
import * as assert from 'node:assert/strict';
import { helper, nodeSet, onTab, sim } from '../helpers';
import type { IcwsSimulator } from '../../simulators/icws';

describe('icws-config test connection', function () {
  this.timeout(20000);
  let s: IcwsSimulator;
  before(async () => {
    s = await sim<IcwsSimulator>('icws', { alternate: false });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await s.close();
  });
  afterEach(() => helper.unload());

  async function probe(credentials: Record<string, string>, id = 'unsaved'): Promise<Record<string, unknown>> {
    const admin = helper.request() as { post(u: string): { send(b: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
    const r = await admin.post('/cc-glue/test-connection/icws-config').send({ id, settings: { url: s.url, timeout: '5000' }, credentials });
    assert.equal(r.status, 200);
    return r.body;
  }

  it('opens a session with good credentials and deletes it again; AUTH_FAILED with a bad password; the stored password for the placeholder', async () => {
    await helper.load([nodeSet('icws')], onTab([{ id: 'cfg', type: 'icws-config', url: s.url }], false) as never, {
      cfg: { username: 'agent1', password: 'agent1-secret' },
    });
    const created = s.stats.sessionsCreated;
    assert.deepEqual(await probe({ username: 'agent1', password: 'agent1-secret' }), { ok: true });
    assert.equal(s.stats.sessionsCreated, created + 1);
    assert.equal(s.stats.sessionsDeleted, s.stats.sessionsCreated, 'the test session was logged out');
    const bad = await probe({ username: 'agent1', password: 'wrong-password-9' });
    assert.equal(bad.ok, false);
    assert.equal(bad.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(bad).includes('wrong-password-9'));
    assert.deepEqual(await probe({ username: 'agent1', password: '__PWRD__' }, 'cfg'), { ok: true });
  });
});
