/** interaction-events, recovery, several agents, credentials and redeploys of the GWS nodes in a real Node-RED against the GWS simulator. Set-up in gws-support.ts. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, nodeSet, statuses, waitFor, type TestNode } from '../helpers';
import { start, type GwsSimulator } from '../../simulators/gws';
import { PASSWORD, PASSWORD7, USERS, b64, gwsHarness, type Json } from './gws-support';

describe('GWS nodes', function () {
  let s: GwsSimulator;
  const { load, subscribed, wire, evIds, log } = gwsHarness(this, { get: () => s, set: (x) => (s = x) });

  it('interaction-events: delivers notifications with topic = channel and payload = data', async () => {
    const { op, events, ev, out } = await load([
      { id: 'events2', type: 'interaction-events', config: 'cfg', channels: '/v2/me/channels, /me/interactions', wires: [['ev2']] },
      { id: 'ev2', type: 'helper' },
      { id: 'agent', type: 'gws-agent', config: 'cfg', operation: 'startSession', wires: [['out']] },
    ]);
    const ev2 = collect(helper.getNode('ev2') as unknown as TestNode);
    const st = statuses(events);
    await subscribed();
    await waitFor(() => st.some((x) => (x as Json).fill === 'green'), 5000, 'green status');
    assert.deepEqual(
      st.find((x) => (x as Json).fill === 'green'),
      { fill: 'green', shape: 'dot', text: 'connected' },
    );
    assert.equal(s.bayeux.clients.size, 1, 'one CometD client per config node');
    s.invite({ id: 'N1', userData: { Subject: 'Card blocked' } });
    await waitFor(() => ev.length === 1 && ev2.length === 1);
    assert.equal(ev[0].topic, '/v2/me/interactions');
    assert.equal(ev2[0].topic, '/me/interactions');
    const data = ev[0].payload as Json;
    assert.equal(data.messageType, 'InteractionStateMessage');
    assert.deepEqual((data.interaction as Json).userData, { Subject: 'Card blocked' });
    op.receive({ operation: 'Accept', payload: { interactionId: 'N1' } });
    await waitFor(() => ev.length === 2 && out.length === 1);
    assert.equal((ev[1].payload as Json).referenceId, (out[0].payload as Json).referenceId);
    helper.getNode('agent').receive({ payload: { channels: ['email'] } });
    await waitFor(() => ev2.some((m) => m.topic === '/v2/me/channels'));
  });

  it('recovers from a lost HTTP session: the request is repeated, notifications come back, no redeploy', async () => {
    const { op, ev, out, caught } = await load();
    await subscribed();
    s.invite({ id: 'S1' });
    await waitFor(() => ev.length === 1);
    const firstCookie = [...s.sessions.keys()][0];
    s.expireSessions();
    op.receive({ operation: 'Accept', payload: { interactionId: 'S1' } });
    await waitFor(() => out.length === 1 || caught.length > 0);
    assert.equal(caught.length, 0);
    assert.ok(![...s.sessions.keys()].includes(firstCookie));
    await subscribed();
    s.invite({ id: 'S2' });
    await waitFor(() => evIds(ev).includes('S2'), 8000, 'invite after recovery');
  });

  it('recovers from a simulator restart on the same port without a redeploy', async () => {
    const { op, ev, events, out } = await load();
    const st = statuses(events);
    await subscribed();
    const port = s.server.port;
    await s.close();
    await waitFor(() => st.some((x) => (x as Json).fill === 'yellow'), 8000, 'reconnecting status');
    s = await start({ port, users: USERS, cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
    await subscribed();
    s.invite({ id: 'AFTER' });
    await waitFor(() => evIds(ev).includes('AFTER'), 8000, 'invite after restart');
    op.receive({ operation: 'Accept', payload: { interactionId: 'AFTER' } });
    await waitFor(() => out.length === 1);
    assert.equal(s.interactions.get('AFTER')!.state, 'Processing');
    await waitFor(() => (st.at(-1) as Json).fill === 'green');
  });

  it('keeps two agents (two config nodes) in separate sessions', async () => {
    const { op, ev } = await load(
      [
        { id: 'cfg7', type: 'gws-config', url: s.url, timeout: 5000 },
        { id: 'op7', type: 'interaction-op', config: 'cfg7', operation: 'Accept', wires: [['out7']] },
        { id: 'events7', type: 'interaction-events', config: 'cfg7', wires: [['ev7']] },
        { id: 'out7', type: 'helper' },
        { id: 'ev7', type: 'helper' },
      ],
      { cfg7: { username: 'agent07', password: PASSWORD7 } },
    );
    const ev7 = collect(helper.getNode('ev7') as unknown as TestNode);
    const out7 = collect(helper.getNode('out7') as unknown as TestNode);
    await subscribed(2);
    s.invite({ id: 'ONE', to: 'agent01' });
    s.invite({ id: 'SEVEN', to: 'agent07' });
    await waitFor(() => ev.length === 1 && ev7.length === 1);
    assert.deepEqual(evIds(ev), ['ONE']);
    assert.deepEqual(evIds(ev7), ['SEVEN']);
    op.receive({ operation: 'Accept', payload: { interactionId: 'ONE' } });
    helper.getNode('op7').receive({ payload: { interactionId: 'SEVEN' } });
    await waitFor(() => out7.length === 1);
    const accepts = wire().filter((r) => r.method === 'POST');
    await waitFor(() => wire().filter((r) => r.method === 'POST').length === 2);
    const byUser = new Map(
      wire()
        .filter((r) => r.method === 'POST')
        .map((r) => [JSON.parse(r.body).operationName + r.path, r.headers]),
    );
    assert.ok(accepts.length >= 1);
    const cookies = new Set([...byUser.values()].map((h) => h.cookie));
    assert.equal(cookies.size, 2, 'two different JSESSIONIDs');
    for (const h of byUser.values()) {
      const sid = String(h.cookie).replace('JSESSIONID=', '').split(';')[0];
      const sess = s.sessions.get(sid)!;
      assert.ok(sess, 'cookie of a live session');
      assert.equal(h.authorization, 'Basic ' + b64(sess.user.userName, sess.user.userName === 'agent01' ? PASSWORD : PASSWORD7));
    }
    assert.equal(s.interactions.get('ONE')!.state, 'Processing');
    assert.equal(s.interactions.get('SEVEN')!.state, 'Processing');
  });

  it('wrong password: AUTH_FAILED, red status, and the password nowhere', async () => {
    const { op, events, caught } = await load([], { cfg: { username: 'agent01', password: 'Not-The-Password-9' } });
    const st = statuses(op);
    const stE = statuses(events);
    op.receive({ operation: 'listMine', payload: {} });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'AUTH_FAILED');
    assert.match(err.message, /^GWS listMine: /);
    await waitFor(() => stE.some((x) => (x as Json).fill === 'red'));
    const everything = JSON.stringify(caught) + JSON.stringify(st) + JSON.stringify(stE) + log.text();
    for (const secret of ['Not-The-Password-9', b64('agent01', 'Not-The-Password-9'), PASSWORD, b64('agent01', PASSWORD)]) {
      assert.ok(!everything.includes(secret), 'a secret leaked');
    }
  });

  it('no config node: NOT_CONFIGURED, nothing sent', async () => {
    await helper.load(
      [nodeSet('gws'), catchNode],
      onTab([
        { id: 'op', type: 'interaction-op', operation: 'listAll', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]) as never,
    );
    const caught = collect(helper.getNode('caught') as unknown as TestNode);
    helper.getNode('op').receive({ payload: {} });
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'NOT_CONFIGURED');
    assert.equal(s.server.requestCount, 0);
  });

  it('tests the connection from the edit dialog: success, AUTH_FAILED without echoing the password, the stored password for the placeholder', async () => {
    await load();
    const admin = helper.request() as unknown as { post(u: string): { send(b: unknown): Promise<{ status: number; body: Json }> } };
    const probe = async (credentials: Record<string, string>, id = 'unsaved'): Promise<Json> => {
      const r = await admin.post('/cc-glue/test-connection/gws-config').send({ id, settings: { url: s.url, timeout: '5000' }, credentials });
      assert.equal(r.status, 200);
      return r.body;
    };
    s.server.clearRequests();
    assert.deepEqual(await probe({ username: 'agent01', password: PASSWORD }), { ok: true });
    const bad = await probe({ username: 'agent01', password: 'Wrong-Pass-4455' });
    assert.equal(bad.ok, false);
    assert.equal(bad.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(bad).includes('Wrong-Pass-4455'));
    assert.deepEqual(await probe({ username: 'agent01', password: '__PWRD__' }, 'cfg'), { ok: true });
    const none = await probe({ username: 'agent01', password: '' });
    assert.equal(none.code, 'NOT_CONFIGURED');
    assert.deepEqual(
      s.server.requests
        .filter((r) => r.headers.authorization !== undefined && !r.path.startsWith('/api/v2/notifications'))
        .slice(-3)
        .map((r) => `${r.method} ${r.path}`),
      ['GET /api/v2/me', 'GET /api/v2/me', 'GET /api/v2/me'],
    );
  });

  it('leaves no session or CometD client behind after a redeploy', async () => {
    await load();
    await subscribed();
    await helper.unload();
    await waitFor(() => s.bayeux.clients.size === 0, 5000, 'CometD disconnect');
  });
});
