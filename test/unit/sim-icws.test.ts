/**
 * The ICWS simulator against docs/vendors/icws.md, with plain fetch / node:http requests only:
 * connection and session, switchover, faults and control over HTTP. Set-up in sim-icws-support.ts.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { start, type IcwsSimulator } from '../../simulators/icws';
import { CONNECT_BODY, call, connect, on, poll, simIcwsHooks, types } from './sim-icws-support';

describe('ICWS simulator', function () {
  let sim: IcwsSimulator;
  let base: string;
  simIcwsHooks(this, (s, b) => ([sim, base] = [s, b]));

  describe('connection', () => {
    it('creates a session with id, CSRF token and cookie, and reports features', async () => {
      const a = await call(base, 'POST', '/icws/connection?include=features,effective-station', CONNECT_BODY());
      assert.equal(a.status, 201);
      assert.match(a.headers.get('content-type') ?? '', /application\/vnd\.inin\.icws\+json/);
      const b = a.body as Record<string, unknown>;
      assert.equal(a.headers.get('inin-icws-session-id'), b.sessionId);
      assert.equal(a.headers.get('inin-icws-csrf-token'), b.csrfToken);
      assert.equal(a.headers.get('location'), `/icws/${b.sessionId}/connection`);
      const cookie = a.headers.getSetCookie()[0];
      assert.match(cookie, new RegExp(`^icws_${b.sessionId}=[^;]+\\|languageId=en-us; Path=/icws/${b.sessionId}; HttpOnly$`));
      assert.equal(b.userID, 'agent1');
      assert.equal(b.userDisplayName, 'Agent One');
      assert.deepEqual(b.features, [
        { featureId: 'messaging', version: 2 },
        { featureId: 'dialer', version: 7 },
      ]);
      assert.equal(b.effectiveStation, null);
      assert.equal(sim.sessions.size, 1);
      const [s] = sim.sessions.values();
      assert.equal(s.applicationName, 'Node-RED');
      assert.equal(s.language, 'en-us');
    });

    it('omits features unless asked for them', async () => {
      const a = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(a.status, 201);
      assert.equal((a.body as Record<string, unknown>).features, undefined);
    });

    it('refuses wrong credentials with 400 authenticationFailure and counts attempts', async () => {
      for (const body of [CONNECT_BODY('agent1', 'wrong'), CONNECT_BODY('nobody', 'agent1-secret')]) {
        const a = await call(base, 'POST', '/icws/connection', body);
        assert.equal(a.status, 400);
        assert.deepEqual(a.body, {
          errorId: 'error.request.connection.authenticationFailure',
          errorCode: -2147221503,
          message: 'The authentication process failed.',
        });
      }
      assert.equal(sim.stats.connectAttempts, 2);
      assert.equal(sim.stats.failedLogins, 2);
      assert.equal(sim.sessions.size, 0);
    });

    it('requires Accept-Language and the icAuthConnectionRequestSettings type', async () => {
      // fetch adds `accept-language: *` by itself: plain node:http sends no such header.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(base + '/icws/connection', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(CONNECT_BODY()));
      });
      assert.equal(status, 400);
      const { __type: _t, ...untyped } = CONNECT_BODY();
      assert.equal((await call(base, 'POST', '/icws/connection', untyped)).status, 400);
      assert.equal((await call(base, 'POST', '/icws/connection', '{bad json')).status, 400);
    });

    it('checks cookie and CSRF token on every session request (401), but not CSRF on the message GET', async () => {
      const s = await connect(base);
      const noCookie = await call(base, 'POST', `/icws/${s.sid}/dialer/log-in`, {}, { 'inin-icws-csrf-token': s.csrf });
      assert.equal(noCookie.status, 401);
      assert.equal(noCookie.headers.get('www-authenticate'), 'ICWS realm="ICWS" location="/ICWS/connection"');
      const noCsrf = await call(base, 'POST', `/icws/${s.sid}/dialer/log-in`, {}, { cookie: s.cookie });
      assert.equal(noCsrf.status, 401);
      assert.equal((noCsrf.body as { errorCode: number }).errorCode, 2);
      const wrongCsrf = await on(s, 'POST', 'dialer/log-in', {}, { 'inin-icws-csrf-token': 'nope' });
      assert.equal(wrongCsrf.status, 401);
      const msgs = await call(base, 'GET', `/icws/${s.sid}/messaging/messages`, undefined, { cookie: s.cookie });
      assert.equal(msgs.status, 200);
      const unknown = await call(base, 'GET', `/icws/1234567/messaging/messages`, undefined, { cookie: s.cookie });
      assert.equal(unknown.status, 401);
      assert.equal((unknown.body as { errorCode: number }).errorCode, -2147221499);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
    });

    it('logs onto a known station and refuses an unknown one', async () => {
      const s = await connect(base);
      const body = { __type: 'urn:inin.com:connection:workstationSettings', workstation: '7001', supportedMediaTypes: [1], readyForInteractions: true };
      assert.equal((await on(s, 'PUT', 'connection/station', body)).status, 200);
      assert.equal(sim.sessions.get(s.sid)?.station, '7001');
      const bad = await on(s, 'PUT', 'connection/station', { ...body, workstation: '9999' });
      assert.equal(bad.status, 400);
      assert.equal((bad.body as { errorId: string }).errorId, 'error.request.connection.stationNotFound');
    });

    it('DELETE closes the session; later requests get 401', async () => {
      const s = await connect(base);
      assert.equal((await on(s, 'DELETE', 'connection')).status, 204);
      assert.equal(sim.sessions.size, 0);
      assert.equal(sim.stats.sessionsDeleted, 1);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('serves under a reverse-proxy path prefix', async () => {
      const p = await start({ port: 0, pathPrefix: '/api/sessionmanager', alternate: false });
      try {
        assert.ok(p.url.endsWith('/api/sessionmanager'));
        const s = await connect(p.url);
        const cookie = (await call(p.url, 'POST', '/icws/connection', CONNECT_BODY())).headers.getSetCookie()[0];
        assert.match(cookie, /Path=\/api\/sessionmanager\/icws\/\d+;/);
        assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
        assert.equal((await call(p.server.url, 'POST', '/icws/connection', CONNECT_BODY())).status, 404);
      } finally {
        await p.close();
      }
    });
  });

  describe('switchover, faults and control over HTTP', () => {
    it('answers 503 with alternateHostList when switched over; the alternate serves', async () => {
      const r = await call(base, 'POST', '/__sim/switchover', { on: true });
      const alt = (r.body as { result: { alternateHost: string } }).result.alternateHost;
      assert.equal(alt, `127.0.0.1:${sim.alternate?.server.port}`);
      const a = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(a.status, 503);
      assert.deepEqual((a.body as { alternateHostList: string[] }).alternateHostList, [alt]);
      const s = await connect(`http://${alt}`);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 200);
      assert.equal(sim.alternate?.sessions.size, 1);
      await call(base, 'POST', '/__sim/switchover', { on: false });
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 201);
    });

    it('answers 503 on session requests of the switched-over server and forgets its sessions', async () => {
      const s = await connect(base);
      sim.switchover(true);
      const r = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(r.status, 503);
      sim.switchover(false);
      assert.equal((await on(s, 'POST', 'dialer/log-in', {})).status, 401);
    });

    it('applies scripted faults from /__sim/faults', async () => {
      await call(base, 'POST', '/__sim/faults', { path: '/icws/connection', method: 'POST', status: 500, body: '{"message":"down"}', times: 1 });
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 500);
      assert.equal((await call(base, 'POST', '/icws/connection', CONNECT_BODY())).status, 201);
      await call(base, 'POST', '/__sim/faults', { path: '/icws/', status: 429, headers: { 'retry-after': '1' }, times: 1 });
      const rl = await call(base, 'POST', '/icws/connection', CONNECT_BODY());
      assert.equal(rl.status, 429);
      assert.equal(rl.headers.get('retry-after'), '1');
      const reqs = await call(base, 'GET', '/__sim/requests');
      const list = (reqs.body as { requests: Array<{ path: string; body: string }> }).requests;
      assert.equal(list.length, 3);
      assert.equal(JSON.parse(list[1].body).password, 'agent1-secret');
    });

    it('configure, queue-call, push, set-status, state and reset work over HTTP', async () => {
      assert.equal((await call(base, 'POST', '/__sim/configure', { messagingVersion: 1 })).status, 200);
      const a = await call(base, 'POST', '/icws/connection?include=features', CONNECT_BODY());
      assert.equal((a.body as { features: Array<{ version: number }> }).features[0].version, 1);
      assert.equal(
        await call(sim.alternate!.url, 'POST', '/icws/connection?include=features', CONNECT_BODY()).then(
          (x) => (x.body as { features: Array<{ version: number }> }).features[0].version,
        ),
        1,
        'configure reaches the alternate',
      );
      const s = await connect(base);
      await call(base, 'POST', '/__sim/queue-call', { type: 'regular', attributes: { is_attr_Phone: '1' } });
      await call(base, 'POST', '/__sim/push', {
        sessionId: s.sid,
        message: { __type: 'urn:inin.com:dialer:autoLoginMessage', isDelta: false, campaignId: 'C-Win-Back', initiatorName: 'supervisor' },
      });
      assert.equal((await call(base, 'POST', '/__sim/push', { message: {} })).status, 400);
      await on(s, 'POST', 'dialer/log-in', {});
      await on(s, 'POST', 'dialer/ready-for-calls', {});
      await call(base, 'POST', '/__sim/set-status', { userId: 'agent1', statusId: 'Available' });
      const m = await poll(s);
      assert.deepEqual(types(m), [
        'urn:inin.com:dialer:autoLoginMessage',
        'urn:inin.com:dialer:breakStatusMessage',
        'urn:inin.com:dialer:availableCampaignsMessage',
        'urn:inin.com:dialer:dataPopMessage',
      ]);
      assert.deepEqual((m[3].call as { attributes: unknown }).attributes, { is_attr_Phone: '1' });
      const state = (await call(base, 'POST', '/__sim/state')).body as {
        result: { activeSessions: number; stats: { connectAttempts: number }; sessions: Array<{ polls: number; dialer: { call: unknown } }> };
      };
      assert.equal(state.result.activeSessions, 2);
      assert.equal(state.result.stats.connectAttempts, 2);
      assert.ok(state.result.sessions.some((x) => x.polls === 1 && x.dialer.call));
      await call(base, 'POST', '/__sim/reset');
      assert.equal(sim.sessions.size, 0);
      assert.equal(sim.settings.messagingVersion, 2);
      assert.equal(sim.stats.connectAttempts, 0);
    });

    it('rate-limits session requests with 429 + Retry-After when switched on (DELETE still works)', async () => {
      const s = await connect(base);
      await call(base, 'POST', '/__sim/configure', { rateLimit: true, retryAfter: 2 });
      const r = await on(s, 'POST', 'dialer/log-in', {});
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.tooManyRequests');
      assert.equal((await on(s, 'DELETE', 'connection')).status, 204);
    });

    it('answers 404 in the ICWS error shape for unknown resources', async () => {
      const s = await connect(base);
      const r = await on(s, 'POST', 'dialer/nothing', {});
      assert.equal(r.status, 404);
      assert.equal((r.body as { errorId: string }).errorId, 'error.request.notFound');
      assert.equal((await call(base, 'GET', '/other')).status, 404);
    });
  });
});
