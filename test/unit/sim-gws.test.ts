/**
 * The GWS simulator against plain HTTP requests (fetch), written from docs/vendors/gws.md:
 * Basic auth, JSESSIONID, CSRF, the agent session, the interaction life cycle with both
 * answer styles of the GWS Interactions API document, the CometD long-polling server and the scripting hooks.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';

const BASIC = 'Basic ' + Buffer.from('agent01:agent01-pass').toString('base64');
const BASIC7 = 'Basic ' + Buffer.from('agent07:agent07-pass').toString('base64');

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A minimal hand-written agent: one cookie jar and one CSRF token. */
class Agent {
  cookies = new Map<string, string>();
  csrfName = '';
  csrfValue = '';
  constructor(
    private base: string,
    private auth: string | null = BASIC,
  ) {}

  async req(method: string, path: string, body?: unknown, opts: { csrf?: boolean; auth?: boolean; cookies?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth && opts.auth !== false) headers.authorization = this.auth;
    if (this.cookies.size && opts.cookies !== false) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && opts.csrf !== false && this.csrfName) headers[this.csrfName] = this.csrfValue;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    // Like a careful client: a 403 may carry the cookie of a session opened by a stale request.
    for (const c of r.status === 403 ? [] : r.headers.getSetCookie()) {
      const [nv] = c.split(';');
      const eq = nv.indexOf('=');
      this.cookies.set(nv.slice(0, eq), nv.slice(eq + 1));
    }
    if (r.headers.get('x-csrf-header')) {
      this.csrfName = r.headers.get('x-csrf-header')!;
      this.csrfValue = r.headers.get('x-csrf-token')!;
    }
    const text = await r.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, headers: r.headers, text, json };
  }

  async login(): Promise<void> {
    const a = await this.req('GET', '/api/v2/me');
    assert.equal(a.status, 200);
  }

  bayeux(messages: unknown[]): Promise<Answer> {
    return this.req('POST', '/api/v2/notifications', messages, { csrf: false, auth: false });
  }

  async handshake(channels: string[] = ['/v2/me/interactions']): Promise<string> {
    const h = await this.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'] }]);
    const reply = (h.json as Array<Record<string, unknown>>)[0];
    assert.equal(reply.successful, true, JSON.stringify(reply));
    const clientId = reply.clientId as string;
    for (const s of channels) {
      const a = await this.bayeux([{ id: '2', channel: '/meta/subscribe', clientId, subscription: s }]);
      assert.deepEqual(a.json, [{ id: '2', channel: '/meta/subscribe', successful: true, subscription: s }]);
    }
    const first = await this.connect(clientId);
    assert.equal(first.at(-1)!.successful, true);
    return clientId;
  }

  async connect(clientId: string): Promise<Array<Record<string, unknown>>> {
    const a = await this.bayeux([{ id: 'c', channel: '/meta/connect', clientId, connectionType: 'long-polling' }]);
    assert.equal(a.status, 200);
    return a.json as Array<Record<string, unknown>>;
  }
}

type Json = Record<string, unknown>;
const data = (msgs: Json[]): Json[] => msgs.filter((m) => !String(m.channel).startsWith('/meta/'));

describe('GWS simulator', function () {
  this.timeout(10000);
  let sim: GwsSimulator;
  let agent: Agent;

  beforeEach(async () => {
    sim = await start({ cometdTimeoutMs: 400, cometdMaxIntervalMs: 300 });
    agent = new Agent(sim.url);
  });
  afterEach(async () => {
    await sim.close();
  });

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

  describe('interactions', () => {
    const op = (id: string, body: Json): Promise<Answer> => agent.req('POST', `/api/v2/me/interactions/${encodeURIComponent(id)}`, body);

    beforeEach(() => agent.login());

    it('runs the life cycle with the documented answer style of each operation', async () => {
      const i = sim.invite({ id: '00027aKQ3TSR001B', userData: { Subject: 'Card blocked' } });
      assert.equal(i.state, 'Invited');
      const acc = await op(i.id, { operationName: 'Accept' });
      assert.equal(acc.status, 200);
      assert.equal((acc.json as Json).status, 'ok');
      assert.equal(typeof (acc.json as Json).referenceId, 'number');
      const again = await op(i.id, { operationName: 'Accept' });
      assert.equal(again.status, 400);
      assert.deepEqual(again.json, { status: 'error', errorDescription: 'Interaction 00027aKQ3TSR001B is not in state Invited' });
      assert.equal((await op(i.id, { operationName: 'AttachUserData', userData: { Promo: 'SPRING25' } })).status, 200);
      assert.equal((await op(i.id, { operationName: 'UpdateUserData', userData: { Subject: 'Card blocked (2)' } })).status, 200);
      assert.deepEqual(sim.interactions.get(i.id)!.userData, { Subject: 'Card blocked (2)', Promo: 'SPRING25' });
      const del = await op(i.id, { operationName: 'DeleteUserData', userData: { Promo: '' }, keys: ['Subject'] });
      assert.equal((del.json as Json).status, 'ok');
      assert.deepEqual(sim.interactions.get(i.id)!.userData, {});
      const noQueue = await op(i.id, { operationName: 'PlaceInQueue' });
      assert.equal(noQueue.status, 400);
      assert.deepEqual(noQueue.json, { status: 'error', errorDescription: 'Parameter queueName is missing' });
      const cancel = await op(i.id, { operationName: 'Cancel' });
      assert.equal(cancel.status, 400);
      assert.equal((cancel.json as Json).statusCode, 2);
      const done = await op(i.id, { operationName: 'Complete' });
      assert.equal(done.status, 200);
      assert.equal((done.json as Json).statusCode, 0);
      assert.equal(sim.interactions.get(i.id)!.state, 'Completed');
      const gone = await op(i.id, { operationName: 'Complete' });
      assert.equal(gone.status, 404);
      assert.equal((gone.json as Json).statusCode, 6);
    });

    it('answers Cancel after a reply with {"status":0}; Reject and PlaceInQueue give the interaction up', async () => {
      const r = sim.invite({ replied: true });
      await op(r.id, { operationName: 'Accept' });
      const c = await op(r.id, { operationName: 'Cancel' });
      assert.equal(c.status, 200);
      assert.equal((c.json as Json).status, 0);
      const j = sim.invite();
      assert.equal((await op(j.id, { operationName: 'Reject' })).status, 200);
      assert.equal(sim.interactions.get(j.id)!.owner, '');
      const k = sim.invite();
      await op(k.id, { operationName: 'Accept' });
      assert.equal((await op(k.id, { operationName: 'PlaceInQueue', queueName: 'Email_Escalation' })).status, 200);
      assert.equal(sim.interactions.get(k.id)!.queueName, 'Email_Escalation');
      assert.equal(sim.interactions.get(k.id)!.state, 'Revoked');
    });

    it('transfers to a colleague by userId (or userUri) and refuses an untransferable state with statusCode 2', async () => {
      const i = sim.invite();
      const early = await op(i.id, { operationName: 'Transfer', userId: 'agent07' });
      assert.equal(early.status, 400);
      assert.deepEqual(early.json, { statusCode: 2, statusMessage: 'Interaction is not in a transferable state' });
      await op(i.id, { operationName: 'Accept' });
      const nobody = await op(i.id, { operationName: 'Transfer', userId: 'ghost' });
      assert.equal(nobody.status, 404);
      const t = await op(i.id, { operationName: 'Transfer', userUri: 'http://x/api/v2/users/5b7e19a2c0d34f88' });
      assert.equal(t.status, 200);
      assert.equal((t.json as Json).statusCode, 0);
      assert.equal(sim.interactions.get(i.id)!.owner, 'agent07');
      assert.equal(sim.interactions.get(i.id)!.state, 'Invited');
    });

    it('lists, reads and updates interactions', async () => {
      const i = sim.invite({ id: 'A/1', userData: { Subject: 'x' } });
      sim.invite({ to: 'agent07' });
      const uris = await agent.req('GET', '/api/v2/me/interactions');
      assert.deepEqual(uris.json, { statusCode: 0, uris: [`${sim.url}/api/v2/interactions/A%2F1`] });
      const mine = await agent.req('GET', '/api/v2/me/interactions?fields=*');
      const list = (mine.json as Json).interactions as Json[];
      assert.equal(list.length, 1);
      assert.equal(list[0].id, 'A/1');
      assert.deepEqual(list[0].capabilities, ['Accept', 'Reject']);
      const all = await agent.req('GET', '/api/v2/interactions');
      assert.equal(((all.json as Json).uris as string[]).length, 2);
      const one = await agent.req('GET', '/api/v2/interactions/A%2F1');
      assert.equal(((one.json as Json).interaction as Json).id, 'A/1');
      const missing = await agent.req('GET', '/api/v2/interactions/0000000000000000');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { statusCode: 6, statusMessage: 'Interaction not found' });
      const put = await agent.req('PUT', '/api/v2/interactions/A%2F1', { userData: { Subject: 'Card blocked (resolved)' } });
      assert.deepEqual(put.json, { statusCode: 0 });
      assert.equal(sim.interactions.get(i.id)!.userData.Subject, 'Card blocked (resolved)');
      const ro = await agent.req('PUT', '/api/v2/interactions/A%2F1', { state: 'Completed' });
      assert.equal(ro.status, 400);
      assert.equal((ro.json as Json).statusCode, 11);
    });

    it('applies scripted refusals in either style, over HTTP', async () => {
      const i = sim.invite();
      await fetch(sim.url + '/__sim/refuse', {
        method: 'POST',
        body: JSON.stringify({ interactionId: i.id, operation: 'Accept', statusCode: 3, statusMessage: 'Forbidden', seedStyle: false, times: 1 }),
      });
      const a = await op(i.id, { operationName: 'Accept' });
      assert.equal(a.status, 400);
      assert.deepEqual(a.json, { statusCode: 3, statusMessage: 'Forbidden' });
      assert.equal((await op(i.id, { operationName: 'Accept' })).status, 200);
      await fetch(sim.url + '/__sim/refuse', {
        method: 'POST',
        body: JSON.stringify({ operation: 'Complete', statusCode: '18', httpStatus: 500, statusMessage: 'boom', times: 1 }),
      });
      const c = await op(i.id, { operationName: 'Complete' });
      assert.equal(c.status, 500);
      assert.deepEqual(c.json, { statusCode: '18', statusMessage: 'boom' });
    });

    it('applies generic faults (5xx, 429 with Retry-After)', async () => {
      sim.server.addFault({ path: '/api/v2/interactions', status: 503, body: 'down', times: 1 });
      assert.equal((await agent.req('GET', '/api/v2/interactions')).status, 503);
      assert.equal((await agent.req('GET', '/api/v2/interactions')).status, 200);
      await fetch(sim.url + '/__sim/faults', {
        method: 'POST',
        body: JSON.stringify({ path: '/api/v2/me', status: 429, headers: { 'retry-after': '1' }, times: 1 }),
      });
      const r = await agent.req('GET', '/api/v2/me');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
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

  describe('CometD on /api/v2/notifications', () => {
    it('denies a handshake without an HTTP session', async () => {
      const h = await agent.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      assert.equal(h.status, 200);
      assert.deepEqual(h.json, [{ id: '1', channel: '/meta/handshake', successful: false, error: '403::Handshake denied', advice: { reconnect: 'none' } }]);
    });

    it('answers an unknown clientId with 402::Unknown client and handshake advice', async () => {
      await agent.login();
      const c = await agent.connect('nope');
      assert.deepEqual(c, [
        { id: 'c', channel: '/meta/connect', successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } },
      ]);
    });

    it('handshakes, subscribes, holds the connect and delivers notifications of operations', async () => {
      await agent.login();
      assert.ok(agent.cookies.has('JSESSIONID'));
      const h = await agent.bayeux([
        {
          id: '1',
          channel: '/meta/handshake',
          version: '1.0',
          minimumVersion: '1.0',
          supportedConnectionTypes: ['long-polling'],
          advice: { timeout: 60000, interval: 0 },
        },
      ]);
      const reply = (h.json as Json[])[0];
      assert.equal(reply.successful, true);
      assert.deepEqual(reply.supportedConnectionTypes, ['long-polling']);
      assert.deepEqual(reply.advice, { reconnect: 'retry', interval: 0, timeout: 400 });
      assert.ok(agent.cookies.has('BAYEUX_BROWSER'));
      const clientId = reply.clientId as string;
      const sub = await agent.bayeux([{ id: '2', channel: '/meta/subscribe', clientId, subscription: '/v2/me/interactions' }]);
      assert.deepEqual(sub.json, [{ id: '2', channel: '/meta/subscribe', successful: true, subscription: '/v2/me/interactions' }]);
      const t0 = Date.now();
      const first = await agent.connect(clientId);
      assert.ok(Date.now() - t0 < 200, 'first connect is answered at once');
      assert.deepEqual(first, [{ id: 'c', channel: '/meta/connect', successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 400 } }]);
      // an empty long poll is held for advice.timeout
      const t1 = Date.now();
      const empty = await agent.connect(clientId);
      assert.ok(Date.now() - t1 >= 350, `held ${Date.now() - t1} ms`);
      assert.equal(empty.length, 1);
      // an invite during a held connect is delivered at once, before the connect reply
      const held = agent.connect(clientId);
      await new Promise((r) => setTimeout(r, 50));
      const i = sim.invite({ id: 'I1', userData: { Subject: 'Card blocked' } });
      const t2 = Date.now();
      const got = await held;
      assert.ok(Date.now() - t2 < 200);
      assert.equal(got.at(-1)!.channel, '/meta/connect');
      const d = data(got);
      assert.equal(d.length, 1);
      assert.equal(d[0].channel, '/v2/me/interactions');
      const msg = d[0].data as Json;
      assert.equal(msg.messageType, 'InteractionStateMessage');
      assert.equal(msg.notificationType, 'StatusChange');
      assert.equal(typeof msg.referenceId, 'number');
      assert.deepEqual((msg.interaction as Json).userData, { Subject: 'Card blocked' });
      assert.equal((msg.interaction as Json).state, 'Invited');
      // an operation's outcome arrives with the same referenceId as its HTTP answer
      const acc = await agent.req('POST', `/api/v2/me/interactions/${i.id}`, { operationName: 'Accept' });
      const ev = data(await agent.connect(clientId));
      assert.equal((ev[0].data as Json).referenceId, (acc.json as Json).referenceId);
      assert.equal(((ev[0].data as Json).interaction as Json).state, 'Processing');
      // disconnect
      const dis = await agent.bayeux([{ id: '9', channel: '/meta/disconnect', clientId }]);
      assert.deepEqual(dis.json, [{ id: '9', channel: '/meta/disconnect', successful: true }]);
      assert.equal((await agent.connect(clientId))[0].error, '402::Unknown client');
    });

    it('serves /me/interactions and wildcards, and only to the owning agent', async () => {
      await agent.login();
      const other = new Agent(sim.url, BASIC7);
      await other.login();
      const c1 = await agent.handshake(['/me/interactions', '/v2/me/*']);
      const c2 = await other.handshake(['/v2/me/interactions']);
      sim.invite({ to: 'agent01' });
      const got = data(await agent.connect(c1));
      assert.deepEqual(got.map((m) => m.channel).sort(), ['/me/interactions', '/v2/me/interactions']);
      const p2 = other.connect(c2);
      sim.invite({ to: 'agent07', id: 'for-seven' });
      const got2 = data(await p2);
      assert.equal(got2.length, 1);
      assert.equal(((got2[0].data as Json).interaction as Json).id, 'for-seven');
    });

    it('refuses subscriptions to meta channels and publishing', async () => {
      await agent.login();
      const c = await agent.handshake([]);
      const s = await agent.bayeux([{ id: '5', channel: '/meta/subscribe', clientId: c, subscription: '/meta/connect' }]);
      assert.equal((s.json as Json[])[0].successful, false);
      const p = await agent.bayeux([{ id: '6', channel: '/v2/me/interactions', clientId: c, data: {} }]);
      assert.equal((p.json as Json[])[0].error, '403::Publish denied');
      const uns = await agent.bayeux([{ id: '7', channel: '/meta/unsubscribe', clientId: c, subscription: '/v2/me/interactions' }]);
      assert.equal((uns.json as Json[])[0].successful, true);
    });

    it('sends the handshake advice when scripted over HTTP, to a held connect too', async () => {
      await agent.login();
      const c = await agent.handshake();
      const held = agent.connect(c);
      await new Promise((r) => setTimeout(r, 50));
      const ctl = await fetch(sim.url + '/__sim/handshakeAdvice', { method: 'POST', body: '{"count":1}' });
      assert.equal(ctl.status, 200);
      const r = await held;
      assert.equal(r[0].successful, false);
      assert.deepEqual(r[0].advice, { reconnect: 'handshake', interval: 0 });
      // re-handshake works
      const c2 = await agent.handshake();
      assert.notEqual(c2, c);
    });

    it('answers 402 after the HTTP session is lost, and delivers again after a new session', async () => {
      await agent.login();
      const c = await agent.handshake();
      const ctl = await fetch(sim.url + '/__sim/expireSessions', { method: 'POST', body: '{"userName":"agent01"}' });
      assert.deepEqual(await ctl.json(), { ok: true, result: { expired: 1 } });
      assert.equal((await agent.connect(c))[0].error, '402::Unknown client');
      const h = await agent.bayeux([{ id: '1', channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      assert.equal((h.json as Json[])[0].error, '403::Handshake denied');
      await agent.login();
      const c2 = await agent.handshake();
      sim.invite();
      assert.equal(data(await agent.connect(c2)).length, 1);
    });

    it('drops a client that stops polling', async () => {
      await agent.login();
      const c = await agent.handshake();
      assert.equal(sim.bayeux.clients.size, 1);
      await new Promise((r) => setTimeout(r, 1900));
      assert.equal(sim.bayeux.clients.size, 0);
      assert.equal((await agent.connect(c))[0].error, '402::Unknown client');
    });

    it('delivers workbin content and asynchronous errors on CometD', async () => {
      await agent.login();
      const c = await agent.handshake();
      const i = sim.invite({ id: 'W1' });
      await agent.req('POST', '/api/v2/me/interactions/W1', { operationName: 'Accept' });
      await agent.req('POST', '/api/v2/me/interactions/W1', { operationName: 'PlaceInWorkbin', workbin: 'Agent_FollowUp' });
      assert.equal(i.state, 'InWorkbin');
      const j = sim.invite({ id: 'W2' });
      await agent.connect(c);
      const g = await agent.req('POST', '/api/v2/me/interactions/W2', { operationName: 'GetWorkbinContent', workbin: 'Agent_FollowUp' });
      assert.equal((g.json as Json).status, 'ok');
      const ev = data(await agent.connect(c));
      const content = ev.find((m) => (m.data as Json).notificationType === 'WorkbinContent')!.data as Json;
      assert.equal(content.referenceId, (g.json as Json).referenceId);
      assert.deepEqual(
        (content.interactions as Json[]).map((m) => (m.interaction as Json).id),
        ['W1'],
      );
      await fetch(sim.url + '/__sim/asyncError', {
        method: 'POST',
        body: JSON.stringify({ interactionId: j.id, operation: 'Accept', statusMessage: 'Media server unavailable' }),
      });
      const acc = await agent.req('POST', '/api/v2/me/interactions/W2', { operationName: 'Accept' });
      assert.equal(acc.status, 200);
      const err = data(await agent.connect(c))[0].data as Json;
      assert.equal(err.notificationType, 'Error');
      assert.equal(err.referenceId, (acc.json as Json).referenceId);
      assert.equal(err.statusMessage, 'Media server unavailable');
    });

    it('invites over HTTP and forgets everything after a restart on the same port', async () => {
      await agent.login();
      const inv = await fetch(sim.url + '/__sim/invite', { method: 'POST', body: JSON.stringify({ id: 'H1', to: 'agent01' }) });
      assert.equal(((await inv.json()) as { result: Json }).result.state, 'Invited');
      const port = sim.server.port;
      await sim.close();
      await new Promise((r) => setTimeout(r, 50)); // let fetch notice its pooled socket closed
      sim = await start({ port });
      assert.equal(sim.url, `http://127.0.0.1:${port}`);
      const stale = await agent.req('GET', '/api/v2/me', undefined, { auth: false });
      assert.equal(stale.status, 401);
      const st = (await (await fetch(sim.url + '/__sim/state', { method: 'POST' })).json()) as { result: Json };
      assert.deepEqual(st.result.interactions, []);
    });
  });
});
