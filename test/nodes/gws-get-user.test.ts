/**
 * gws-agent `getUser` (GET /api/v2/me, docs/vendors/gws.md 3.1) in a real Node-RED against the
 * GWS simulator: what goes over the wire, the user record that comes out, and the failures.
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';

const PASSWORD = 'S3cret-Agent01!';
const USERS = [{ userName: 'agent01', password: PASSWORD, id: '9d2c0f6e41b84a57' }];

type Json = Record<string, unknown>;

describe('gws-agent getUser', function () {
  this.timeout(20000);
  let s: GwsSimulator;
  const log = new LogCapture();

  before(async () => {
    await helper.startServer();
    log.start();
  });
  after(async () => {
    log.stop();
    await helper.stopServer();
  });
  beforeEach(async () => {
    s = await sim<GwsSimulator>('gws', { users: USERS });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  async function load(password = PASSWORD) {
    const flow = onTab([
      { id: 'cfg', type: 'gws-config', url: s.url, timeout: 5000 },
      { id: 'agent', type: 'gws-agent', config: 'cfg', operation: 'getUser', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    await helper.load([nodeSet('gws'), catchNode], flow as never, { cfg: { username: 'agent01', password } });
    const get = (id: string): TestNode => helper.getNode(id) as unknown as TestNode;
    return { agent: get('agent'), out: collect(get('out')), caught: collect(get('caught')) };
  }

  it("reads the agent's user record with GET /api/v2/me and keeps the msg", async () => {
    const { agent, out } = await load();
    agent.receive({ topic: 'who', custom: 7, payload: {} });
    await waitFor(() => out.length === 1);
    const msg = out[0];
    const user = msg.payload as Json;
    assert.equal(user.userName, 'agent01');
    assert.equal(user.id, '9d2c0f6e41b84a57');
    assert.deepEqual(user.roles, ['ROLE_AGENT']);
    assert.equal(msg.topic, 'who');
    assert.equal(msg.custom, 7);
    const vendor = msg.vendor as { status: number; headers: Record<string, string> };
    assert.equal(vendor.status, 200);
    for (const h of ['set-cookie', 'x-csrf-token', 'authorization']) assert.equal(vendor.headers[h], undefined, `${h} in msg.vendor`);
    // Only reads went over the wire: nothing was posted for a read.
    const sent = s.server.requests.filter((r) => r.path.startsWith('/api/v2/me'));
    assert.ok(sent.length >= 1 && sent.every((r) => r.method === 'GET'), JSON.stringify(sent.map((r) => `${r.method} ${r.path}`)));
    assert.equal(sent.at(-1)?.headers.authorization, 'Basic ' + Buffer.from(`agent01:${PASSWORD}`).toString('base64'));
  });

  it('is an AUTH_FAILED error for a wrong password, with no secret in it', async () => {
    const { agent, out, caught } = await load('wrong-password-1');
    agent.receive({ payload: {} });
    await waitFor(() => caught.length === 1);
    assert.equal(out.length, 0);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(caught[0]).includes('wrong-password-1'));
  });

  it('is a VENDOR_ERROR, with msg.vendor set, when the answer holds no user', async () => {
    const { agent, out, caught } = await load();
    agent.receive({ payload: {} });
    await waitFor(() => out.length === 1);
    s.server.addFault({ path: '/api/v2/me', method: 'GET', status: 200, headers: { 'content-type': 'application/json' }, body: '{"statusCode":0}', times: 1 });
    agent.receive({ payload: {} });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'VENDOR_ERROR');
    assert.match(err.message, /getUser.*no user/);
    assert.deepEqual((caught[0].vendor as { body: unknown }).body, { statusCode: 0 });
  });
});
