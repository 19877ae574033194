/** The transport through proxies (a core `http proxy` node's settings, HTTP(S)_PROXY / NO_PROXY) and TLS, over the wire. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { CcError } from '../../lib/errors';
import { NOT_SENT, Transport } from '../../lib/http';
import { selfSignedCert } from '../support/tls';

const PROXY_ENV = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

describe('transport: proxies and TLS over the wire', function () {
  this.timeout(20000);
  let plain: http.Server;
  let secure: https.Server;
  let proxy: http.Server;
  let plainUrl: string;
  let secureUrl: string;
  let proxyPort: number;
  let cert: Buffer;
  /** What the proxy saw: `CONNECT host:port auth` or `GET absolute-url auth`. */
  const seen: string[] = [];
  /** What the targets saw. */
  const hits: string[] = [];
  let requireAuth = false;
  const saved: Record<string, string | undefined> = {};

  const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  const listen = (s: net.Server): Promise<void> => new Promise((r) => s.listen(0, '127.0.0.1', () => r()));

  before(async () => {
    for (const k of PROXY_ENV) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    const pair = selfSignedCert();
    cert = pair.cert;
    plain = http.createServer((req, res) => {
      hits.push(`http ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"via":"plain"}');
    });
    secure = https.createServer({ key: pair.key, cert }, (req, res) => {
      hits.push(`https ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"via":"secure"}');
    });
    proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const u = new URL(req.url ?? '');
      const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      seen.push(`CONNECT ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      if (requireAuth && !req.headers['proxy-authorization']) {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [h, p] = String(req.url).split(':');
      const up = net.connect(Number(p), h, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
    await Promise.all([listen(plain), listen(secure), listen(proxy)]);
    plainUrl = `http://127.0.0.1:${port(plain)}`;
    secureUrl = `https://127.0.0.1:${port(secure)}`;
    proxyPort = port(proxy);
  });
  afterEach(() => {
    for (const k of PROXY_ENV) delete process.env[k];
    seen.length = 0;
    hits.length = 0;
    requireAuth = false;
  });
  after(async () => {
    for (const k of PROXY_ENV) if (saved[k] !== undefined) process.env[k] = saved[k];
    for (const s of [plain, secure, proxy]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  const get = (t: Transport, path = '/x'): Promise<{ status: number; text: string }> => t.request({ operation: 'op', method: 'GET', path });
  const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('core proxy node settings: an https target is tunnelled with the proxy credentials, its certificate checked against the tls-config CA', async () => {
    const t = new Transport({
      vendor: 'Test',
      baseUrl: secureUrl,
      timeout: 5000,
      tls: { ca: cert },
      proxy: { url: `http://us%40er:p%3Ass@127.0.0.1:${proxyPort}` },
    });
    try {
      assert.equal((await get(t, '/tunnelled')).text, '{"via":"secure"}');
      assert.deepEqual(seen, [`CONNECT 127.0.0.1:${port(secure)} ${basic('us@er', 'p:ss')}`]);
      assert.deepEqual(hits, ['https /tunnelled']);
    } finally {
      t.close();
    }
    // Without the CA the tunnelled handshake fails verification.
    const strict = new Transport({ vendor: 'Test', baseUrl: secureUrl, timeout: 5000, proxy: { url: `http://127.0.0.1:${proxyPort}` } });
    try {
      await assert.rejects(get(strict), (e: CcError) => e.code === 'NETWORK' && /self.signed|certificate/i.test(e.message));
    } finally {
      strict.close();
    }
  });

  it('core proxy node settings: its no-proxy list (host, host:port) sends matching targets direct, others through the proxy', async () => {
    const other = new Transport({
      vendor: 'Test',
      baseUrl: plainUrl,
      timeout: 5000,
      proxy: { url: `http://127.0.0.1:${proxyPort}`, noProxy: ['127.0.0.1:1', 'example.com'] },
    });
    const direct = new Transport({
      vendor: 'Test',
      baseUrl: plainUrl,
      timeout: 5000,
      proxy: { url: `http://127.0.0.1:${proxyPort}`, noProxy: [`127.0.0.1:${port(plain)}`] },
    });
    try {
      assert.equal((await get(other, '/proxied')).status, 200);
      assert.equal((await get(direct, '/direct')).status, 200);
      assert.deepEqual(seen, [`CONNECT 127.0.0.1:${port(plain)} `]);
      assert.deepEqual(hits, ['http /proxied', 'http /direct']);
    } finally {
      other.close();
      direct.close();
    }
  });

  it('HTTP_PROXY / HTTPS_PROXY from the environment, NO_PROXY honoured', async () => {
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    process.env.HTTPS_PROXY = `http://envuser:envpass@127.0.0.1:${proxyPort}`;
    const viaHttp = new Transport({ vendor: 'Test', baseUrl: plainUrl, timeout: 5000 });
    const viaHttps = new Transport({ vendor: 'Test', baseUrl: secureUrl, timeout: 5000, tls: { ca: cert } });
    try {
      assert.equal((await get(viaHttp, '/env-http')).status, 200);
      assert.equal((await get(viaHttps, '/env-https')).status, 200);
      assert.deepEqual(seen, [`CONNECT 127.0.0.1:${port(plain)} `, `CONNECT 127.0.0.1:${port(secure)} ${basic('envuser', 'envpass')}`]);
    } finally {
      viaHttp.close();
      viaHttps.close();
    }
    seen.length = 0;
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    const bypass = new Transport({ vendor: 'Test', baseUrl: plainUrl, timeout: 5000 });
    const bypassTls = new Transport({ vendor: 'Test', baseUrl: secureUrl, timeout: 5000, tls: { ca: cert } });
    try {
      assert.equal((await get(bypass, '/no-proxy')).status, 200);
      assert.equal((await get(bypassTls, '/no-proxy-tls')).text, '{"via":"secure"}');
      assert.deepEqual(seen, []);
      assert.deepEqual(hits.slice(-2), ['http /no-proxy', 'https /no-proxy-tls']);
    } finally {
      bypass.close();
      bypassTls.close();
    }
  });

  it('a proxy refusing the tunnel (407) is a NETWORK failure naming the 407, and nothing reaches the target', async () => {
    requireAuth = true;
    const t = new Transport({ vendor: 'Test', baseUrl: plainUrl, timeout: 5000, proxy: { url: `http://127.0.0.1:${proxyPort}` } });
    try {
      await assert.rejects(get(t), (e: CcError) => e.code === 'NETWORK' && /407/.test(e.message));
      assert.deepEqual(hits, []);
    } finally {
      t.close();
    }
  });

  it('a TLS handshake that never completes times out as "not sent" (the request was never written)', async () => {
    // Accepts and never answers; its connections are destroyed at the end, or they would stay
    // half-closed and keep the test process alive.
    const accepted = new Set<net.Socket>();
    const mute = net.createServer((sock) => accepted.add(sock));
    await listen(mute);
    const t = new Transport({ vendor: 'Test', baseUrl: `https://127.0.0.1:${port(mute)}`, timeout: 200 });
    try {
      await assert.rejects(t.request({ operation: 'op', method: 'POST', path: '/x', body: 'x' }), (e: CcError) => {
        assert.equal(e.code, 'TIMEOUT');
        assert.equal(e.detail, NOT_SENT);
        assert.match(e.message, /not sent: no connection within 200 ms/);
        return true;
      });
    } finally {
      t.close();
      for (const sock of accepted) sock.destroy();
      mute.close();
    }
  });
});
