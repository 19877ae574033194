/**
 * What every vendor simulator shares: a loopback HTTP server that records each request,
 * applies scripted faults before the vendor logic runs, and exposes a small control API
 * (`/__sim/*`) so that tests and benchmarks in another process can script it too.
 *
 * Simulators are independent witnesses: nothing here (or in any simulator) imports from
 * `lib/` or `nodes/`. Each one is written from docs/vendors/*.md alone.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as received (not decoded). */
  path: string;
  /** The raw query string without `?` ('' when none). */
  rawQuery: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  time: number;
}

export interface Fault {
  /** Applies to requests whose path starts with this (default: every request). */
  path?: string;
  method?: string;
  /** Answer with this status instead of running the vendor logic. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (with `status`) or before running the vendor logic. */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** How many requests this fault applies to (default: until cleared). */
  times?: number;
}

export interface SimRequest extends RecordedRequest {
  raw: http.IncomingMessage;
}

export type Handler = (req: SimRequest, res: http.ServerResponse) => void | Promise<void>;

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Largest request body accepted (bytes). */
  maxBody?: number;
  /** Keep at most this many recorded requests (oldest dropped). */
  maxRecorded?: number;
}

export const MAX_BODY_DEFAULT = 1024 * 1024;

export class SimServer {
  readonly requests: RecordedRequest[] = [];
  faults: Fault[] = [];
  /** Counts every request, also those no longer kept in `requests`. */
  requestCount = 0;
  /** Set to false to stop recording (benchmarks). */
  record = true;
  private server: http.Server;
  private sockets = new Set<Socket>();
  private control = new Map<string, (body: unknown) => unknown>();
  private maxBody: number;
  private maxRecorded: number;
  url = '';
  port = 0;

  constructor(
    readonly name: string,
    private handler: Handler,
    opts: SimulatorOptions = {},
  ) {
    this.maxBody = opts.maxBody ?? MAX_BODY_DEFAULT;
    this.maxRecorded = opts.maxRecorded ?? 10000;
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 30000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Registers `POST /__sim/<name>` for vendor-specific scripting (e.g. expire a session). */
  onControl(name: string, fn: (body: unknown) => unknown): void {
    this.control.set(name, fn);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    this.port = addr.port;
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  /** Closes the server and every open connection (keep-alive and long polls included). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops open connections without stopping the server (a network blip). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  addFault(f: Fault): void {
    this.faults.push({ ...f });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests seen so far whose path starts with `prefix` (vendor paths, not `/__sim`). */
  requestsTo(prefix: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
  }

  private takeFault(req: RecordedRequest): Fault | undefined {
    const i = this.faults.findIndex((f) => (!f.path || req.path.startsWith(f.path)) && (!f.method || f.method === req.method));
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults.splice(i, 1);
    }
    return f;
  }

  private async onRequest(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = raw.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    let body: string;
    try {
      body = await readBody(raw, this.maxBody);
    } catch {
      sendJson(res, 413, { error: 'request body too large' });
      return;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;
    const rec: RecordedRequest = { method: raw.method ?? 'GET', path, rawQuery, query, headers: raw.headers, body, time: Date.now() };

    if (path.startsWith('/__sim/')) {
      this.onControlRequest(rec, res);
      return;
    }
    this.requestCount++;
    if (this.record) {
      this.requests.push(rec);
      if (this.requests.length > this.maxRecorded) this.requests.shift();
    }
    const fault = this.takeFault(rec);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.drop) {
        raw.socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.headers ?? {}) });
        res.end(fault.body ?? '');
        return;
      }
    }
    try {
      await this.handler({ ...rec, raw }, res);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: `simulator ${this.name} failed: ${(err as Error).message}` });
      else res.destroy();
    }
  }

  private onControlRequest(rec: RecordedRequest, res: http.ServerResponse): void {
    const what = rec.path.slice('/__sim/'.length);
    let body: unknown = undefined;
    if (rec.body) {
      try {
        body = JSON.parse(rec.body);
      } catch {
        sendJson(res, 400, { error: 'control body must be JSON' });
        return;
      }
    }
    if (what === 'requests' && rec.method === 'GET') return sendJson(res, 200, { count: this.requestCount, requests: this.requests });
    if (what === 'requests' && rec.method === 'DELETE') {
      this.clearRequests();
      this.requestCount = 0;
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'faults' && rec.method === 'POST') {
      const list = Array.isArray(body) ? body : [body];
      for (const f of list) this.addFault(f as Fault);
      return sendJson(res, 200, { ok: true, faults: this.faults.length });
    }
    if (what === 'faults' && rec.method === 'DELETE') {
      this.clearFaults();
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'record' && rec.method === 'POST') {
      this.record = Boolean((body as { record?: boolean } | undefined)?.record);
      return sendJson(res, 200, { ok: true });
    }
    const fn = this.control.get(what);
    if (fn && rec.method === 'POST') {
      try {
        return sendJson(res, 200, { ok: true, result: fn(body) ?? null });
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    sendJson(res, 404, { error: `no control ${rec.method} /__sim/${what}` });
  }
}

export function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error('too large'));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: http.ServerResponse, status: number, text: string, contentType = 'text/plain', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Copies the named fields of `from` that are set (not undefined) onto `to`. */
export function copyDefined<T extends object, K extends keyof T & string>(to: Partial<Record<K, unknown>>, from: T, keys: readonly K[]): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Case-insensitive header lookup returning one string ('' when absent). */
export function header(req: RecordedRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** A running simulator as the CLI and tests see it. */
export interface Simulator {
  name: string;
  url: string;
  server: SimServer;
  close(): Promise<void>;
}

export interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  ms: number;
}

/**
 * One plain HTTP(S) exchange, for the drivers and the tests that play a vendor's client: the
 * body, its length and the headers go out as given (a content-length is added unless given).
 */
export function exchange(
  url: string | URL,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent | false; timeoutMs?: number } = {},
): Promise<Exchange> {
  const started = Date.now();
  const target = typeof url === 'string' ? new URL(url) : url;
  const headers = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
    headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(target, { method: opts.method ?? 'GET', headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    if (opts.timeoutMs) {
      const ms = opts.timeoutMs;
      req.setTimeout(ms, () => req.destroy(new Error(`no answer within ${ms} ms`)));
    }
    req.on('error', reject);
    req.end(opts.body);
  });
}
