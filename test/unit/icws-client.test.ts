/**
 * The ICWS session (lib/icws) against the ICWS simulator, over the wire: connection, messaging,
 * reconnects, switchover, failures, close. Set-up in icws-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { CcError } from '../../lib/errors';
import type { SessionStatus } from '../../lib/icws';
import type { IcwsSimulator } from '../../simulators/icws';
import { PASSWORD, icwsClientHarness, rejects, sleep, waitFor } from './icws-client-support';

describe('ICWS client and session (lib/icws)', function () {
  let sim: IcwsSimulator;
  const { client, reqs, dialerReqs, connects, toPop } = icwsClientHarness(this, (x) => (sim = x));

  describe('session', () => {
    it('connects as the note says and sends id, CSRF token, cookie and language on every request', async () => {
      const { c } = client({ language: 'de-de', applicationName: 'Flows' });
      const out = await c.logIn({ campaignId: undefined });
      assert.deepEqual(out.payload, { ok: true });
      const [conn] = connects();
      assert.equal(conn.rawQuery, 'include=features%2Ceffective-station');
      assert.equal(conn.headers['accept-language'], 'de-de');
      assert.match(String(conn.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(conn.body), {
        __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
        applicationName: 'Flows',
        userID: 'agent1',
        password: PASSWORD,
      });
      const [s] = sim.sessions.values();
      const login = reqs('/icws/', 'POST').find((r) => r.path.endsWith('/dialer/log-in'));
      assert.ok(login);
      assert.equal(login.path, `/icws/${s.id}/dialer/log-in`);
      assert.equal(login.headers['inin-icws-csrf-token'], s.csrf);
      assert.equal(login.headers.cookie, `${s.cookieName}=${s.cookieValue}`);
      assert.equal(login.headers['accept-language'], 'de-de');
      assert.match(String(login.headers['content-type']), /^application\/json/);
      assert.equal(login.body, '{}');
      assert.equal(c.session.messagingMode, 'sse');
      assert.equal(out.vendor.status, 200);
      for (const h of ['set-cookie', 'inin-icws-csrf-token', 'inin-icws-session-id', 'cookie']) assert.equal(out.vendor.headers[h], undefined);
    });

    it('logs onto the configured station; a failed station log-on keeps the session up', async () => {
      const { c } = client({ station: '7001' });
      await c.logIn();
      const st = reqs('/icws/', 'PUT').find((r) => r.path.endsWith('/connection/station'));
      assert.deepEqual(JSON.parse(st?.body ?? ''), {
        __type: 'urn:inin.com:connection:workstationSettings',
        workstation: '7001',
        supportedMediaTypes: [1],
        readyForInteractions: true,
      });
      assert.equal([...sim.sessions.values()][0].station, '7001');

      const bad = client({ station: '9999' });
      await bad.c.logIn();
      const status = bad.c.session.getStatus();
      assert.equal(status.phase, 'connected');
      assert.match(String(status.stationError), /9999/);
    });

    it('uses server-sent events when messaging ≥ 2: one stream, messages in order, no polling', async () => {
      const { c, messages } = client();
      const call = await toPop(c, messages);
      assert.equal(call.__type, 'urn:inin.com:dialer:previewPop');
      assert.deepEqual(
        messages.map((m) => m.__type),
        [
          'urn:inin.com:dialer:breakStatusMessage',
          'urn:inin.com:dialer:availableCampaignsMessage',
          'urn:inin.com:dialer:dataPopMessage',
          'urn:inin.com:messaging:asyncOperationCompletedMessage',
        ],
      );
      const gets = reqs('/icws/', 'GET').filter((r) => r.path.endsWith('/messaging/messages'));
      assert.equal(gets.length, 1);
      assert.equal(gets[0].headers.accept, 'text/event-stream');
      const [s] = sim.sessions.values();
      assert.equal(s.polls, 0);
      assert.equal(s.streamsOpened, 1);
    });

    it('reopens an event stream that went silent (no ping) without a new session', async () => {
      sim.configure({ pingMs: 60000 });
      const { c, messages, warnings } = client({ streamIdleMs: 250 });
      await c.logIn();
      await waitFor(() => [...sim.sessions.values()][0]?.streamsOpened >= 2, 3000, 'stream reopened');
      assert.equal(sim.stats.sessionsCreated, 1);
      assert.ok(warnings.some((w) => /silent/.test(w)));
      await c.requestBreak();
      await waitFor(() => messages.filter((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage').length === 3, 3000, 'messages still arrive');
    });

    it('short-polls when messaging < 2: one GET at a time, 1 s after each answer', async () => {
      sim.configure({ messagingVersion: 1 });
      sim.server.addFault({ path: '/icws/', method: 'GET', delayMs: 200 });
      const { c, messages } = client({ pollIntervalMs: 1000 });
      await c.logIn();
      assert.equal(c.session.messagingMode, 'poll');
      await waitFor(() => messages.length >= 2, 4000, 'messages by polling');
      await waitFor(() => reqs('/icws/', 'GET').length >= 3, 4000, 'three polls');
      const gets = reqs('/icws/', 'GET');
      for (const g of gets) assert.notEqual(g.headers.accept, 'text/event-stream');
      for (let i = 1; i < gets.length; i++)
        assert.ok(gets[i].time - gets[i - 1].time >= 1150, `poll ${i} came ${gets[i].time - gets[i - 1].time} ms after the previous one`);
      assert.deepEqual(
        messages.slice(0, 2).map((m) => m.__type),
        ['urn:inin.com:dialer:breakStatusMessage', 'urn:inin.com:dialer:availableCampaignsMessage'],
      );
    });

    it('recovers from session expiry mid-flow: one reconnect, Dialer restored, the request repeated, no error', async () => {
      const { c, messages, reconnects } = client();
      await toPop(c, messages);
      await c.placePreviewCall();
      await c.disposition({ label: 'Success' });
      const before = sim.stats.sessionsCreated;
      sim.expire();
      sim.server.clearRequests();
      const out = await c.setStatus({ statusId: 'Available' });
      assert.equal(out.payload.ok, true);
      assert.equal(sim.stats.sessionsCreated, before + 1);
      const seq = sim.server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^\/icws\/\d+/, '')}`);
      assert.deepEqual(seq, [
        'PUT /status/user-statuses/agent1',
        'POST /icws/connection',
        'POST /dialer/log-in',
        'POST /dialer/ready-for-calls',
        'PUT /status/user-statuses/agent1',
        'PUT /status/user-statuses/agent1',
      ]);
      assert.equal(sim.server.requests.find((r) => r.method === 'PUT')?.body, '{"statusId":"Available"}');
      await waitFor(() => reconnects.length === 1, 2000, 'reconnected event');
      const [s] = sim.sessions.values();
      assert.equal(s.dialer.loggedIn, true);
      assert.equal(s.dialer.ready, true);
    });

    it('shares one reconnect among concurrent requests (single flight)', async () => {
      const { c } = client();
      await c.logIn();
      sim.expire();
      const n = connects().length;
      const results = await Promise.all([c.readyForCalls(), c.requestBreak(), c.endBreak(), c.setStatus({ statusId: 'Available' }), c.readyForCalls()]);
      assert.equal(results.length, 5);
      assert.equal(connects().length, n + 1);
      assert.equal(sim.sessions.size, 1);
    });

    it('reconnects by itself when the stream ends (expiry) or the server says the connection is down', async () => {
      const { c, messages, reconnects, states } = client();
      await c.logIn();
      await waitFor(() => messages.length === 2);
      sim.expire();
      await waitFor(() => reconnects.length === 1, 3000, 'reconnect after expiry');
      assert.ok(states.some((s) => s.phase === 'reconnecting'));
      assert.equal(sim.sessions.size, 1);
      // the restored log-in brings the Dialer messages again, on the new stream
      await waitFor(() => messages.filter((m) => m.__type === 'urn:inin.com:dialer:breakStatusMessage').length === 2, 3000, 'messages after restore');
      sim.dropSession(undefined, 'maintenance');
      await waitFor(() => reconnects.length === 2, 3000, 'reconnect after connectionStateChange down');
      assert.equal(messages.filter((m) => m.__type === 'urn:inin.com:connection:connectionStateChangeMessage').length, 0, 'consumed, not emitted');
      assert.equal(sim.sessions.size, 1);
      assert.equal(c.session.getStatus().phase, 'connected');
    });

    it('a session lost again while its reconnect is still restoring Dialer is reconnected once more', async () => {
      const { c, messages, reconnects } = client();
      await c.logIn();
      await waitFor(() => messages.length === 2);
      // the restore log-in of the next session will take 400 ms
      sim.server.addFault({ path: '/icws/1', method: 'POST', delayMs: 400, times: 1 });
      sim.expire();
      await waitFor(() => sim.stats.sessionsCreated === 2 && [...sim.sessions.values()][0]?.streamsOpened >= 1, 3000, 'second session streaming');
      sim.expire(); // while the restore is on the wire
      await waitFor(() => sim.stats.sessionsCreated === 3 && reconnects.length === 2, 4000, 'third session');
      await waitFor(() => [...sim.sessions.values()][0]?.dialer.loggedIn === true, 3000, 'restored on the third session');
      assert.equal(c.session.getStatus().phase, 'connected');
      const before = messages.length;
      await c.requestBreak();
      await waitFor(() => messages.length >= before + 2, 3000, 'messages flow on the third session');
    });

    it('a dropped stream (session intact) is reopened; messages sent meanwhile arrive once', async () => {
      const { c, messages } = client();
      await c.logIn();
      await waitFor(() => messages.length === 2);
      sim.server.dropConnections();
      // pushed at once, before the client can reopen: the server must queue them
      for (let i = 1; i <= 3; i++) sim.push({ __type: 'urn:inin.com:dialer:autoLoginMessage', isDelta: false, campaignId: `C-${i}`, initiatorName: 'sup' });
      await waitFor(() => messages.length === 5, 4000, 'the three messages');
      await sleep(100);
      assert.deepEqual(
        messages.slice(2).map((m) => m.campaignId),
        ['C-1', 'C-2', 'C-3'],
      );
      assert.equal(sim.stats.sessionsCreated, 1, 'same session');
      assert.ok([...sim.sessions.values()][0].streamsOpened >= 2);
    });

    it('reconnects by itself in polling mode too', async () => {
      sim.configure({ messagingVersion: 1 });
      const { c, reconnects } = client({ pollIntervalMs: 50 });
      await c.logIn();
      sim.dropSession();
      await waitFor(() => reconnects.length === 1, 3000, 'reconnect');
      await waitFor(() => [...sim.sessions.values()][0]?.dialer.loggedIn === true, 2000, 'restored log-in');
    });

    it('does not restore Dialer when restoreDialer is off', async () => {
      const { c, reconnects } = client({ restoreDialer: false });
      await c.logIn();
      sim.expire();
      await waitFor(() => reconnects.length === 1, 3000);
      assert.equal([...sim.sessions.values()][0].dialer.loggedIn, false);
    });

    it('switches over to the alternate host a 503 names, for connect and for session requests', async () => {
      const { c } = client();
      await c.logIn();
      sim.switchover(true);
      const out = await c.readyForCalls();
      assert.equal(out.payload.ok, true);
      const alt = sim.alternate as IcwsSimulator;
      assert.equal(alt.sessions.size, 1);
      const altReqs = alt.server.requests.map((r) => `${r.method} ${r.path.replace(/^\/icws\/\d+/, '')}`).filter((r) => !r.startsWith('GET'));
      assert.deepEqual(altReqs, ['POST /icws/connection', 'POST /dialer/log-in', 'POST /dialer/ready-for-calls']);
      // a fresh client: the first connect gets 503 and goes on to the alternate
      const fresh = client();
      await fresh.c.setStatus({ statusId: 'Available' });
      assert.equal(alt.sessions.size, 2);
    });

    it('reports VENDOR_ERROR when no host accepts', async () => {
      sim.server.addFault({ path: '/icws/connection', status: 503, body: '{"message":"backup","alternateHostList":["127.0.0.1:1"]}' });
      const { c } = client();
      await rejects(c.logIn(), 'VENDOR_ERROR', /ICWS logIn: could not open the session: backup \(HTTP 503\)/);
    });

    it('bad credentials: AUTH_FAILED, backoff instead of a login storm, status says so', async () => {
      const { c, states } = client({ password: 'wrong-password-123', backoffMs: [1000, 2000, 5000, 10000] });
      const errors: CcError[] = [];
      const end = Date.now() + 3200;
      while (Date.now() < end) {
        await c.logIn().catch((e: CcError) => errors.push(e));
        await sleep(50);
      }
      assert.ok(errors.length > 30);
      assert.ok(errors.every((e) => e.code === 'AUTH_FAILED'));
      assert.match(
        errors[0].message,
        /^ICWS logIn: could not open the session: The authentication process failed\. \(HTTP 400, error\.request\.connection\.authenticationFailure\): check user name and password$/,
      );
      const attempts = sim.stats.connectAttempts;
      assert.ok(attempts >= 2 && attempts <= 3, `${attempts} login attempts in 3 s`);
      assert.equal(dialerReqs().length, 0);
      const last = states.at(-1) as SessionStatus;
      assert.equal(last.phase, 'down');
      assert.equal(last.code, 'AUTH_FAILED');
      assert.ok(!JSON.stringify({ errors: errors.map((e) => [e.message, e.detail]), states }).includes('wrong-password-123'));
    });

    it('a second 401 after the reconnect is AUTH_FAILED', async () => {
      const { c } = client({ restoreDialer: false });
      await c.logIn();
      // session ids are 1xxxxxxxxx: this matches session requests, not POST /icws/connection
      sim.server.addFault({ path: '/icws/1', method: 'POST', status: 401, body: '{"errorCode":-2147221499,"message":"Session expired"}', times: 2 });
      const e = await rejects(c.readyForCalls(), 'AUTH_FAILED', /Session expired \(HTTP 401, -2147221499\)/);
      assert.equal(e.answer?.status, 401);
    });

    it('network failure: NETWORK, session down, then back by itself', async () => {
      const { c, states } = client({ backoffMs: [100] });
      await c.logIn();
      // The session is gone (401 on the stream) and the reconnects fail at the network.
      sim.server.addFault({ path: '/icws/connection', drop: true, times: 4 });
      sim.expire();
      await waitFor(() => states.some((s) => s.phase === 'down' && s.code === 'NETWORK'), 3000, 'down');
      await waitFor(() => c.session.getStatus().phase === 'connected', 3000, 'back up');
      assert.equal((await c.readyForCalls()).payload.ok, true);
    });

    it('close deletes the session, stops the stream and leaves no timer or socket', async () => {
      await sleep(10); // mocha arms its own timeout timer after the test starts
      const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
      const { c } = client();
      await c.logIn();
      await c.close();
      const del = reqs('/icws/', 'DELETE');
      assert.equal(del.length, 1);
      assert.match(del[0].path, /^\/icws\/\d+\/connection$/);
      assert.equal(sim.sessions.size, 0);
      assert.equal(sim.stats.sessionsDeleted, 1);
      await rejects(c.logIn(), 'NETWORK', /closed/);
      // Sockets close asynchronously on both ends: wait (bounded) for the count to settle.
      const count = (): number => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
      await waitFor(() => count() <= before, 2000, `resources back to ${before} (now ${process.getActiveResourcesInfo().join(',')})`);
    });

    it('close during connect deletes the session it got', async () => {
      sim.server.addFault({ path: '/icws/connection', delayMs: 200, times: 1 });
      const { c } = client();
      c.session.open();
      await sleep(50);
      await c.close();
      assert.equal(sim.stats.sessionsCreated, 1);
      assert.equal(sim.sessions.size, 0);
    });
  });
});
