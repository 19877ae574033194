/** The shared transport against real loopback servers: retries, timeouts, TLS, proxies, caps, redaction. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { CcError } from '../../lib/errors';
import { Cancel, Transport, parseRetryAfter, redact, redactAnswer, safeHeaders, vendorTransport } from '../../lib/http';
import { SimServer, sendJson } from '../../simulators/common';
import { selfSignedCert } from '../support/tls';

function echo(): SimServer {
  return new SimServer('echo', (req, res) => sendJson(res, 200, { method: req.method, path: req.path, query: req.rawQuery, body: req.body }));
}

describe('transport', function () {
  this.timeout(20000);
  let srv: SimServer;
  let t: Transport;
  before(async () => {
    srv = echo();
    await srv.listen();
    t = new Transport({ vendor: 'Test', baseUrl: srv.url + '/api/', timeout: 2000, retryBaseMs: 5, secrets: () => ['s3cr3t-value'] });
  });
  after(async () => {
    t.close();
    await srv.close();
  });
  afterEach(() => {
    srv.clearFaults();
    srv.clearRequests();
  });

  it('joins base URL and path and encodes query values (a + stays a +)', async () => {
    const r = await t.request({ operation: 'op', method: 'GET', path: '/items', query: { phone: '+49 30', skip: undefined, n: 3 } });
    assert.equal(r.status, 200);
    assert.equal(srv.requests[0].path, '/api/items');
    assert.equal(srv.requests[0].rawQuery, 'phone=%2B49%2030&n=3');
    assert.equal(srv.requests[0].query.phone, '+49 30');
  });

  it('retries idempotent requests on 502/503/504 and network errors, not others', async () => {
    srv.addFault({ status: 503, times: 1 });
    srv.addFault({ status: 502, times: 1 });
    const r = await t.request({ operation: 'op', method: 'GET', path: '/x', retry: 'idempotent' });
    assert.equal(r.status, 200);
    assert.equal(srv.requests.length, 3);
    srv.clearRequests();
    srv.addFault({ drop: true, times: 1 });
    assert.equal((await t.request({ operation: 'op', method: 'GET', path: '/x', retry: 'idempotent' })).status, 200);
    assert.equal(srv.requests.length, 2);
    srv.clearRequests();
    srv.addFault({ status: 500, times: 1 });
    assert.equal((await t.request({ operation: 'op', method: 'GET', path: '/x', retry: 'idempotent' })).status, 500);
    srv.addFault({ status: 503, times: 1 });
    assert.equal((await t.request({ operation: 'op', method: 'POST', path: '/x', retry: 'none' })).status, 503);
    srv.addFault({ status: 503, times: 1 });
    assert.equal((await t.request({ operation: 'op', method: 'POST', path: '/x', retry: 'unprocessed' })).status, 503);
    assert.equal(srv.requests.length, 3);
  });

  it('bounds the attempts and waits as Retry-After says', async () => {
    srv.addFault({ status: 429, headers: { 'retry-after': '1' } });
    const t0 = Date.now();
    const r = await t.request({ operation: 'op', method: 'GET', path: '/x', retry: 'idempotent' });
    assert.equal(r.status, 429);
    assert.equal(srv.requests.length, 3);
    assert.ok(Date.now() - t0 >= 1900, 'waited for Retry-After twice');
    assert.equal(parseRetryAfter('2'), 2000);
    // A Retry-After longer than the request's timeout is not waited for: the 429 comes back at once.
    srv.clearRequests();
    srv.clearFaults();
    srv.addFault({ status: 429, headers: { 'retry-after': '60' }, times: 1 });
    const t1 = Date.now();
    assert.equal((await t.request({ operation: 'op', method: 'GET', path: '/x', retry: 'idempotent' })).status, 429);
    assert.equal(srv.requests.length, 1);
    assert.ok(Date.now() - t1 < 1000);
    assert.ok((parseRetryAfter(new Date(Date.now() + 5000).toUTCString()) ?? 0) > 3000);
  });

  it('times out with TIMEOUT, per transport and per request', async () => {
    srv.addFault({ delayMs: 500, times: 1 });
    await assert.rejects(
      t.request({ operation: 'op', method: 'GET', path: '/x', timeout: 100 }),
      (e: CcError) => e.code === 'TIMEOUT' && /100 ms/.test(e.message),
    );
  });

  it('reports a refused connection as NETWORK with the secret redacted from the message', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const bad = new Transport({ vendor: 'Test', baseUrl: `http://user:s3cr3t-value@127.0.0.1:${port}`, timeout: 1000, secrets: () => ['s3cr3t-value'] });
    await assert.rejects(bad.request({ operation: 'op', method: 'GET', path: '/?key=s3cr3t-value' }), (e: CcError) => {
      assert.equal(e.code, 'NETWORK');
      assert.ok(!JSON.stringify({ m: e.message, s: e.stack, d: e.detail }).includes('s3cr3t-value'));
      return true;
    });
    bad.close();
  });

  it('keeps sockets in flight at or under maxSockets, queueing the rest', async () => {
    let open = 0;
    let most = 0;
    const slow = new SimServer('slow', async (_req, res) => {
      open++;
      most = Math.max(most, open);
      await new Promise((r) => setTimeout(r, 30));
      open--;
      sendJson(res, 200, {});
    });
    await slow.listen();
    const capped = new Transport({ vendor: 'Test', baseUrl: slow.url, timeout: 5000, maxSockets: 3 });
    const all = await Promise.all(Array.from({ length: 20 }, () => capped.request({ operation: 'op', method: 'GET', path: '/' })));
    assert.equal(all.length, 20);
    assert.ok(most <= 3 && most >= 2, `most concurrent: ${most}`);
    capped.close();
    await slow.close();
  });

  it('cancels a request on the wire (Cancel or AbortSignal): NETWORK, the connection is cut, the next request is served', async () => {
    let cut = 0;
    const held = new SimServer('held', (req, res) => {
      if (req.path === '/fast') return sendJson(res, 200, { ok: true });
      res.once('close', () => res.writableEnded || cut++);
    });
    await held.listen();
    const c = new Transport({ vendor: 'Test', baseUrl: held.url, timeout: 5000, maxSockets: 1 });
    try {
      for (const make of [() => new Cancel(), () => new AbortController()]) {
        const ctl = make();
        const pending = c.request({ operation: 'op', method: 'POST', path: '/hold', body: 'x', signal: ctl.signal });
        await new Promise((r) => setTimeout(r, 50));
        ctl.abort();
        await assert.rejects(pending, (e: CcError) => e.code === 'NETWORK' && /cancelled/.test(e.message));
        // The one slot is free again: a later request gets through at once.
        assert.equal((await c.request({ operation: 'op', method: 'GET', path: '/fast' })).status, 200);
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(cut, 2);
      // Cancelled before it starts: nothing is sent.
      const before = held.requests.length;
      const done = new Cancel();
      done.abort();
      await assert.rejects(c.request({ operation: 'op', method: 'GET', path: '/fast', signal: done.signal }), (e: CcError) => e.code === 'NETWORK');
      assert.equal(held.requests.length, before);
    } finally {
      c.close();
      await held.close();
    }
  });

  it('lets a request waiting for a socket leave the queue on timeout or cancel, in order for the rest', async () => {
    const slow = new SimServer('slow', async (req, res) => {
      await new Promise((r) => setTimeout(r, 150));
      sendJson(res, 200, { path: req.path });
    });
    await slow.listen();
    const c = new Transport({ vendor: 'Test', baseUrl: slow.url, timeout: 5000, maxSockets: 1 });
    try {
      const first = c.request({ operation: 'op', method: 'GET', path: '/1' });
      const timedOut = c.request({ operation: 'op', method: 'GET', path: '/2', timeout: 50 });
      const cancel = new Cancel();
      const cancelled = c.request({ operation: 'op', method: 'GET', path: '/3', signal: cancel.signal });
      const last = c.request({ operation: 'op', method: 'GET', path: '/4' });
      setTimeout(() => cancel.abort(), 20);
      await Promise.all([
        assert.rejects(timedOut, (e: CcError) => e.code === 'TIMEOUT'),
        assert.rejects(cancelled, (e: CcError) => e.code === 'NETWORK' && /cancelled/.test(e.message)),
      ]);
      assert.equal((await first).status, 200);
      assert.equal((await last).status, 200);
      // Only the two that held the slot reached the server, one after the other.
      assert.deepEqual(
        slow.requests.map((r) => r.path),
        ['/1', '/4'],
      );
      assert.equal(c.pending, 0);
    } finally {
      c.close();
      await slow.close();
    }
  });

  it('Cancel: listeners run once, removed ones not, late ones never', () => {
    const c = new Cancel();
    const calls: string[] = [];
    const a = (): void => void calls.push('a');
    const b = (): void => void calls.push('b');
    c.addEventListener('abort', a);
    c.addEventListener('abort', b);
    c.removeEventListener('abort', b);
    assert.equal(c.aborted, false);
    c.abort();
    c.abort();
    c.addEventListener('abort', b);
    assert.equal(c.aborted, true);
    assert.deepEqual(calls, ['a']);
    assert.equal(c.signal, c);
  });

  it('fails requests after close() with NETWORK and leaves no socket', async () => {
    const c = new Transport({ vendor: 'Test', baseUrl: srv.url, timeout: 5000 });
    await c.request({ operation: 'op', method: 'GET', path: '/' });
    srv.addFault({ delayMs: 2000, times: 1 });
    const pending = c.request({ operation: 'op', method: 'GET', path: '/' });
    setTimeout(() => c.close(), 50);
    await assert.rejects(pending, (e: CcError) => e.code === 'NETWORK' && /closed/.test(e.message));
    await assert.rejects(c.request({ operation: 'op', method: 'GET', path: '/' }), (e: CcError) => e.code === 'NETWORK');
  });

  it('an echoed answer holding a secret that holds another (a token starting with the password) loses both whole', async () => {
    const v = vendorTransport({ vendor: 'Test', baseUrl: srv.url, timeout: 2000 }, { secrets: () => ['pa55word-token-9'] }, () => ['pa55word']);
    try {
      const r = await v.request({ operation: 'op', method: 'GET', path: '/echo?token=pa55word-token-9&pw=pa55word' });
      assert.match(r.text, /pa55word-token-9/, 'the echo server sent both back');
      const text = redactAnswer(r, (x) => v.redact(x)).text;
      assert.equal(text.includes('pa55word') || text.includes('token-9'), false, text);
      assert.match(text, /token=\*\*\*&pw=\*\*\*/);
    } finally {
      v.close();
    }
  });

  it('redacts secrets and strips credential headers', () => {
    assert.equal(redact('key=abc123 and %2Babc', ['abc123']), 'key=*** and %2Babc');
    assert.equal(redact('http://me:pw@host/x', []), 'http://***:***@host/x');
    // A secret that holds another is removed whole, whichever order the list has.
    assert.equal(redact('token=abc123xyz;pw=abc123', ['abc123', 'abc123xyz']), 'token=***;pw=***');
    assert.deepEqual(safeHeaders({ 'Set-Cookie': ['a=1'], 'X-Api-Key': 'k', 'Content-Type': 'text/plain', 'X-CSRF-Token': 't' }), {
      'content-type': 'text/plain',
    });
  });
});

describe('transport: proxies', function () {
  this.timeout(10000);
  let target: SimServer;
  let proxy: http.Server;
  const seen: string[] = [];
  before(async () => {
    target = echo();
    await target.listen();
    proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const u = new URL(req.url ?? '');
      const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    proxy.on('connect', (req, socket) => {
      seen.push(`CONNECT ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const [h, p] = String(req.url).split(':');
      const up = net.connect(Number(p), h, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(socket);
        socket.pipe(up);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await target.close();
  });

  it('tunnels through a configured proxy (with credentials) unless its no-proxy list bypasses it', async () => {
    const purl = `http://u:p@127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const t = new Transport({ vendor: 'Test', baseUrl: target.url, timeout: 2000, proxy: { url: purl } });
    assert.equal((await t.request({ operation: 'op', method: 'GET', path: '/via' })).status, 200);
    t.close();
    // undici tunnels through CONNECT (as core Node-RED's http request node does), with the proxy credentials.
    assert.equal(seen.at(-1), `CONNECT ${target.url.replace('http://', '')} Basic ${Buffer.from('u:p').toString('base64')}`);
    const n = seen.length;
    const t2 = new Transport({ vendor: 'Test', baseUrl: target.url, timeout: 2000, proxy: { url: purl, noProxy: ['127.0.0.1'] } });
    await t2.request({ operation: 'op', method: 'GET', path: '/direct' });
    t2.close();
    assert.equal(seen.length, n);
  });
});

describe('transport: TLS', function () {
  this.timeout(20000);
  let server: https.Server;
  let url: string;
  let cert: Buffer;
  before(async () => {
    const pair = selfSignedCert();
    cert = pair.cert;
    server = https.createServer({ key: pair.key, cert }, (_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('verifies certificates by default (a self-signed one is NETWORK)', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: url, timeout: 2000 });
    await assert.rejects(
      t.request({ operation: 'op', method: 'GET', path: '/' }),
      (e: CcError) => e.code === 'NETWORK' && /self.signed|certificate/i.test(e.message),
    );
    t.close();
  });
  it('trusts a custom CA, or skips verification only when told to', async () => {
    const withCa = new Transport({ vendor: 'Test', baseUrl: url, timeout: 2000, tls: { ca: cert } });
    assert.equal((await withCa.request({ operation: 'op', method: 'GET', path: '/' })).text, '{"ok":true}');
    withCa.close();
    const noVerify = new Transport({ vendor: 'Test', baseUrl: url, timeout: 2000, tls: { rejectUnauthorized: false } });
    assert.equal((await noVerify.request({ operation: 'op', method: 'GET', path: '/' })).status, 200);
    noVerify.close();
  });
});
