/**
 * The undici transport over the wire: every content encoding, every cap (raw bytes, decoded
 * bytes per encoding, endless answers), cancel during the exchange / the wait for a connection
 * / the retry wait, the timeout split (not sent vs. no answer), and event streams (idle timeout,
 * decoding, close).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import type { CcError } from '../../lib/errors';
import { Cancel, Transport } from '../../lib/http';

const TEXT = JSON.stringify({ hello: 'wörld ☎', items: Array.from({ length: 200 }, (_, i) => `line ${i}`) });
const zstdCompress = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
const ENCODERS: Record<string, [string, (b: Buffer) => Buffer]> = {
  gzip: ['gzip', (b) => zlib.gzipSync(b)],
  'x-gzip': ['x-gzip', (b) => zlib.gzipSync(b)],
  deflate: ['deflate', (b) => zlib.deflateSync(b)],
  'deflate-raw': ['deflate', (b) => zlib.deflateRawSync(b)],
  br: ['br', (b) => zlib.brotliCompressSync(b)],
  ...(zstdCompress ? { zstd: ['zstd', zstdCompress] as [string, (b: Buffer) => Buffer] } : {}),
};
const MB = 1024 * 1024;
/** 64 MB of zeros, compressed: each bomb is a few hundred KB at most. */
const BOMBS: Record<string, Buffer> = {};

describe('transport on undici: encodings, caps, cancel, timeouts, streams', function () {
  this.timeout(30000);
  let server: http.Server;
  let base: string;
  const seen: string[] = [];
  let endlessStopped: Promise<void> = Promise.resolve();

  before(async () => {
    const zeros = Buffer.alloc(64 * MB);
    for (const [name, [, enc]] of Object.entries(ENCODERS)) BOMBS[name] = enc(zeros);
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      seen.push(`${req.method} ${url}`);
      const [, kind, arg] = url.split('/');
      if (kind === 'enc' || kind === 'bomb') {
        const [header, enc] = ENCODERS[arg];
        const body = kind === 'enc' ? enc(Buffer.from(TEXT)) : BOMBS[arg];
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': header, 'content-length': body.length });
        res.end(body);
      } else if (kind === 'big') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 * MB });
        res.end(Buffer.alloc(3 * MB, 97));
      } else if (kind === 'endless') {
        // Up to 2 GB in 64 KB chunks, written as the client reads: stops when the client goes away.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 98);
        let sent = 0;
        endlessStopped = new Promise<void>((done) => {
          const pump = (): void => {
            while (!res.destroyed && sent < 2048 * MB) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            done();
          };
          res.once('close', () => done());
          pump();
        });
      } else if (kind === 'slow') {
        setTimeout(() => res.end('late'), Number(arg));
      } else if (kind === 'unavailable') {
        res.writeHead(503).end('try later');
      } else if (kind === 'sse') {
        const gzip = arg === 'gzip';
        res.writeHead(200, { 'content-type': 'text/event-stream', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
        const out = gzip ? zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH }) : undefined;
        if (out) out.pipe(res);
        (out ?? res).write('data: one\n\n');
        // then silence: the client's idle timeout ends it
      } else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (seen.length = 0));

  const get = (t: Transport, path: string, extra: object = {}): Promise<{ status: number; text: string }> =>
    t.request({ operation: 'op', method: 'GET', path, ...extra });

  for (const name of Object.keys(ENCODERS)) {
    it(`decodes ${name}`, async () => {
      const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 5000 });
      try {
        const r = await get(t, `/enc/${name}`);
        assert.equal(r.text, TEXT);
      } finally {
        t.close();
      }
    });
    it(`stops a ${name} bomb at the decoded cap: VENDOR_ERROR naming the limit; the next request works`, async () => {
      const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 10000, maxResponseBytes: MB });
      try {
        await assert.rejects(
          get(t, `/bomb/${name}`),
          (e: CcError) => e.code === 'VENDOR_ERROR' && /limit of 1048576 bytes/.test(e.message) && e.detail === 'TOO_LARGE',
        );
        assert.equal((await get(t, `/enc/${name}`)).text, TEXT);
      } finally {
        t.close();
      }
    });
  }

  it('advertises the encodings it decodes', async () => {
    let asked = '';
    const srv = http.createServer((req, res) => {
      asked = String(req.headers['accept-encoding']);
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const t = new Transport({ vendor: 'Test', baseUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, timeout: 2000 });
    await get(t, '/');
    t.close();
    srv.close();
    assert.match(asked, /^gzip, deflate, br(, zstd)?$/);
    assert.equal(asked.includes('zstd'), Boolean(zstdCompress));
  });

  it('ends an answer over the byte cap (Content-Length or endless) without reading it all', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 10000, maxResponseBytes: MB });
    try {
      await assert.rejects(get(t, '/big'), (e: CcError) => e.code === 'VENDOR_ERROR' && e.detail === 'TOO_LARGE');
      const before = process.memoryUsage().arrayBuffers;
      await assert.rejects(get(t, '/endless'), (e: CcError) => e.code === 'VENDOR_ERROR' && /maxResponseBytes/.test(e.message));
      await endlessStopped; // the server saw the connection go: it stopped far short of 2 GB
      assert.ok(process.memoryUsage().arrayBuffers - before < 64 * MB, 'memory stayed bounded');
      assert.equal((await get(t, '/ok')).text, 'ok');
      // Under the cap is fine.
      const roomy = new Transport({ vendor: 'Test', baseUrl: base, timeout: 10000, maxResponseBytes: 4 * MB });
      assert.equal((await get(roomy, '/big')).text.length, 3 * MB);
      roomy.close();
    } finally {
      t.close();
    }
  });

  it('times out a request that never got a connection as not sent, apart from one with no answer', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 300, maxSockets: 1 });
    try {
      const first = get(t, '/slow/2000', { timeout: 800 });
      const second = get(t, '/ok');
      const [a, b] = await Promise.allSettled([first, second]);
      const ea = (a as PromiseRejectedResult).reason as CcError;
      const eb = (b as PromiseRejectedResult).reason as CcError;
      assert.equal(ea.code, 'TIMEOUT');
      assert.match(ea.message, /no answer within 800 ms/);
      assert.notEqual(ea.detail, 'NOT_SENT');
      assert.equal(eb.code, 'TIMEOUT');
      assert.equal(eb.detail, 'NOT_SENT');
      assert.match(eb.message, /not sent: no free connection within 300 ms .*safe to send again/);
      assert.deepEqual(seen, ['GET /slow/2000']);
    } finally {
      t.close();
    }
  });

  it('a cancel is final: no retry after a cancel on the wire, and the retry wait ends at once', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 10000, retryBaseMs: 2000, retries: 3 });
    try {
      const c1 = new Cancel();
      setTimeout(() => c1.abort(), 100);
      await assert.rejects(get(t, '/slow/1000', { retry: 'idempotent', signal: c1 }), (e: CcError) => e.code === 'NETWORK' && e.detail === 'CANCELLED');
      assert.deepEqual(seen, ['GET /slow/1000']);
      seen.length = 0;
      const c2 = new Cancel();
      const started = Date.now();
      setTimeout(() => c2.abort(), 100);
      await assert.rejects(get(t, '/unavailable', { retry: 'idempotent', signal: c2 }), (e: CcError) => e.code === 'NETWORK' && e.detail === 'CANCELLED');
      const took = Date.now() - started;
      assert.ok(took < 900, `rejected ${took} ms after the start (the first backoff step is at least 1000 ms)`);
      assert.deepEqual(seen, ['GET /unavailable']);
    } finally {
      t.close();
    }
  });

  it('close() ends a retry wait at once with NETWORK', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 10000, retryBaseMs: 2000 });
    const started = Date.now();
    const p = get(t, '/unavailable', { retry: 'idempotent' });
    setTimeout(() => t.close(), 100);
    await assert.rejects(p, (e: CcError) => e.code === 'NETWORK' && e.detail === 'CLOSED');
    assert.ok(Date.now() - started < 900);
  });

  for (const coding of ['plain', 'gzip']) {
    it(`ends a silent event stream (${coding}) after its idle timeout, with the first event read`, async () => {
      const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 2000 });
      try {
        const res = await t.request({ operation: 'events', method: 'GET', path: `/sse/${coding}`, stream: true, idleTimeout: 300 });
        const stream = res.stream!;
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (d: string) => (text += d));
        const started = Date.now();
        const err = await new Promise<Error & { code?: string }>((resolve) => stream.once('error', resolve));
        assert.equal(err.code, 'STREAM_IDLE');
        assert.match(err.message, /idle for more than 300 ms/);
        assert.equal(text, 'data: one\n\n');
        assert.ok(Date.now() - started < 2000);
      } finally {
        t.close();
      }
    });
  }

  it('close() ends an open event stream cleanly', async () => {
    const t = new Transport({ vendor: 'Test', baseUrl: base, timeout: 2000 });
    const res = await t.request({ operation: 'events', method: 'GET', path: '/sse/plain', stream: true });
    const closed = new Promise<void>((r) => res.stream!.once('close', () => r()));
    res.stream!.resume();
    t.close();
    await closed;
    assert.equal(t.pending, 0);
  });
});
