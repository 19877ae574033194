/**
 * The GWS client and session (lib/gws) against the GWS simulator, over the wire: CSRF and session
 * refresh, and CometD notifications with their recovery paths. Set-up in gws-client-support.ts.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { start, type GwsSimulator } from '../../simulators/gws';
import { GwsClient, type GwsNotification, type GwsState } from '../../lib/gws';
import { BASIC, PASSWORD, gwsClientHarness, noSecret, rejects, until, wait, type Json } from './gws-client-support';

describe('GWS client (lib/gws) against the simulator', function () {
  let sim: GwsSimulator;
  let client: GwsClient;
  const { clients, logs, make, posts, last, sessionOf } = gwsClientHarness(this, { get: () => sim, set: (s, c) => ([sim, client] = [s, c]) });

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
});
