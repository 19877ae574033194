/**
 * The GWS client and session (lib/gws) against the GWS simulator, over the wire: every
 * operation's request (method, path, body, Basic, cookie, CSRF), the answer classifier and
 * error mapping. Set-up in gws-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { GwsSimulator } from '../../simulators/gws';
import { CcError } from '../../lib/errors';
import { GwsClient, classify, type GwsState } from '../../lib/gws';
import { BASIC, PASSWORD, gwsClientHarness, noSecret, rejects, type Json } from './gws-client-support';

describe('GWS client (lib/gws) against the simulator', function () {
  let sim: GwsSimulator;
  let client: GwsClient;
  const { clients, logs, make, last, sessionOf } = gwsClientHarness(this, { get: () => sim, set: (s, c) => ([sim, client] = [s, c]) });

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
