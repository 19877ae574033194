/**
 * A hostile vendor: a loopback server in front of a simulator (or alone) that answers chosen
 * requests the way an attacker or a broken server would: echoing the request (auth headers in
 * body and headers) at any status, huge answers, compression bombs (gzip, deflate, br), an
 * endless body, a slow drip, deep JSON, redirects. Everything else is passed to the upstream
 * simulator, so session vendors (ICWS, GWS) get a real session first. It records every request
 * header that carries a secret, so the scan knows the session tokens too.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export type Attack = 'echo' | 'echoText' | 'huge' | 'gzip' | 'deflate' | 'br' | 'endless' | 'drip' | 'deep' | 'redirect';

export interface Rule {
  /** Requests whose path (without query) matches. */
  path: RegExp;
  attack: Attack;
  status?: number;
  /** Decoded size of huge answers and bombs (bytes). */
  bytes?: number;
  /** `redirect`: where to. */
  location?: string;
}

/** Request headers whose values are secrets (as the contract lists them). */
const SECRET_REQUEST_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'hash-key',
  'x-api-key',
  'auth-token',
  'x-dlg-authorization',
  'inin-icws-csrf-token',
  'x-csrf-token',
];

/** 64 KB of JSON-ish filler, compressed once per encoding and repeated. */
const FILLER = Buffer.from('{"a":"' + 'x'.repeat(64 * 1024 - 9) + '"}\n');

export class HostileServer {
  readonly server: http.Server;
  url = '';
  rules: Rule[] = [];
  /** Every request seen (method and path), attacked or passed on. */
  readonly seen: Array<{ method: string; path: string; attacked: boolean }> = [];
  /** Every secret value a request carried (header values and cookie values). */
  readonly carried = new Set<string>();
  private sockets = new Set<Socket>();

  constructor(private upstream?: string) {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }

  private remember(req: http.IncomingMessage): void {
    for (const h of SECRET_REQUEST_HEADERS) {
      const v = req.headers[h];
      if (typeof v !== 'string' || !v) continue;
      // Cookie names are not secret, their values are.
      if (h === 'cookie') for (const c of v.split(/;\s*/)) this.carried.add(c.slice(c.indexOf('=') + 1));
      else this.carried.add(v);
      if (/authorization/.test(h)) this.carried.add(v.replace(/^\w+\s+/, ''));
    }
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0];
    this.remember(req);
    const rule = this.rules.find((r) => r.path.test(path));
    this.seen.push({ method: req.method ?? '', path, attacked: !!rule });
    res.on('error', () => undefined);
    if (!rule) return this.forward(req, res, body);
    const status = rule.status ?? 200;
    const bytes = rule.bytes ?? 64 * 1024 * 1024;
    switch (rule.attack) {
      case 'echo': {
        // The request as the answer: headers (with every credential) in the body and as headers.
        const text = JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: body.toString('utf8'),
          message: `echo ${JSON.stringify(req.headers)}`,
        });
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[`x-echo-${k}`] = v.replace(/[^\t\x20-\x7e]/g, '?');
        res.writeHead(status, headers);
        return void res.end(text);
      }
      case 'echoText': {
        // Plain text with the credentials around character 160, where error texts are cut.
        const creds = SECRET_REQUEST_HEADERS.map((h) => req.headers[h])
          .filter((v): v is string => typeof v === 'string')
          .join(' ');
        const text = 'refused: ' + '-'.repeat(145) + ' ' + creds + ' ' + body.toString('utf8');
        res.writeHead(status, { 'content-type': 'text/plain', 'x-echo': creds.replace(/[^\t\x20-\x7e]/g, '?') });
        return void res.end(text);
      }
      case 'huge':
      case 'endless':
        res.writeHead(status, { 'content-type': 'application/json' });
        return void this.pump(res, rule.attack === 'endless' ? Infinity : bytes, undefined, 8);
      case 'gzip':
      case 'deflate':
      case 'br':
        res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': rule.attack });
        return void this.pump(res, bytes, rule.attack, 64);
      case 'drip': {
        res.writeHead(status, { 'content-type': 'application/json' });
        const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'deep': {
        const n = Math.floor(bytes / 2);
        res.writeHead(status, { 'content-type': 'application/json' });
        return void res.end('['.repeat(n) + ']'.repeat(n));
      }
      case 'redirect':
        res.writeHead(status === 200 ? 302 : status, { location: rule.location ?? '/' });
        return void res.end();
    }
  }

  /**
   * Writes `bytes` of decoded filler, compressed when asked; never faster than `mbPerSecond`
   * (a transport without a cap then fails by its timeout, not by exhausting the test process).
   */
  private pump(res: http.ServerResponse, bytes: number, encoding: 'gzip' | 'deflate' | 'br' | undefined, mbPerSecond: number): void {
    let sent = 0;
    const perTick = Math.max(FILLER.length, Math.floor((mbPerSecond * 1024 * 1024) / 20));
    const source = new Readable({
      read() {
        /* pushed by the timer */
      },
    });
    const t = setInterval(() => {
      if (res.destroyed) {
        clearInterval(t);
        source.destroy();
        return;
      }
      for (let n = 0; n < perTick && sent < bytes; n += FILLER.length) {
        source.push(FILLER);
        sent += FILLER.length;
      }
      if (sent >= bytes) {
        clearInterval(t);
        source.push(null);
      }
    }, 50);
    res.on('close', () => {
      clearInterval(t);
      source.destroy();
    });
    const z =
      encoding === 'gzip'
        ? zlib.createGzip()
        : encoding === 'deflate'
          ? zlib.createDeflate()
          : encoding === 'br'
            ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } })
            : undefined;
    const out = z ? source.pipe(z) : source;
    out.on('error', () => undefined);
    out.pipe(res);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    if (!this.upstream) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":"no upstream"}');
    }
    const u = new URL(this.upstream);
    const out = http.request({ hostname: u.hostname, port: u.port, path: req.url, method: req.method, headers: { ...req.headers, host: u.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    out.end(body);
  }
}

/** Every wire form of a secret a leak could take (as an attacker would search for it). */
export function leakForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')]);
  return [...forms].filter((f) => f.length >= 6);
}

/**
 * The secret scan: no form of any secret, and no 10-character piece of one (a secret cut short
 * still gives most of it away), anywhere in `text`. Returns what leaked.
 */
export function scan(text: string, secrets: Iterable<string>): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    if (!s || s.length < 6) continue;
    for (const f of leakForms(s)) {
      if (text.includes(f)) {
        found.push(f);
        continue;
      }
      const w = 10;
      for (let i = 0; i + w <= f.length; i++) {
        if (text.includes(f.slice(i, i + w))) {
          found.push(`${f.slice(i, i + w)} (piece of ${f.slice(0, 4)}…)`);
          break;
        }
      }
    }
  }
  return found;
}

/** The `Basic` value of user:password, for the scan. */
export function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/** Everything a failure or a result can show a user, as one text. */
export function shown(v: unknown): string {
  if (v instanceof Error) {
    const e = v as Error & { answer?: unknown; detail?: unknown };
    return [String(e), e.message, String(e.detail ?? ''), JSON.stringify(e.answer ?? null), JSON.stringify(e)].join('\n');
  }
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
