/** gws-agent, interaction-op and interaction-events in a real Node-RED against the GWS simulator. */
import * as assert from 'node:assert/strict';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, sim, sleep, statuses, waitFor, type TestNode } from '../helpers';
import { start, type GwsSimulator } from '../../simulators/gws';

const PASSWORD = 'S3cret-Agent01!';
const PASSWORD7 = 'S3cret-Agent07!';
const USERS = [
  { userName: 'agent01', password: PASSWORD, id: '9d2c0f6e41b84a57' },
  { userName: 'agent07', password: PASSWORD7, id: '5b7e19a2c0d34f88' },
];
const b64 = (u: string, p: string): string => Buffer.from(`${u}:${p}`).toString('base64');

type Json = Record<string, unknown>;

function flow(url: string, nodes: Array<Record<string, unknown>> = []): unknown[] {
  return onTab([
    { id: 'cfg', type: 'gws-config', url, timeout: 5000 },
    { id: 'agent', type: 'gws-agent', config: 'cfg', operation: 'msg', wires: [['out']] },
    { id: 'op', type: 'interaction-op', config: 'cfg', operation: 'msg', wires: [['out']] },
    { id: 'events', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions', wires: [['ev']] },
    { id: 'out', type: 'helper' },
    { id: 'ev', type: 'helper' },
    ...nodes,
  ]);
}

describe('GWS nodes', function () {
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
    s = await sim<GwsSimulator>('gws', { users: USERS, cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
  });
  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  async function load(nodes: Array<Record<string, unknown>> = [], creds: Record<string, Record<string, string>> = {}, url = s.url) {
    await helper.load([nodeSet('gws'), catchNode], flow(url, nodes) as never, { cfg: { username: 'agent01', password: PASSWORD }, ...creds });
    const get = (id: string): TestNode => helper.getNode(id) as unknown as TestNode;
    return {
      agent: get('agent'),
      op: get('op'),
      events: get('events'),
      out: collect(get('out')),
      ev: collect(get('ev')),
      caught: collect(get('caught')),
      get,
    };
  }
  const subscribed = (n = 1): Promise<void> =>
    waitFor(() => [...s.bayeux.clients.values()].filter((c) => c.subscriptions.size > 0).length >= n, 8000, 'CometD subscription');
  const wire = () => s.server.requests.filter((r) => !r.path.startsWith('/api/v2/notifications'));
  const evIds = (ev: Json[]): string[] => ev.map((m) => String(((m.payload as Json).interaction as Json | undefined)?.id ?? ''));

  it('gws-agent: starts a session with Basic, cookie and CSRF, and keeps the msg', async () => {
    const { agent, out } = await load();
    agent.receive({ operation: 'startSession', topic: 'crm', custom: 42, payload: { channels: ['email', 'chat'], place: 'Place_7012' } });
    await waitFor(() => out.length === 1);
    const [me, post] = wire();
    assert.equal(`${me.method} ${me.path}`, 'GET /api/v2/me');
    assert.equal(me.headers.authorization, 'Basic ' + b64('agent01', PASSWORD));
    const session = [...s.sessions.values()][0];
    assert.equal(post.headers.cookie, `JSESSIONID=${session.id}`);
    assert.equal(post.headers['x-csrf-token'], session.csrfToken);
    assert.deepEqual(JSON.parse(post.body), { operationName: 'StartContactCenterSession', channels: ['email', 'chat'], place: 'Place_7012' });
    const msg = out[0];
    assert.equal(msg.topic, 'crm');
    assert.equal(msg.custom, 42);
    assert.deepEqual(msg.payload, { ok: true });
    const vendor = msg.vendor as { status: number; headers: Json; body: unknown };
    assert.equal(vendor.status, 200);
    assert.deepEqual(vendor.body, { statusCode: 0 });
    for (const h of Object.keys(vendor.headers)) assert.ok(!/cookie|csrf|authorization/.test(h), h);
    agent.receive({ operation: 'ready', payload: { channel: 'chat' } });
    agent.receive({ operation: 'notReady', payload: {} });
    await waitFor(() => out.length === 3);
    assert.deepEqual(
      wire()
        .slice(-2)
        .map((r) => [r.path, JSON.parse(r.body)]),
      [
        ['/api/v2/me/channels/chat', { operationName: 'Ready' }],
        ['/api/v2/me', { operationName: 'NotReady' }],
      ],
    );
  });

  it('gws-agent: a fixed operation with TypedInput fields (json, str)', async () => {
    const { out } = await load([
      {
        id: 'agent2',
        type: 'gws-agent',
        config: 'cfg',
        operation: 'startSession',
        channels: '["workitem"]',
        channelsType: 'json',
        place: 'Place_1',
        placeType: 'str',
        wires: [['out']],
      },
    ]);
    helper.getNode('agent2').receive({ payload: 'anything' });
    await waitFor(() => out.length === 1);
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { operationName: 'StartContactCenterSession', channels: ['workitem'], place: 'Place_1' });
    assert.equal(s.agents.get('agent01')!.channels[0], 'workitem');
  });

  it('interaction-op: every POST operation on the wire, reads and update, msg passes through', async () => {
    const { op, out, caught } = await load();
    s.invite({ id: 'I/1', userData: { Subject: 'Card blocked' } });
    const steps: Array<[string, Json, Json]> = [
      ['Accept', {}, { operationName: 'Accept' }],
      ['AttachUserData', { userData: { Promo: 'SPRING25' } }, { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } }],
      ['UpdateUserData', { userData: { Segment: 'gold' } }, { operationName: 'UpdateUserData', userData: { Segment: 'gold' } }],
      ['DeleteUserData', { keys: ['Promo'] }, { operationName: 'DeleteUserData', userData: { Promo: '' }, keys: ['Promo'] }],
      ['PlaceInWorkbin', { workbin: 'Agent_FollowUp' }, { operationName: 'PlaceInWorkbin', workbin: 'Agent_FollowUp' }],
      ['GetWorkbinContent', { workbin: 'Agent_FollowUp' }, { operationName: 'GetWorkbinContent', workbin: 'Agent_FollowUp' }],
    ];
    for (const [operation, params, body] of steps) {
      const n = out.length;
      op.receive({ operation, mark: operation, payload: { interactionId: 'I/1', ...params } });
      await waitFor(() => out.length === n + 1 || caught.length > 0, 5000, operation);
      assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
      const req = wire().at(-1)!;
      assert.equal(`${req.method} ${req.path}`, 'POST /api/v2/me/interactions/I%2F1');
      assert.deepEqual(JSON.parse(req.body), body);
      assert.ok(req.headers['x-csrf-token']);
      const msg = out.at(-1)!;
      assert.equal(msg.mark, operation);
      assert.equal((msg.payload as Json).ok, true);
      assert.equal(typeof (msg.payload as Json).referenceId, 'number');
    }
    s.invite({ id: 'T1' });
    for (const [operation, params] of [
      ['Accept', {}],
      ['Transfer', { userId: 'agent07' }],
    ] as Array<[string, Json]>) {
      const n = out.length;
      op.receive({ operation, payload: { interactionId: 'T1', ...params } });
      await waitFor(() => out.length === n + 1);
    }
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { operationName: 'Transfer', userId: 'agent07' });
    assert.equal(s.interactions.get('T1')!.owner, 'agent07');
    s.invite({ id: 'Q1' });
    s.invite({ id: 'R1' });
    s.invite({ id: 'C1', replied: true });
    for (const [operation, id, params] of [
      ['Accept', 'Q1', {}],
      ['PlaceInQueue', 'Q1', { queueName: 'Email_Escalation' }],
      ['Reject', 'R1', {}],
      ['Accept', 'C1', {}],
      ['Cancel', 'C1', {}],
    ] as Array<[string, string, Json]>) {
      const n = out.length;
      op.receive({ operation, payload: { interactionId: id, ...params } });
      await waitFor(() => out.length === n + 1 || caught.length > 0);
      assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    }
    assert.equal(s.interactions.get('Q1')!.queueName, 'Email_Escalation');
    s.invite({ id: 'D1' });
    op.receive({ operation: 'Accept', payload: { interactionId: 'D1' } });
    op.receive({ operation: 'Complete', payload: { interactionId: 'D1' } });
    s.invite({ id: 'L1', userData: { Subject: 'x' } });
    const n0 = out.length;
    op.receive({ operation: 'listAll', payload: {} });
    await waitFor(() => out.length === n0 + 3);
    const all = out.at(-1)!.payload as Json[];
    assert.ok(all.some((x) => x.id === 'L1' && String(x.uri).endsWith('/api/v2/interactions/L1')));
    op.receive({ operation: 'listMine', payload: {} });
    await waitFor(() => out.length === n0 + 4);
    assert.equal(wire().at(-1)!.rawQuery, 'fields=*');
    assert.deepEqual(
      (out.at(-1)!.payload as Json[]).map((x) => x.id),
      ['L1'],
    );
    op.receive({ operation: 'get', payload: { interactionId: 'L1' } });
    await waitFor(() => out.length === n0 + 5);
    assert.deepEqual((out.at(-1)!.payload as Json).userData, { Subject: 'x' });
    op.receive({ operation: 'update', payload: { interactionId: 'L1', interaction: { userData: { Subject: 'y' } } } });
    await waitFor(() => out.length === n0 + 6);
    assert.deepEqual(out.at(-1)!.payload, { ok: true });
    assert.equal(`${wire().at(-1)!.method} ${wire().at(-1)!.path}`, 'PUT /api/v2/interactions/L1');
    assert.deepEqual(JSON.parse(wire().at(-1)!.body), { userData: { Subject: 'y' } });
    assert.equal(s.interactions.get('D1')!.state, 'Completed');
  });

  it('interaction-op: bad input and unknown operations are INVALID_INPUT with nothing sent', async () => {
    const { op, agent, caught, out } = await load();
    const st = statuses(op);
    await sleep(200); // let the events node's session bootstrap finish
    s.server.clearRequests();
    op.receive({ operation: 'Accept', payload: {} });
    op.receive({ operation: 'PlaceInQueue', payload: { interactionId: 'x' } });
    op.receive({ operation: 'UpdateUserData', payload: { interactionId: 'x', userData: {} } });
    op.receive({ operation: 'Dial', payload: { interactionId: 'x' } });
    agent.receive({ operation: 'startSession', payload: { channels: [] } });
    await waitFor(() => caught.length === 5);
    const errors = caught.map((m) => m.error as { code: string; message: string });
    assert.deepEqual(
      errors.map((e) => e.code),
      Array(5).fill('INVALID_INPUT'),
    );
    const messages = errors.map((e) => e.message).sort();
    assert.match(messages[0], /^GWS Accept: interactionId/);
    assert.match(messages[1], /^GWS Dial: operation must be one of/);
    assert.match(messages[2], /^GWS PlaceInQueue: queueName/);
    assert.match(messages[3], /^GWS UpdateUserData: userData/);
    assert.match(messages[4], /^GWS startSession: channels/);
    assert.equal(wire().length, 0);
    assert.equal(out.length, 0);
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
  });

  it('interaction-op: refusals map to CONFLICT / NOT_FOUND / VENDOR_ERROR with msg.vendor and the vendor words', async () => {
    const { op, caught, out } = await load();
    s.invite({ id: 'X1' });
    op.receive({ operation: 'Transfer', payload: { interactionId: 'X1', userId: 'agent07' } });
    await waitFor(() => caught.length === 1);
    const e1 = caught[0].error as { code: string; message: string };
    assert.equal(e1.code, 'CONFLICT');
    assert.match(e1.message, /Interaction is not in a transferable state/);
    assert.deepEqual((caught[0].vendor as Json).body, { statusCode: 2, statusMessage: 'Interaction is not in a transferable state' });
    op.receive({ operation: 'get', payload: { interactionId: '0000000000000000' } });
    await waitFor(() => caught.length === 2);
    assert.equal((caught[1].error as { code: string }).code, 'NOT_FOUND');
    op.receive({ operation: 'Accept', payload: { interactionId: 'X1' } });
    await waitFor(() => out.length === 1);
    op.receive({ operation: 'Accept', payload: { interactionId: 'X1' } });
    await waitFor(() => caught.length === 3);
    const e3 = caught[2].error as { code: string; message: string };
    assert.equal(e3.code, 'VENDOR_ERROR');
    assert.match(e3.message, /not in state Invited/);
    assert.equal((caught[2].vendor as Json).status, 400);
  });

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
