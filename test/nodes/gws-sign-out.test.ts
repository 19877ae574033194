/**
 * Signing out (`gws-agent` endSession) ends the HTTP session on purpose (docs/vendors/gws.md
 * 3.1); the CometD client meets the end and reconnects on a new session. The GWS nodes' status
 * must not flash "reconnecting" for it (issue #18), notifications must keep flowing, and a real
 * session loss must still show.
 */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, nodeSet, sim, statuses, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';

const PASSWORD = 'S3cret-Agent01!';
type Json = Record<string, unknown>;

describe('GWS nodes: signing out', function () {
  this.timeout(20000);
  let s: GwsSimulator;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    s = await sim<GwsSimulator>('gws', { users: [{ userName: 'agent01', password: PASSWORD }], cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  async function load() {
    const flow = onTab([
      { id: 'cfg', type: 'gws-config', url: s.url, timeout: 5000 },
      { id: 'agent', type: 'gws-agent', config: 'cfg', operation: 'msg', wires: [['out']] },
      { id: 'op', type: 'interaction-op', config: 'cfg', operation: 'listMine', wires: [['out']] },
      { id: 'events', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions /v2/me/channels', wires: [['ev']] },
      { id: 'out', type: 'helper' },
      { id: 'ev', type: 'helper' },
    ]);
    await helper.load([nodeSet('gws'), catchNode], flow as never, { cfg: { username: 'agent01', password: PASSWORD } });
    const get = (id: string): TestNode => helper.getNode(id) as unknown as TestNode;
    const subscribedClient = (): string | undefined => [...s.bayeux.clients.values()].find((c) => c.subscriptions.size === 2)?.id;
    await waitFor(() => subscribedClient() !== undefined, 8000, 'CometD subscriptions');
    const seen = { agent: statuses(get('agent')), op: statuses(get('op')), events: statuses(get('events')) };
    return { agent: get('agent'), out: collect(get('out')), ev: collect(get('ev')), caught: collect(get('caught')), seen, subscribedClient };
  }
  const texts = (list: Array<Record<string, unknown>>): string[] => list.map((x) => String(x.text ?? ''));

  it('signing out and in again shows no "reconnecting"; notifications keep flowing on the new session', async () => {
    const { agent, out, ev, caught, seen, subscribedClient } = await load();
    agent.receive({ operation: 'startSession', payload: { channels: ['email'] } });
    await waitFor(() => out.length === 1);
    const first = subscribedClient();
    const firstSession = [...s.sessions.values()][0].id;
    agent.receive({ operation: 'endSession', payload: {} });
    await waitFor(() => out.length === 2);
    // The server ended the session and dropped its CometD client; a new one subscribes.
    await waitFor(() => subscribedClient() !== undefined && subscribedClient() !== first, 8000, 'a new CometD client');
    assert.ok(!s.sessions.has(firstSession));
    // The sign-out's channel notification arrived (LoggedOut), and new ones arrive on the new client.
    await waitFor(() => ev.some((m) => m.topic === '/v2/me/channels' && JSON.stringify(m.payload).includes('LoggedOut')));
    const mail = s.email({ subject: 'after sign-out' });
    await waitFor(() => ev.some((m) => ((m.payload as Json).interaction as Json | undefined)?.id === mail.id));
    agent.receive({ operation: 'startSession', payload: { channels: ['email'] } });
    await waitFor(() => out.length === 3);
    assert.deepEqual(caught, []);
    for (const [name, list] of Object.entries(seen)) {
      assert.ok(!texts(list).some((t) => /reconnecting|down/.test(t)), `${name}: ${JSON.stringify(texts(list))}`);
    }
  });

  it('a session lost without a sign-out still shows "reconnecting", then "connected"', async () => {
    const { seen, subscribedClient } = await load();
    const first = subscribedClient();
    s.expireSessions();
    await waitFor(() => subscribedClient() !== undefined && subscribedClient() !== first, 8000, 'a new CometD client');
    await waitFor(() => texts(seen.events).at(-1) === 'connected', 8000, 'connected again');
    assert.ok(texts(seen.events).includes('reconnecting'), JSON.stringify(texts(seen.events)));
    assert.ok(texts(seen.op).includes('reconnecting'), JSON.stringify(texts(seen.op)));
  });

  it('a refused sign-out leaves the session as it was', async () => {
    const { agent, caught, seen, subscribedClient } = await load();
    const first = subscribedClient();
    s.server.addFault({ path: '/api/v2/me', method: 'POST', status: 500, body: 'boom', times: 1 });
    agent.receive({ operation: 'endSession', payload: {} });
    await waitFor(() => caught.length === 1);
    assert.equal(subscribedClient(), first);
    assert.equal(s.sessions.size, 1);
    s.expireSessions();
    // Not swallowed by the failed sign-out: the real loss shows.
    await waitFor(() => texts(seen.events).includes('reconnecting'), 8000, 'reconnecting shown');
  });
});
