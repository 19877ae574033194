/**
 * The GWS simulator against plain HTTP requests (fetch), written from docs/vendors/gws.md:
 * Basic auth, JSESSIONID, CSRF, the agent session and the control API. Set-up in sim-gws-support.ts.
 */
import * as assert from 'node:assert/strict';
import type { GwsSimulator } from '../../simulators/gws';
import { Agent, data, simGwsHooks, type Json } from './sim-gws-support';

describe('GWS simulator', function () {
  let sim: GwsSimulator, agent: Agent;
  simGwsHooks(this, { get: () => sim, set: (s, a) => ([sim, agent] = [s, a]) });

  describe('authentication and session', () => {
    it('refuses a request without credentials or with a wrong password (401, statusCode 20)', async () => {
      const none = await new Agent(sim.url, null).req('GET', '/api/v2/me');
      assert.equal(none.status, 401);
      assert.deepEqual(none.json, { statusCode: 20, statusMessage: 'Access denied' });
      const wrong = await new Agent(sim.url, 'Basic ' + Buffer.from('agent01:nope').toString('base64')).req('GET', '/api/v2/me');
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null);
    });

    it('opens a session on GET /api/v2/me: JSESSIONID, X-CSRF-HEADER, X-CSRF-TOKEN and the user', async () => {
      const a = await agent.req('GET', '/api/v2/me');
      assert.equal(a.status, 200);
      assert.match(a.headers.get('set-cookie') ?? '', /^JSESSIONID=[a-z0-9]+;Path=\/;HttpOnly$/);
      assert.equal(a.headers.get('x-csrf-header'), 'X-CSRF-TOKEN');
      assert.match(a.headers.get('x-csrf-token') ?? '', /^[0-9a-f-]{36}$/);
      const user = (a.json as Json).user as Json;
      assert.equal((a.json as Json).statusCode, 0);
      assert.equal(user.userName, 'agent01');
      assert.equal(user.id, '9d2c0f6e41b84a57');
      assert.deepEqual(user.roles, ['ROLE_AGENT']);
      // The cookie alone keeps the session, no new cookie is set.
      const again = await agent.req('GET', '/api/v2/me', undefined, { auth: false });
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('set-cookie'), null);
      assert.equal(sim.sessions.size, 1);
    });

    it('answers a POST without the CSRF token, or without the cookie, with 403 text/plain', async () => {
      await agent.login();
      const noToken = await agent.req('POST', '/api/v2/me', { operationName: 'Ready' }, { csrf: false });
      assert.equal(noToken.status, 403);
      assert.match(noToken.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(noToken.text, 'Missing or invalid Csrf token');
      const wrongToken = await agent.req('POST', '/api/v2/me', { operationName: 'Ready' }, { csrf: false });
      assert.equal(wrongToken.status, 403);
      const noCookie = await agent.req('PUT', '/api/v2/interactions/x', { userData: {} }, { cookies: false });
      assert.equal(noCookie.status, 403);
      assert.equal(noCookie.text, 'Missing or invalid Csrf token');
      // with cookie + token the request reaches the vendor logic
      const good = await agent.req('POST', '/api/v2/me', { operationName: 'Ready' });
      assert.equal(good.status, 400);
      assert.deepEqual(good.json, { statusCode: 2, statusMessage: 'Agent is not logged in to a contact center session' });
    });

    it('opens a new session for a stale cookie: 403 on POST, new cookie and a different token on GET', async () => {
      await agent.login();
      const oldCookie = agent.cookies.get('JSESSIONID');
      const oldToken = agent.csrfValue;
      assert.equal(sim.expireSessions(), 1);
      const post = await agent.req('POST', '/api/v2/me', { operationName: 'Ready' });
      assert.equal(post.status, 403);
      assert.equal(post.text, 'Missing or invalid Csrf token');
      assert.match(post.headers.get('set-cookie') ?? '', /^JSESSIONID=/);
      assert.equal(agent.cookies.get('JSESSIONID'), oldCookie);
      const get = await agent.req('GET', '/api/v2/me');
      assert.equal(get.status, 200);
      assert.notEqual(agent.cookies.get('JSESSIONID'), oldCookie);
      assert.notEqual(agent.csrfValue, oldToken);
      // without Basic a stale cookie is simply not authenticated
      sim.expireSessions();
      const bare = await agent.req('GET', '/api/v2/me', undefined, { auth: false });
      assert.equal(bare.status, 401);
      assert.deepEqual(bare.json, { statusCode: 20, statusMessage: 'Access denied' });
    });

    it('expires idle sessions (idle timeout switch)', async () => {
      await agent.login();
      sim.setIdleTimeout(60);
      await new Promise((r) => setTimeout(r, 120));
      const a = await agent.req('GET', '/api/v2/me', undefined, { auth: false });
      assert.equal(a.status, 401);
    });

    it('sends no CSRF headers and checks no token when protection is off', async () => {
      sim.setCsrf(false);
      const a = await agent.req('GET', '/api/v2/me');
      assert.equal(a.headers.get('x-csrf-header'), null);
      assert.equal(a.headers.get('x-csrf-token'), null);
      const p = await agent.req('POST', '/api/v2/me', { operationName: 'StartContactCenterSession', channels: ['email'] });
      assert.equal(p.status, 200);
    });
  });

  describe('agent session (POST /api/v2/me)', () => {
    it('starts a session, goes ready/not ready per channel, and EndContactCenterSession invalidates the HTTP session', async () => {
      await agent.login();
      const bad = await agent.req('POST', '/api/v2/me', { operationName: 'StartContactCenterSession', channels: [] });
      assert.equal(bad.status, 400);
      assert.equal((bad.json as Json).statusCode, 1);
      const s = await agent.req('POST', '/api/v2/me', { operationName: 'StartContactCenterSession', channels: ['email', 'chat'], place: 'Place_7012' });
      assert.equal(s.status, 200);
      assert.deepEqual(s.json, { statusCode: 0 });
      assert.deepEqual(sim.agents.get('agent01'), {
        loggedIn: true,
        channels: ['email', 'chat'],
        place: 'Place_7012',
        ready: { email: 'NotReady', chat: 'NotReady' },
      });
      assert.deepEqual((await agent.req('POST', '/api/v2/me', { operationName: 'Ready' })).json, { statusCode: 0 });
      assert.deepEqual((await agent.req('POST', '/api/v2/me/channels/email', { operationName: 'NotReady' })).json, { statusCode: 0 });
      assert.deepEqual(sim.agents.get('agent01')!.ready, { email: 'NotReady', chat: 'Ready' });
      const unknown = await agent.req('POST', '/api/v2/me/channels/voice', { operationName: 'Ready' });
      assert.equal(unknown.status, 404);
      assert.equal((unknown.json as Json).statusCode, 6);
      const e = await agent.req('POST', '/api/v2/me', { operationName: 'EndContactCenterSession' });
      assert.deepEqual(e.json, { statusCode: 0 });
      assert.equal(sim.sessions.size, 0);
      const after = await agent.req('POST', '/api/v2/me', { operationName: 'Ready' });
      assert.equal(after.status, 403);
    });

    it('reports partial success (statusCode 7) with per-channel detail', async () => {
      await agent.login();
      const ctl = await fetch(sim.url + '/__sim/failChannels', { method: 'POST', body: JSON.stringify({ channels: ['voice'] }) });
      assert.equal(ctl.status, 200);
      const s = await agent.req('POST', '/api/v2/me', { operationName: 'StartContactCenterSession', channels: ['email', 'voice'] });
      assert.equal(s.status, 200);
      const b = s.json as Json;
      assert.equal(b.statusCode, 7);
      assert.deepEqual(b.channels, [
        { channel: 'email', statusCode: 0 },
        { channel: 'voice', statusCode: 12, statusMessage: 'Unable to log in on channel voice' },
      ]);
    });
  });

  describe('control API over HTTP', () => {
    const ctl = async (name: string, body?: unknown): Promise<{ status: number; json: Json }> => {
      const r = await fetch(`${sim.url}/__sim/${name}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, json: (await r.json()) as Json };
    };

    it('switches CSRF protection and the idle timeout', async () => {
      assert.deepEqual((await ctl('csrf', { enabled: false })).json, { ok: true, result: { enabled: false } });
      const a = await agent.req('GET', '/api/v2/me');
      assert.equal(a.headers.get('x-csrf-token'), null);
      assert.equal((await agent.req('POST', '/api/v2/me', { operationName: 'StartContactCenterSession', channels: ['email'] })).status, 200);
      await ctl('csrf', { enabled: true });
      assert.equal((await agent.req('POST', '/api/v2/me', { operationName: 'Ready' })).status, 403);
      assert.equal((await ctl('idleTimeout', { ms: -1 })).status, 400);
      assert.deepEqual((await ctl('idleTimeout', { ms: 50 })).json, { ok: true, result: { ms: 50 } });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await agent.req('GET', '/api/v2/me', undefined, { auth: false })).status, 401);
    });

    it('publishes any notification to an agent, and resets everything', async () => {
      await agent.login();
      const c = await agent.handshake(['/v2/me/workbins']);
      const held = agent.connect(c);
      await new Promise((r) => setTimeout(r, 30));
      assert.equal((await ctl('publish', {})).status, 400);
      const p = await ctl('publish', { channel: '/v2/me/workbins', data: { hello: 1 } });
      assert.deepEqual(p.json, { ok: true, result: { delivered: 1 } });
      assert.deepEqual(data(await held), [{ channel: '/v2/me/workbins', data: { hello: 1 } }]);
      sim.invite();
      assert.equal((await ctl('reset')).status, 200);
      const st = (await ctl('state')).json.result as Json;
      assert.deepEqual(st.sessions, []);
      assert.deepEqual(st.interactions, []);
      assert.deepEqual(st.cometdClients, []);
    });

    it('answers unknown controls with 404 and bad JSON with 400', async () => {
      assert.equal((await ctl('nope', {})).status, 404);
      const r = await fetch(`${sim.url}/__sim/invite`, { method: 'POST', body: '{bad' });
      assert.equal(r.status, 400);
      assert.equal((await ctl('invite', { to: 'ghost' })).status, 400);
    });

    it('answers Bayeux GETs with 405 and malformed Bayeux bodies with 400', async () => {
      await agent.login();
      assert.equal((await agent.req('GET', '/api/v2/notifications')).status, 405);
      assert.equal((await agent.bayeux(['x'])).status, 400);
      const bad = await agent.req('POST', '/api/v2/notifications/connect', '{not json', { csrf: false });
      assert.equal(bad.status, 400);
    });
  });
});
