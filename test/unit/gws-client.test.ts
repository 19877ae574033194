/**
 * The GWS client and session (lib/gws) against the GWS simulator, over the wire: every
 * operation's request (method, path, body, Basic, cookie, CSRF), the answer classifier and
 * error mapping, CSRF refresh, and CometD notifications with their recovery paths.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { start, type GwsSimulator } from '../../simulators/gws';
import type { RecordedRequest } from '../../simulators/common';
import { CcError } from '../../lib/errors';
import { GwsClient, classify, type GwsNotification, type GwsState } from '../../lib/gws';

const BASIC = 'Basic ' + Buffer.from('agent01:agent01-pass').toString('base64');
const PASSWORD = 'agent01-pass';

type Json = Record<string, unknown>;

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

async function rejects(p: Promise<unknown>): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, `expected a CcError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a rejection');
}

function noSecret(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `found a secret in: ${text}`);
}

describe('GWS client (lib/gws) against the simulator', function () {
  this.timeout(20000);
  let sim: GwsSimulator;
  let client: GwsClient;
  const clients: GwsClient[] = [];
  const logs: string[] = [];

  const make = (username = 'agent01', password = PASSWORD, url?: string): GwsClient => {
    const c = new GwsClient(
      { url: url ?? sim.url, username, password },
      { timeout: 3000, retryBaseMs: 10 },
      { cometd: { backoffIncrement: 50, maxBackoff: 300, deniedBackoffMs: 100, deniedBackoffMaxMs: 300, maxNetworkDelay: 2000 }, log: (_l, t) => logs.push(t) },
    );
    clients.push(c);
    return c;
  };
  const posts = (): RecordedRequest[] => sim.server.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/v2/notifications'));
  const last = (): RecordedRequest => posts().at(-1)!;
  const sessionOf = (): { cookie: string; token: string } => {
    const s = [...sim.sessions.values()].find((x) => x.user.userName === 'agent01')!;
    return { cookie: `JSESSIONID=${s.id}`, token: s.csrfToken };
  };

  beforeEach(async () => {
    sim = await start({ cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
    client = make();
    logs.length = 0;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim.close();
  });

  describe('wire format', () => {
    it('opens the session with GET /api/v2/me and sends Basic, cookie and CSRF header on every POST', async () => {
      await client.agent('startSession', { channels: ['email', 'chat'], place: 'Place_7012' });
      const [me, post] = sim.server.requests;
      assert.equal(me.method, 'GET');
      assert.equal(me.path, '/api/v2/me');
      assert.equal(me.headers.authorization, BASIC);
      assert.equal(me.headers.cookie, undefined);
      const { cookie, token } = sessionOf();
      assert.equal(post.method, 'POST');
      assert.equal(post.path, '/api/v2/me');
      assert.equal(post.headers.authorization, BASIC);
      assert.equal(post.headers.cookie, cookie);
      assert.equal(post.headers['x-csrf-token'], token);
      assert.match(String(post.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(post.body), { operationName: 'StartContactCenterSession', channels: ['email', 'chat'], place: 'Place_7012' });
    });

    it('sends the agent operations as the note shows them', async () => {
      const r0 = await client.agent('startSession', { channels: 'email, chat' });
      assert.deepEqual(r0.payload, { ok: true });
      assert.deepEqual(JSON.parse(last().body), { operationName: 'StartContactCenterSession', channels: ['email', 'chat'] });
      assert.deepEqual((await client.agent('ready')).payload, { ok: true });
      assert.deepEqual([last().path, JSON.parse(last().body)], ['/api/v2/me', { operationName: 'Ready' }]);
      await client.agent('notReady', { channel: 'email' });
      assert.deepEqual([last().path, JSON.parse(last().body)], ['/api/v2/me/channels/email', { operationName: 'NotReady' }]);
      await client.agent('ready', { channel: 'chat' });
      assert.deepEqual([last().path, JSON.parse(last().body)], ['/api/v2/me/channels/chat', { operationName: 'Ready' }]);
      assert.deepEqual(sim.agents.get('agent01')!.ready, { email: 'NotReady', chat: 'Ready' });
      await client.agent('endSession');
      assert.deepEqual(JSON.parse(last().body), { operationName: 'EndContactCenterSession' });
      // the HTTP session is gone: the next use opens a fresh one (GET /api/v2/me first)
      const before = sim.server.requests.length;
      await assert.rejects(client.agent('ready'), (e: CcError) => e.code === 'CONFLICT' && /not logged in/.test(e.message));
      const after = sim.server.requests.slice(before);
      assert.deepEqual(
        after.map((r) => `${r.method} ${r.path}`),
        ['GET /api/v2/me', 'POST /api/v2/me'],
      );
    });

    it('reports partial success (statusCode 7) with the per-channel results', async () => {
      await fetch(sim.url + '/__sim/failChannels', { method: 'POST', body: '{"channels":["voice"]}' });
      const r = await client.agent('startSession', { channels: ['email', 'voice'] });
      assert.deepEqual(r.payload, {
        ok: true,
        partial: true,
        channels: [
          { channel: 'email', statusCode: 0 },
          { channel: 'voice', statusCode: 12, statusMessage: 'Unable to log in on channel voice' },
        ],
        statusMessage: 'Partial success',
      });
    });

    it('sends every interaction operation as POST /api/v2/me/interactions/{id} with its fields', async () => {
      const i = sim.invite({ id: '00027aKQ 3/01', userData: { Subject: 'Card blocked', Promo: 'X' } });
      const path = '/api/v2/me/interactions/00027aKQ%203%2F01';
      const cases: Array<[string, Json, Json]> = [
        ['Accept', {}, { operationName: 'Accept' }],
        ['AttachUserData', { userData: { Promo: 'SPRING25' } }, { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } }],
        ['UpdateUserData', { userData: { Segment: 'platinum' } }, { operationName: 'UpdateUserData', userData: { Segment: 'platinum' } }],
        ['DeleteUserData', { userData: { Promo: '' } }, { operationName: 'DeleteUserData', userData: { Promo: '' }, keys: ['Promo'] }],
        ['DeleteUserData', { keys: ['Segment'] }, { operationName: 'DeleteUserData', userData: { Segment: '' }, keys: ['Segment'] }],
        ['PlaceInWorkbin', { workbin: 'Agent_FollowUp' }, { operationName: 'PlaceInWorkbin', workbin: 'Agent_FollowUp' }],
        ['GetWorkbinContent', { workbin: 'Agent_FollowUp' }, { operationName: 'GetWorkbinContent', workbin: 'Agent_FollowUp' }],
      ];
      for (const [op, params, body] of cases) {
        const r = await client.interaction(op, { interactionId: i.id, ...params });
        assert.equal((r.payload as Json).ok, true, op);
        assert.equal(typeof (r.payload as Json).referenceId, 'number', op);
        const req = last();
        assert.equal(req.method, 'POST');
        assert.equal(req.path, path);
        assert.deepEqual(JSON.parse(req.body), body, op);
        assert.equal(req.headers['x-csrf-token'], sessionOf().token);
        assert.equal(req.headers.cookie, sessionOf().cookie);
      }
      assert.deepEqual(i.userData, { Subject: 'Card blocked' });
      assert.equal(i.state, 'InWorkbin');

      const j = sim.invite({ id: 'J1' });
      await client.interaction('Accept', { interactionId: 'J1' });
      await client.interaction('Transfer', { interactionId: 'J1', userId: 'agent07' });
      assert.deepEqual(JSON.parse(last().body), { operationName: 'Transfer', userId: 'agent07' });
      assert.equal(j.owner, 'agent07');
      const k = sim.invite({ id: 'K1' });
      await client.interaction('Accept', { interactionId: 'K1' });
      await client.interaction('PlaceInQueue', { interactionId: 'K1', queueName: 'Email_Escalation' });
      assert.deepEqual(JSON.parse(last().body), { operationName: 'PlaceInQueue', queueName: 'Email_Escalation' });
      assert.equal(k.queueName, 'Email_Escalation');
      sim.invite({ id: 'L1' });
      await client.interaction('Reject', { interactionId: 'L1' });
      assert.deepEqual(JSON.parse(last().body), { operationName: 'Reject' });
      const m = sim.invite({ id: 'M1', replied: true });
      await client.interaction('Accept', { interactionId: 'M1' });
      const cancel = await client.interaction('Cancel', { interactionId: 'M1' });
      assert.deepEqual(cancel.vendor.body, { status: 0, referenceId: (cancel.payload as Json).referenceId });
      assert.equal(m.state, 'Completed');
      sim.invite({ id: 'N1' });
      await client.interaction('Accept', { interactionId: 'N1' });
      const done = await client.interaction('Complete', { interactionId: 'N1' });
      assert.deepEqual(JSON.parse(last().body), { operationName: 'Complete' });
      assert.equal((done.vendor.body as Json).statusCode, 0);
    });

    it('reads and updates: listAll, listMine (fields=*), get, update (flat PUT)', async () => {
      sim.invite({ id: 'A/1', userData: { Subject: 'x' } });
      sim.invite({ id: 'B2', to: 'agent07' });
      const all = await client.interaction('listAll');
      assert.deepEqual(all.payload, [
        { id: 'A/1', uri: `${sim.url}/api/v2/interactions/A%2F1` },
        { id: 'B2', uri: `${sim.url}/api/v2/interactions/B2` },
      ]);
      const mine = await client.interaction('listMine');
      const req = sim.server.requests.at(-1)!;
      assert.equal(req.path, '/api/v2/me/interactions');
      assert.equal(req.rawQuery, 'fields=*');
      assert.deepEqual(
        (mine.payload as Json[]).map((x) => x.id),
        ['A/1'],
      );
      const one = await client.interaction('get', { interactionId: 'A/1' });
      assert.equal(sim.server.requests.at(-1)!.path, '/api/v2/interactions/A%2F1');
      assert.deepEqual((one.payload as Json).userData, { Subject: 'x' });
      const up = await client.interaction('update', { interactionId: 'A/1', interaction: { userData: { Subject: 'Card blocked (resolved)' } } });
      assert.deepEqual(up.payload, { ok: true });
      const put = last();
      assert.equal(put.method, 'PUT');
      assert.equal(put.path, '/api/v2/interactions/A%2F1');
      assert.deepEqual(JSON.parse(put.body), { userData: { Subject: 'Card blocked (resolved)' } });
      assert.equal(put.headers['x-csrf-token'], sessionOf().token);
      assert.equal(sim.interactions.get('A/1')!.userData.Subject, 'Card blocked (resolved)');
    });

    it('refuses bad input with INVALID_INPUT naming the field, and sends nothing', async () => {
      const cases: Array<[string, Json, string]> = [
        ['Accept', {}, 'interactionId'],
        ['Accept', { interactionId: '  ' }, 'interactionId'],
        ['PlaceInQueue', { interactionId: 'x' }, 'queueName'],
        ['PlaceInWorkbin', { interactionId: 'x' }, 'workbin'],
        ['GetWorkbinContent', { interactionId: 'x', workbin: { id: 1 } }, 'workbin'],
        ['Transfer', { interactionId: 'x' }, 'userId'],
        ['UpdateUserData', { interactionId: 'x', userData: {} }, 'userData'],
        ['AttachUserData', { interactionId: 'x', userData: ['a'] }, 'userData'],
        ['DeleteUserData', { interactionId: 'x' }, 'keys'],
        ['DeleteUserData', { interactionId: 'x', keys: [1] }, 'keys'],
        ['update', { interactionId: 'x', interaction: 'nope' }, 'interaction'],
        ['get', {}, 'interactionId'],
        ['Dial', {}, 'operation'],
      ];
      for (const [op, params, field] of cases) {
        const e = await rejects(client.interaction(op, params));
        assert.equal(e.code, 'INVALID_INPUT', `${op} ${JSON.stringify(params)}`);
        assert.equal(e.field, field, `${op} ${JSON.stringify(params)}`);
        assert.match(e.message, new RegExp(`^GWS ${op}: ${field}`));
      }
      for (const [op, params, field] of [
        ['startSession', {}, 'channels'],
        ['startSession', { channels: [] }, 'channels'],
        ['startSession', { channels: ['email', ''] }, 'channels[1]'],
        ['ready', { channel: {} }, 'channel'],
        ['logout', {}, 'operation'],
      ] as Array<[string, Json, string]>) {
        const e = await rejects(client.agent(op, params));
        assert.equal(e.code, 'INVALID_INPUT');
        assert.equal(e.field, field);
      }
      assert.equal(sim.server.requestCount, 0);
    });

    it('says NOT_CONFIGURED without url or credentials', async () => {
      const c = new GwsClient({ url: sim.url, username: 'agent01', password: '' });
      clients.push(c);
      assert.equal((await rejects(c.agent('ready'))).code, 'NOT_CONFIGURED');
      assert.equal(sim.server.requestCount, 0);
    });
  });

  describe('error mapping', () => {
    it('maps both answer styles and the status codes to the contract codes', async () => {
      const i = sim.invite({ id: '00027aKQ3TSR001B' });
      await client.interaction('Accept', { interactionId: i.id });
      const again = await rejects(client.interaction('Accept', { interactionId: i.id }));
      assert.equal(again.code, 'VENDOR_ERROR');
      assert.equal(again.status, 400);
      assert.match(again.message, /Interaction 00027aKQ3TSR001B is not in state Invited/);
      assert.deepEqual(again.answer?.body, { status: 'error', errorDescription: 'Interaction 00027aKQ3TSR001B is not in state Invited' });
      sim.invite({ id: 'T1' });
      const t = await rejects(client.interaction('Transfer', { interactionId: 'T1', userId: 'agent07' }));
      assert.equal(t.code, 'CONFLICT');
      assert.match(t.message, /Interaction is not in a transferable state/);
      const nf = await rejects(client.interaction('get', { interactionId: '0000000000000000' }));
      assert.equal(nf.code, 'NOT_FOUND');
      const seedNf = await rejects(client.interaction('PlaceInQueue', { interactionId: 'nope', queueName: 'q' }));
      assert.equal(seedNf.code, 'NOT_FOUND');
      const ro = await rejects(client.interaction('update', { interactionId: i.id, interaction: { state: 'Completed' } }));
      assert.equal(ro.code, 'VENDOR_ERROR');
      assert.match(ro.message, /read-only/);
      for (const [code, expected] of [
        ['18', 'CONFLICT'],
        [5, 'AUTH_FAILED'],
        [6, 'NOT_FOUND'],
        [14, 'VENDOR_ERROR'],
        [3, 'CONFLICT'],
      ] as Array<[number | string, string]>) {
        sim.refusals.push({ operation: 'UpdateUserData', statusCode: code as number, statusMessage: `refused ${code}`, seedStyle: false, times: 1 });
        const e = await rejects(client.interaction('UpdateUserData', { interactionId: i.id, userData: { a: 1 } }));
        assert.equal(e.code, expected, `statusCode ${code}`);
        assert.match(e.message, new RegExp(`refused ${code}`));
      }
    });

    it('maps transport failures: 5xx text, 429 after retries, timeout, refused connection', async () => {
      await client.agent('startSession', { channels: ['email'] });
      sim.server.addFault({ path: '/api/v2/me', method: 'POST', status: 500, body: 'Internal error', times: 1 });
      const e500 = await rejects(client.agent('ready'));
      assert.equal(e500.code, 'VENDOR_ERROR');
      assert.match(e500.message, /HTTP 500: Internal error/);
      sim.server.addFault({ path: '/api/v2/interactions', status: 429, headers: { 'retry-after': '0' }, times: 3 });
      const before = sim.server.requestCount;
      const e429 = await rejects(client.interaction('listAll'));
      assert.equal(e429.code, 'RATE_LIMITED');
      assert.equal(sim.server.requestCount - before, 3);
      sim.server.addFault({ path: '/api/v2/me/interactions', delayMs: 400, times: 1 });
      const et = await rejects(client.interaction('listMine', {}, { timeout: 100 }));
      assert.equal(et.code, 'TIMEOUT');
      const dead = make('agent01', PASSWORD, 'http://127.0.0.1:1');
      assert.equal((await rejects(dead.agent('ready'))).code, 'NETWORK');
    });

    it('says AUTH_FAILED for wrong credentials, with no password anywhere', async () => {
      const bad = make('agent01', 'Wr0ngPassw0rd!');
      const states: GwsState[] = [];
      bad.onState((s) => states.push(s));
      const e = await rejects(bad.agent('ready'));
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.status, 401);
      const all = JSON.stringify({ e, m: e.message, s: e.stack, a: e.answer, states, logs });
      noSecret(all, 'Wr0ngPassw0rd!', Buffer.from('agent01:Wr0ngPassw0rd!').toString('base64'));
      assert.equal(states.at(-1)!.state, 'down');
      assert.deepEqual(e.answer?.body, { statusCode: 20, statusMessage: 'Access denied' });
    });

    it('keeps cookies and CSRF tokens out of msg.vendor headers', async () => {
      const r = await client.agent('startSession', { channels: ['email'] });
      const names = Object.keys(r.vendor.headers);
      for (const n of ['set-cookie', 'x-csrf-token', 'x-csrf-header', 'authorization', 'cookie']) assert.ok(!names.includes(n), n);
      sim.expireSessions();
      const l = await client.interaction('listAll'); // answered with a new Set-Cookie and token
      assert.ok(!Object.keys(l.vendor.headers).some((n) => /cookie|csrf/.test(n)));
    });
  });

  describe('CSRF and session refresh', () => {
    it('refreshes a lost session once and repeats the request; ignores Set-Cookie on the 403', async () => {
      await client.agent('startSession', { channels: ['email'] });
      const old = sessionOf();
      sim.expireSessions();
      sim.server.clearRequests();
      await client.agent('ready');
      const seen = sim.server.requests.map((r) => `${r.method} ${r.path} ${r.headers.cookie === old.cookie ? 'old' : 'new'}`);
      assert.deepEqual(seen, ['POST /api/v2/me old', 'GET /api/v2/me old', 'POST /api/v2/me new']);
      // the 403 opened a server session too (its Set-Cookie was ignored); the GET opened the one used
      const [, get, repeat] = sim.server.requests;
      assert.equal(get.headers.cookie, old.cookie);
      const used = sim.sessions.get(String(repeat.headers.cookie).replace('JSESSIONID=', ''))!;
      assert.ok(used, 'the repeat carries a live session cookie');
      assert.equal(repeat.headers['x-csrf-token'], used.csrfToken);
      assert.equal(sim.sessions.size, 2);
    });

    it('refreshes once for many concurrent refused requests', async () => {
      const ids = ['C1', 'C2', 'C3', 'C4'];
      for (const id of ids) sim.invite({ id });
      await client.interaction('listAll');
      sim.expireSessions();
      sim.server.clearRequests();
      const rs = await Promise.all(ids.map((id) => client.interaction('Accept', { interactionId: id })));
      assert.equal(rs.length, 4);
      assert.equal(sim.server.requests.filter((r) => r.method === 'GET').length, 1);
      for (const id of ids) assert.equal(sim.interactions.get(id)!.state, 'Processing');
    });

    it('gives AUTH_FAILED when the token is refused again after the refresh', async () => {
      await client.interaction('listAll');
      sim.server.addFault({
        path: '/api/v2/me/interactions/',
        method: 'POST',
        status: 403,
        body: 'Missing or invalid Csrf token',
        headers: { 'set-cookie': 'JSESSIONID=evil;Path=/' },
      });
      sim.invite({ id: 'X1' });
      sim.server.clearRequests();
      const e = await rejects(client.interaction('Accept', { interactionId: 'X1' }));
      assert.equal(e.code, 'AUTH_FAILED');
      assert.match(e.message, /Csrf/);
      assert.deepEqual(
        sim.server.requests.map((r) => r.method),
        ['POST', 'GET', 'POST'],
      );
      assert.ok(!sim.server.requests.some((r) => String(r.headers.cookie).includes('evil')));
    });

    it('sends no CSRF header when the server sends none', async () => {
      sim.setCsrf(false);
      await client.agent('startSession', { channels: ['email'] });
      assert.equal(last().headers['x-csrf-token'], undefined);
      assert.equal(last().headers.cookie, sessionOf().cookie);
    });

    it('keeps one jar per client: two agents never share JSESSIONID', async () => {
      const other = make('agent07', 'agent07-pass');
      await Promise.all([client.agent('startSession', { channels: ['email'] }), other.agent('startSession', { channels: ['chat'] })]);
      assert.equal(sim.sessions.size, 2);
      const cookies = new Set(posts().map((r) => r.headers.cookie));
      assert.equal(cookies.size, 2);
      assert.equal(sim.agents.get('agent01')!.channels[0], 'email');
      assert.equal(sim.agents.get('agent07')!.channels[0], 'chat');
      assert.notEqual(client.session.jar.get('JSESSIONID'), other.session.jar.get('JSESSIONID'));
    });
  });

  describe('notifications (CometD)', () => {
    const collect = (c: GwsClient, channel = '/v2/me/interactions'): { got: GwsNotification[]; stop: () => void } => {
      const got: GwsNotification[] = [];
      const stop = c.subscribe(channel, (n) => got.push(n));
      return { got, stop };
    };
    const connected = (c: GwsClient): Promise<void> =>
      until(
        'CometD subscribed',
        () => sim.bayeux.clients.size > 0 && [...sim.bayeux.clients.values()].some((x) => x.subscriptions.size > 0) && c.state().state === 'connected',
      );
    const ids = (got: GwsNotification[]): string[] => got.map((n) => String(((n.data as Json).interaction as Json | undefined)?.id ?? ''));

    it('handshakes with the session cookie and Basic, subscribes, and delivers data unchanged', async () => {
      const { got } = collect(client);
      await connected(client);
      const hs = sim.server.requests.find((r) => r.path.startsWith('/api/v2/notifications') && r.body.includes('/meta/handshake'))!;
      assert.equal(hs.method, 'POST');
      assert.match(String(hs.headers.cookie), new RegExp(sessionOf().cookie));
      assert.equal(hs.headers.authorization, BASIC);
      assert.ok(Array.isArray(JSON.parse(hs.body)));
      assert.deepEqual(JSON.parse(hs.body)[0].supportedConnectionTypes, ['long-polling']);
      sim.invite({ id: 'E1', userData: { Subject: 'Card blocked' } });
      await until('invite', () => got.length === 1);
      assert.equal(got[0].channel, '/v2/me/interactions');
      const data = got[0].data as Json;
      assert.equal(data.messageType, 'InteractionStateMessage');
      assert.deepEqual((data.interaction as Json).userData, { Subject: 'Card blocked' });
      // an operation's outcome comes with its referenceId
      const acc = await client.interaction('Accept', { interactionId: 'E1' });
      await until('accepted', () => got.length === 2);
      assert.equal((got[1].data as Json).referenceId, (acc.payload as Json).referenceId);
      // the BAYEUX_BROWSER cookie went into this session's jar
      assert.ok(client.session.jar.get('BAYEUX_BROWSER'));
    });

    it('fans one CometD client out to several listeners and channels', async () => {
      const a = collect(client);
      const b = collect(client);
      const w = collect(client, '/v2/me/*');
      const ch = collect(client, '/v2/me/channels');
      await connected(client);
      await until('subscribed all', () => [...sim.bayeux.clients.values()][0].subscriptions.size === 3);
      assert.equal(sim.bayeux.clients.size, 1);
      sim.invite({ id: 'F1' });
      await client.agent('startSession', { channels: ['email'] });
      await until('fan out', () => a.got.length === 1 && b.got.length === 1 && w.got.length === 2 && ch.got.length === 1);
      assert.equal(ch.got[0].channel, '/v2/me/channels');
      b.stop();
      sim.invite({ id: 'F2' });
      await until('after stop', () => a.got.length === 2);
      await wait(100);
      assert.equal(b.got.length, 1);
    });

    it('recovers from a lost HTTP session: new session, re-handshake, re-subscribe', async () => {
      const { got } = collect(client);
      await connected(client);
      const states: GwsState[] = [];
      client.onState((s) => states.push(s));
      const firstClient = [...sim.bayeux.clients.keys()][0];
      sim.expireSessions();
      await until('re-subscribed', () => [...sim.bayeux.clients.keys()].some((k) => k !== firstClient && sim.bayeux.clients.get(k)!.subscriptions.size > 0));
      await until('connected', () => client.state().state === 'connected');
      assert.ok(states.some((s) => s.state === 'reconnecting'));
      sim.invite({ id: 'R1' });
      await until('delivered after recovery', () => ids(got).includes('R1'));
    });

    it('re-handshakes on advice reconnect "handshake" (scripted over HTTP)', async () => {
      const { got } = collect(client);
      await connected(client);
      const res = await fetch(sim.url + '/__sim/handshakeAdvice', { method: 'POST', body: '{"count":1}' });
      assert.equal(res.status, 200);
      const handshakesBefore = sim.server.requests.filter((r) => r.body.includes('/meta/handshake')).length;
      await until('re-handshake', () => sim.server.requests.filter((r) => r.body.includes('/meta/handshake')).length > handshakesBefore);
      await connected(client);
      sim.invite({ id: 'H1' });
      await until('delivered', () => ids(got).includes('H1'));
      assert.equal(sim.sessions.size, 1, 'the HTTP session was kept');
    });

    it('recovers from a CometD server restart on the same port without being recreated', async () => {
      const { got } = collect(client);
      await connected(client);
      const port = sim.server.port;
      await sim.close();
      await wait(300);
      assert.notEqual(client.state().state, 'idle');
      sim = await start({ port, cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
      await until('connected again', () => sim.bayeux.clients.size === 1 && [...sim.bayeux.clients.values()][0].subscriptions.has('/v2/me/interactions'), 8000);
      sim.invite({ id: 'AFTER' });
      await until('delivered after restart', () => ids(got).includes('AFTER'));
      // REST works in the new server's session too
      await client.interaction('Accept', { interactionId: 'AFTER' });
      assert.equal(sim.interactions.get('AFTER')!.state, 'Processing');
    });

    it('goes down with backoff while the session cannot be renewed, and comes back', async () => {
      const { got } = collect(client);
      await connected(client);
      const states: GwsState[] = [];
      client.onState((s) => states.push(s));
      // GWS loses the session and cannot open a new one for a while: handshakes are denied
      sim.server.addFault({ path: '/api/v2/me', method: 'GET', status: 503, body: 'Service Unavailable' });
      sim.expireSessions();
      await until('down', () => states.some((s) => s.state === 'down'), 8000);
      const down = states.find((s) => s.state === 'down')!;
      assert.match(down.reason ?? '', /handshake denied/i);
      const denied = sim.server.requests.filter((r) => r.body.includes('/meta/handshake')).length;
      await wait(400);
      // backing off: a few attempts, not a tight loop
      assert.ok(sim.server.requests.filter((r) => r.body.includes('/meta/handshake')).length - denied <= 3);
      sim.server.clearFaults();
      await until('recovered', () => client.state().state === 'connected', 8000);
      sim.invite({ id: 'BACK' });
      await until('delivered', () => ids(got).includes('BACK'));
      noSecret(JSON.stringify(states) + logs.join('\n'), PASSWORD, BASIC.slice(6));
    });

    it('keeps two agents apart: separate sessions, separate notifications', async () => {
      const other = make('agent07', 'agent07-pass');
      const a = collect(client);
      const b = collect(other);
      await until('two subscribed clients', () => [...sim.bayeux.clients.values()].filter((x) => x.subscriptions.size > 0).length === 2);
      const users = [...sim.bayeux.clients.values()].map((x) => x.user).sort();
      assert.deepEqual(users, ['agent01', 'agent07']);
      sim.invite({ id: 'TO1', to: 'agent01' });
      sim.invite({ id: 'TO7', to: 'agent07' });
      await until('both', () => a.got.length === 1 && b.got.length === 1);
      assert.deepEqual(ids(a.got), ['TO1']);
      assert.deepEqual(ids(b.got), ['TO7']);
      // losing one agent's session does not touch the other's
      const mine = client.session.jar.get('JSESSIONID');
      sim.expireSessions('agent07');
      await client.interaction('Accept', { interactionId: 'TO1' });
      await other.interaction('Accept', { interactionId: 'TO7' });
      assert.equal(client.session.jar.get('JSESSIONID'), mine);
      assert.notEqual(other.session.jar.get('JSESSIONID'), mine);
      assert.equal(sim.interactions.get('TO7')!.state, 'Processing');
    });

    it('subscribes and unsubscribes channels added or dropped while connected, without a new handshake', async () => {
      const a = collect(client);
      await connected(client);
      const handshakes = (): number => sim.server.requests.filter((r) => r.body.includes('/meta/handshake')).length;
      const before = handshakes();
      const ch = collect(client, '/v2/me/channels');
      await until('subscribed late', () => [...sim.bayeux.clients.values()][0].subscriptions.has('/v2/me/channels'));
      await client.agent('startSession', { channels: ['email'] });
      await until('agent state', () => ch.got.length === 1);
      ch.stop();
      await until('unsubscribed', () => ![...sim.bayeux.clients.values()][0].subscriptions.has('/v2/me/channels'));
      assert.equal(handshakes(), before);
      sim.invite({ id: 'LATE' });
      await until('still delivering', () => ids(a.got).includes('LATE'));
    });

    it('sends REST and CometD requests through the configured proxy', async () => {
      const seen: string[] = [];
      const proxy = http.createServer((req, res) => {
        const target = new URL(String(req.url));
        seen.push(`${req.method} ${target.pathname}`);
        const up = http.request(
          { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      // REST and CometD both go through CONNECT tunnels (undici's proxy agent, the session's transport).
      const tunnels = new Set<net.Socket>();
      proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = String(req.url).split(':');
        const up = net.connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          up.write(head);
          up.pipe(client);
          client.pipe(up);
        });
        tunnels.add(up).add(client);
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      try {
        const viaProxy = new GwsClient(
          { url: sim.url, username: 'agent01', password: PASSWORD },
          { timeout: 3000, proxy: { url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}` } },
          { cometd: { backoffIncrement: 50, maxBackoff: 300 } },
        );
        clients.push(viaProxy);
        const { got } = collect(viaProxy);
        await connected(viaProxy);
        sim.invite({ id: 'PX1' });
        await until('delivered through the proxy', () => ids(got).includes('PX1'));
        await viaProxy.interaction('Accept', { interactionId: 'PX1' });
        assert.ok(seen.includes(`CONNECT 127.0.0.1:${sim.server.port}`), seen.join(', '));
        // CometD shares the session's transport, so it tunnels through the same proxy: every
        // connection the proxy saw is a CONNECT to the simulator, and notifications arrived.
        assert.ok(
          seen.every((x) => x === `CONNECT 127.0.0.1:${sim.server.port}`),
          seen.join(', '),
        );
        assert.equal(sim.interactions.get('PX1')!.state, 'Processing');
        viaProxy.close();
      } finally {
        for (const t of tunnels) t.destroy();
        proxy.closeAllConnections();
        await new Promise<void>((r) => proxy.close(() => r()));
      }
    });

    it('stops the CometD client when the last listener leaves', async () => {
      const { stop } = collect(client);
      await connected(client);
      stop();
      await until('disconnected', () => sim.bayeux.clients.size === 0);
    });
  });

  describe('pieces', () => {
    it('classify accepts the answer styles and string status codes', () => {
      const res = (status: number, text: string) => ({ status, headers: {}, setCookie: [], text, url: '' });
      assert.equal(classify('Accept', res(200, '')).partial, false);
      assert.deepEqual(classify('Accept', res(200, '{"status":"OK"}')).body, { status: 'OK' });
      assert.deepEqual(classify('Cancel', res(200, '{"status":0}')).body, { status: 0 });
      assert.equal(classify('startSession', res(200, '{"statusCode":"7"}')).partial, true);
      assert.throws(
        () => classify('x', res(400, '{"statusCode":"2","statusMessage":"no"}')),
        (e: CcError) => e.code === 'CONFLICT' && e.detail === 'no',
      );
      assert.throws(
        () => classify('x', res(200, '{"status":"error","description":"bad"}')),
        (e: CcError) => e.code === 'VENDOR_ERROR' && /bad/.test(e.message),
      );
      assert.throws(
        () => classify('x', res(409, '{"status":"error"}')),
        (e: CcError) => e.code === 'CONFLICT',
      );
      assert.throws(
        () => classify('x', res(404, '')),
        (e: CcError) => e.code === 'NOT_FOUND',
      );
      assert.throws(
        () => classify('x', res(200, '{"statusCode":20,"statusMessage":"Access denied"}')),
        (e: CcError) => e.code === 'AUTH_FAILED',
      );
    });
  });
});
