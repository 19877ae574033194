/** The transport's ends: cancel (exchange, socket wait, retry wait), the timeout split, stream idle and close. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type * as net from 'node:net';
import { AmeyoClient } from '../../lib/ameyo/client';
import { CcError } from '../../lib/errors';
import { CANCELLED, Cancel, NOT_SENT, Transport } from '../../lib/http';

interface Seen {
  path: string;
  closedEarly: boolean;
}

describe('transport: cancel, timeout split, stream idle', function () {
  this.timeout(30000);
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  const held = new Set<http.ServerResponse>();

  before(async () => {
    server = http.createServer((req, res) => {
      const s: Seen = { path: req.url ?? '/', closedEarly: false };
      seen.push(s);
      res.on('close', () => (s.closedEarly = !res.writableFinished));
      const path = s.path.split('?')[0];
      if (path === '/fast') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (path === '/busy') return void res.writeHead(503).end('busy');
      if (path === '/hold' || path.startsWith('/ameyowebaccess')) return void held.add(res);
      if (path === '/stream') {
        // One event, then silence (until the client gives up).
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        held.add(res);
        return;
      }
      if (path === '/pings') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let n = 0;
        const t = setInterval(() => {
          if (++n === 15) {
            clearInterval(t);
            return void res.end('data: end\n\n');
          }
          res.write(':ping\n\n');
        }, 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterEach(() => {
    for (const r of held) r.destroy();
    held.clear();
    seen.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const isCancel = (e: CcError): boolean => e.code === 'NETWORK' && e.detail === CANCELLED && /cancelled/.test(e.message);

  it('a cancel during the retry wait ends the request at once, and nothing is repeated', async () => {
    // Backoff of 5 to 10 s after the first 503: the cancel at 100 ms must not wait for it.
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 20000, retryBaseMs: 10000 });
    try {
      const cancel = new Cancel();
      const t0 = Date.now();
      const pending = t.request({ operation: 'op', method: 'GET', path: '/busy', retry: 'idempotent', signal: cancel.signal });
      setTimeout(() => cancel.abort(), 100);
      await assert.rejects(pending, isCancel);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed < 2500, `rejected ${elapsed} ms after the start (the backoff was at least 5000 ms)`);
      assert.equal(seen.filter((s) => s.path === '/busy').length, 1);
      // A signal that fired before the wait began ends it too (an AbortSignal this time).
      const ctl = new AbortController();
      const again = t.request({ operation: 'op', method: 'GET', path: '/busy', retry: 'idempotent', signal: ctl.signal });
      ctl.abort();
      await assert.rejects(again, isCancel);
    } finally {
      t.close();
    }
  });

  it('a cancel during the exchange cuts the connection and is never retried, even when idempotent', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 20000, retryBaseMs: 5 });
    try {
      const cancel = new Cancel();
      const pending = t.request({ operation: 'op', method: 'GET', path: '/hold', retry: 'idempotent', signal: cancel.signal });
      await waitFor(() => seen.length === 1, 'request at the server');
      cancel.abort();
      await assert.rejects(pending, isCancel);
      await waitFor(() => seen[0].closedEarly, 'connection cut');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(seen.length, 1, 'not repeated');
    } finally {
      t.close();
    }
  });

  it('a cancel during the socket wait leaves the queue: nothing is sent', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 20000, maxSockets: 1 });
    try {
      const first = t.request({ operation: 'op', method: 'GET', path: '/hold' });
      await waitFor(() => seen.length === 1, 'first request at the server');
      const cancel = new Cancel();
      const queued = t.request({ operation: 'op', method: 'GET', path: '/fast?queued', signal: cancel.signal });
      assert.equal(t.pending, 2);
      cancel.abort();
      await assert.rejects(queued, isCancel);
      assert.equal(t.pending, 1);
      for (const r of held) r.end('{}');
      assert.equal((await first).status, 200);
      assert.equal((await t.request({ operation: 'op', method: 'GET', path: '/fast' })).status, 200);
      assert.deepEqual(
        seen.map((s) => s.path),
        ['/hold', '/fast'],
      );
    } finally {
      t.close();
    }
  });

  it('timeout split: a request that never got a connection says "not sent" (NOT_SENT); one on the wire does not', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 20000, maxSockets: 1 });
    try {
      const first = t.request({ operation: 'op', method: 'GET', path: '/hold', timeout: 400 });
      await waitFor(() => seen.length === 1, 'first request at the server');
      await assert.rejects(t.request({ operation: 'op', method: 'POST', path: '/fast?never', body: 'x', timeout: 100 }), (e: CcError) => {
        assert.equal(e.code, 'TIMEOUT');
        assert.equal(e.detail, NOT_SENT);
        assert.match(e.message, /not sent: no free connection within 100 ms/);
        return true;
      });
      await assert.rejects(first, (e: CcError) => {
        assert.equal(e.code, 'TIMEOUT');
        assert.notEqual(e.detail, NOT_SENT);
        assert.match(e.message, /no answer within 400 ms/);
        return true;
      });
      assert.deepEqual(
        seen.map((s) => s.path),
        ['/hold'],
      );
    } finally {
      t.close();
    }
  });

  it('Ameyo click-to-dial: a not-sent timeout does not say the call may still be placed; a sent one does', async () => {
    const ameyo = new AmeyoClient({ url: base, hashKey: 'h4sh-key', requestingHost: 'crm' }, { maxSockets: 1 });
    try {
      // The one connection is busy with a request the server holds.
      const busy = ameyo.transport.request({ operation: 'hold', method: 'GET', path: '/hold', timeout: 600 });
      await waitFor(() => seen.length === 1, 'held request at the server');
      const params = { campaignId: '14', userId: 'ravi.k', phone: '9876543210' };
      await assert.rejects(ameyo.clickToDial(params, { timeout: 100 }), (e: CcError) => {
        assert.equal(e.code, 'TIMEOUT');
        assert.match(e.message, /not sent/);
        assert.doesNotMatch(e.message, /may still be placed/);
        return true;
      });
      await assert.rejects(busy);
      assert.equal(seen.length, 1, 'the click-to-dial never reached the server');
      // Now it reaches Ameyo, which holds it: that one may still be placed.
      await assert.rejects(ameyo.clickToDial(params, { timeout: 100 }), (e: CcError) => e.code === 'TIMEOUT' && /may still be placed/.test(e.message));
      assert.equal(seen.length, 2);
    } finally {
      ameyo.transport.close();
    }
  });

  it('an event stream: the timeout covers the headers; then a silence longer than idleTimeout ends it with an error', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 200 });
    try {
      const r = await t.request({ operation: 'op', method: 'GET', path: '/stream', stream: true, idleTimeout: 300 });
      const stream = r.stream as NodeJS.ReadableStream & { destroyed: boolean };
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      const err = await new Promise<Error>((resolve) => stream.once('error', resolve));
      assert.match(err.message, /no data for 300 ms \(idleTimeout\)/);
      assert.equal(data, 'data: 1\n\n');
      await waitFor(() => seen[0].closedEarly, 'connection cut');
      // Chunks closer together than idleTimeout keep it open, past the request timeout, to its end.
      const p = await t.request({ operation: 'op', method: 'GET', path: '/pings', stream: true, idleTimeout: 1000 });
      let text = '';
      for await (const c of p.stream as AsyncIterable<Buffer>) text += c.toString();
      assert.match(text, /data: end/);
    } finally {
      t.close();
    }
  });

  it('close() ends open event streams cleanly and fails what is queued or on the wire', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 20000, maxSockets: 1 });
    const r = await t.request({ operation: 'op', method: 'GET', path: '/stream', stream: true });
    const stream = r.stream as NodeJS.ReadableStream;
    const errors: Error[] = [];
    stream.on('error', (e: Error) => errors.push(e));
    stream.resume();
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const onWire = t.request({ operation: 'op', method: 'GET', path: '/hold' });
    const queued = t.request({ operation: 'op', method: 'GET', path: '/fast' });
    await waitFor(() => seen.length === 2, 'two requests at the server');
    t.close();
    await closed;
    assert.deepEqual(errors, []);
    for (const p of [onWire, queued]) await assert.rejects(p, (e: CcError) => e.code === 'NETWORK' && /closed/.test(e.message));
    assert.equal(t.pending, 0);
    await waitFor(() => seen.every((s) => s.closedEarly), 'connections cut');
  });
});

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
