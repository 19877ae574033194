/**
 * One transport per config node: keep-alive agents (one per origin, capped sockets), request
 * timeout, TLS and proxy settings, a retry policy, and failures mapped to the contract's codes
 * with every credential redacted. It answers every HTTP status as a response; deciding what a
 * status means is the vendor client's job (its response mapper).
 *
 * Built on node:http/https rather than axios (the first design): profiling `npm run bench` showed
 * axios's per-request work at about a fifth of the CPU per message, and the transport uses none
 * of what it adds (it follows no redirects and parses bodies itself).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import * as zlib from 'node:zlib';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { CcError } from '../errors';
import type { CancelSignal } from './cancel';
import { proxyFor, type ProxySettings } from './proxy';
import { redact } from './redact';

export interface TlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** false only when the user turned verification off in a `tls-config` node. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/**
 * - `none`: never repeat (a call that may have dialled a phone or queued a caller).
 * - `unprocessed`: repeat only what the server provably did not process: connection refused, 429.
 * - `idempotent`: reads and idempotent writes: network errors, 429, 502, 503, 504.
 */
export type RetryMode = 'none' | 'unprocessed' | 'idempotent';

export interface TransportOptions {
  vendor: string;
  baseUrl: string;
  /** Request timeout in ms (the config node's `timeout`). */
  timeout: number;
  /** Sockets in flight per transport; requests beyond wait in the agent's queue. */
  maxSockets?: number;
  tls?: TlsOptions;
  /** A core `http proxy` node's settings; undefined = HTTP(S)_PROXY / NO_PROXY apply. */
  proxy?: ProxySettings | null;
  /** Values to remove from every message this transport produces (credentials). */
  secrets?: () => readonly string[];
  /** Extra attempts after the first, for retryable failures (default 2). */
  retries?: number;
  /** First backoff step in ms (default 250); doubles each attempt, with jitter. */
  retryBaseMs?: number;
  /** Longest wait between attempts (default 30000, never more than the request's timeout); a longer `Retry-After` ends the retries. */
  retryMaxMs?: number;
  /**
   * Largest answer body in bytes, counted after decoding (gzip, deflate, br); a larger answer
   * ends the request with VENDOR_ERROR naming the limit. Default 4 MiB (`DEFAULT_MAX_RESPONSE_BYTES`).
   */
  maxResponseBytes?: number;
}

export interface HttpRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Appended to the base URL (or `baseUrl`), or an absolute http(s) URL; may carry its own query string. */
  path: string;
  /** Encoded with encodeURIComponent (a `+` arrives as `+`); undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Per-request timeout (e.g. `msg.requestTimeout`). */
  timeout?: number;
  retry?: RetryMode;
  /** Cancels the request (an AbortSignal or a `Cancel`): it then fails with NETWORK. */
  signal?: CancelSignal;
  /** Another base URL for this request (e.g. an alternate host). */
  baseUrl?: string;
  /** Answer the body as a stream (event streams); the timeout then covers the headers only. */
  stream?: boolean;
  /** Event streams: longest silence between two chunks in ms before the stream is ended as idle. */
  idleTimeout?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, ` (see `setCookie`). */
  headers: Record<string, string>;
  setCookie: string[];
  text: string;
  stream?: Readable;
  url: string;
}

/** Default cap on a decoded answer body: 4 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class Transport {
  readonly vendor: string;
  private opts: TransportOptions;
  private agents = new Map<string, http.Agent>();
  /** Parsed request targets by URL: most nodes call one or a few URLs again and again. */
  private targets = new Map<string, Target>();
  private inFlight = new Set<Call>();
  /**
   * Requests holding one of the `maxSockets` slots; the others wait here, in order, as a small
   * record instead of a full client request in the agent's queue (a burst of thousands of
   * messages then costs little memory, and no socket beyond the cap is ever asked for).
   */
  private active = 0;
  private waiting: Call[] = [];
  /** Open response streams (event streams): ended by close() too. */
  private streams = new Set<Readable>();
  private closed = false;

  constructor(opts: TransportOptions) {
    this.vendor = opts.vendor;
    this.opts = opts;
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** Requests currently on the wire or queued for a socket. */
  get pending(): number {
    return this.inFlight.size;
  }

  redact(text: string): string {
    return redact(text, this.opts.secrets?.() ?? []);
  }

  /** Sends one request, repeating it as `retry` allows; resolves with any HTTP status. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const mode = req.retry ?? 'none';
    const retries = mode === 'none' ? 0 : (this.opts.retries ?? 2);
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: CcError | undefined;
      try {
        res = await this.once(req);
      } catch (err) {
        failure = err as CcError;
      }
      const last = attempt >= retries || this.closed;
      if (res) {
        if (last || !retryableStatus(res.status, mode)) return res;
        const wait = this.delay(attempt, res.headers['retry-after'], req);
        if (wait === undefined) return res;
        if (res.stream) res.stream.destroy();
        await this.sleep(wait, req.signal);
        continue;
      }
      if (last || !retryableError(failure as CcError, mode)) throw failure;
      await this.sleep(this.delay(attempt, undefined, req) ?? 0, req.signal);
    }
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw this.error(req, 'NETWORK', 'the connection was closed (node redeployed or stopped)');
    const url = this.urlFor(req);
    const target = this.targetFor(url);
    const agent = this.agentFor(target);
    const call = new Call();
    const timeoutMs = req.timeout ?? this.opts.timeout;
    const timer = timeoutMs > 0 ? setTimeout(abortCall, timeoutMs, call, 'timeout') : undefined;
    const outer = req.signal;
    let onOuterAbort: (() => void) | undefined;
    if (outer) {
      if (outer.aborted) call.abort('cancel');
      else {
        onOuterAbort = (): void => call.abort('cancel');
        outer.addEventListener('abort', onOuterAbort, { once: true });
      }
    }
    this.inFlight.add(call);
    // Event streams stay open for long: they go straight to the agent (which caps them too).
    let slot = false;
    try {
      if (!req.stream) {
        if (call.why) throw new Error('aborted before sending');
        if (!this.acquire()) await this.queue(call);
        slot = true;
      }
      if (call.why) throw new Error('aborted before sending');
      const res = await send(target, req, agent, call);
      const headers: Record<string, string> = {};
      let setCookie: string[] = [];
      const raw = res.headers;
      for (const k in raw) {
        const v = raw[k];
        if (v === undefined || v === null) continue;
        if (k === 'set-cookie') setCookie = Array.isArray(v) ? v.map(String) : [String(v)];
        headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      if (req.stream) {
        const stream = res.body;
        if (timer) clearTimeout(timer);
        this.streams.add(stream);
        stream.once('close', () => this.streams.delete(stream));
        return new Answer(res.status, headers, setCookie, '', url, this, stream);
      }
      return new Answer(res.status, headers, setCookie, await readText(res.body), url, this);
    } catch (err) {
      if (call.why === 'timeout') {
        throw this.error(req, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
      }
      if (this.closed) throw this.error(req, 'NETWORK', 'the connection was closed (node redeployed or stopped)');
      if (call.why === 'cancel') throw this.error(req, 'NETWORK', 'the request was cancelled');
      const e = err as { code?: string; message?: string };
      const code = e.code ?? '';
      const text = this.redact(`${code ? code + ': ' : ''}${e.message ?? 'request failed'}`);
      throw this.error(req, 'NETWORK', text, code);
    } finally {
      if (slot) this.release();
      if (timer && !req.stream) clearTimeout(timer);
      if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
      call.out = undefined;
      this.inFlight.delete(call);
    }
  }

  /** Takes one of the `maxSockets` slots if one is free. */
  private acquire(): boolean {
    if (this.active < (this.opts.maxSockets ?? 64)) {
      this.active++;
      return true;
    }
    return false;
  }

  /** Waits, in order, for a slot; an abort (timeout, close, cancel) leaves the queue. */
  private queue(call: Call): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      call.go = resolve;
      call.stop = (err: Error): void => {
        const i = this.waiting.indexOf(call);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(err);
      };
      this.waiting.push(call);
    });
  }

  /** Hands the slot to the next waiting request, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next.stop = undefined;
      next.go?.();
    } else this.active--;
  }

  private error(req: HttpRequest, code: 'TIMEOUT' | 'NETWORK', message: string, cause?: string): CcError {
    return new CcError({ code, vendor: this.vendor, operation: req.operation, message, detail: cause });
  }

  private urlFor(req: HttpRequest): string {
    const base = (req.baseUrl ?? this.opts.baseUrl).replace(/\/+$/, '');
    // An absolute URL (e.g. one a protocol library computed from the base) is taken as it is.
    let url = /^https?:\/\//i.test(req.path) ? req.path : base + (req.path.startsWith('/') ? req.path : '/' + req.path);
    if (req.query) {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(req.query)) {
        if (v === undefined) continue;
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      }
      if (parts.length) url += (url.includes('?') ? '&' : '?') + parts.join('&');
    }
    return url;
  }

  private targetFor(url: string): Target {
    let t = this.targets.get(url);
    if (t) return t;
    const parsed = new URL(url);
    const options = urlToHttpOptions(parsed);
    t = {
      url: parsed,
      origin: parsed.origin,
      https: parsed.protocol === 'https:',
      hostname: options.hostname,
      port: options.port,
      path: options.path,
      auth: options.auth,
    };
    // Many distinct URLs (an id in the path): start over rather than grow without bound.
    if (this.targets.size >= 256) this.targets.clear();
    this.targets.set(url, t);
    return t;
  }

  private agentFor(target: Target): http.Agent {
    const key = target.origin;
    let agent = this.agents.get(key);
    if (agent) return agent;
    const maxSockets = this.opts.maxSockets ?? 64;
    const common = { keepAlive: true, keepAliveMsecs: 1000, maxSockets, maxTotalSockets: maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    const tls = this.opts.tls ?? {};
    const proxy = proxyFor(target.url, this.opts.proxy);
    if (proxy) {
      agent = target.https ? new HttpsProxyAgent({ ...common, ...tls, proxy }) : new HttpProxyAgent({ ...common, proxy });
    } else {
      agent = target.https ? new https.Agent({ ...common, ...tls }) : new http.Agent(common);
    }
    this.agents.set(key, agent);
    return agent;
  }

  /**
   * How long to wait before the next attempt: exponential backoff with jitter, at least what
   * `Retry-After` asks; undefined (give up now) when `Retry-After` asks for more than the
   * request's timeout or `retryMaxMs` allows.
   */
  private delay(attempt: number, retryAfter: string | undefined, req: HttpRequest): number | undefined {
    const base = this.opts.retryBaseMs ?? 250;
    const limit = req.timeout ?? this.opts.timeout;
    const max = Math.min(this.opts.retryMaxMs ?? 30000, limit > 0 ? limit : Infinity);
    const wait = Math.min(max, base * 2 ** attempt) * (0.5 + Math.random() * 0.5);
    const fromHeader = parseRetryAfter(retryAfter);
    if (fromHeader === undefined) return wait;
    return fromHeader > max ? undefined : Math.max(wait, fromHeader);
  }

  private sleep(ms: number, signal?: CancelSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Aborts what is in flight and closes every socket; later requests fail with NETWORK. */
  close(): void {
    this.closed = true;
    for (const c of this.inFlight) c.abort('close');
    this.inFlight.clear();
    for (const st of this.streams) st.destroy();
    this.streams.clear();
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

const USER_AGENT = 'node-red-contact-center';

interface Target {
  url: URL;
  origin: string;
  https: boolean;
  hostname: string | undefined | null;
  port: string | number | undefined | null;
  path: string | undefined | null;
  auth: string | undefined | null;
}

/** One request in flight: what ends it early (timeout, cancel, close) and how. */
class Call {
  why: 'timeout' | 'cancel' | 'close' | undefined;
  /** The request on the wire, once sent. */
  out: http.ClientRequest | undefined;
  /** Set while waiting for a slot. */
  go: (() => void) | undefined;
  stop: ((err: Error) => void) | undefined;

  abort(why: 'timeout' | 'cancel' | 'close'): void {
    if (this.why) return;
    this.why = why;
    const err = new Error(`request ended (${why})`);
    if (this.out) this.out.destroy(err);
    if (this.stop) this.stop(err);
  }
}

function abortCall(call: Call, why: 'timeout'): void {
  call.abort(why);
}

/** An answer; its `url` is redacted when someone reads it (rarely: error texts), not for every answer. */
class Answer implements HttpResponse {
  private redacted: string | undefined;
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly setCookie: string[],
    readonly text: string,
    private readonly rawUrl: string,
    private readonly transport: Transport,
    readonly stream?: Readable,
  ) {}

  get url(): string {
    return (this.redacted ??= this.transport.redact(this.rawUrl));
  }
}

/**
 * One exchange with Node's own client (axios cost a fifth of the CPU per message here): the
 * headers axios sent by default, no redirects followed, gzip/deflate/br answers decoded, and
 * the body left to the caller (read as text or handed on as a stream).
 */
function send(target: Target, req: HttpRequest, agent: http.Agent, call: Call): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Readable }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    let accept = false;
    let userAgent = false;
    let encoding = false;
    let contentType = false;
    const given = req.headers;
    if (given) {
      for (const k in given) {
        const v = given[k];
        if (v === undefined || v === null) continue;
        headers[k] = v;
        switch (k.toLowerCase()) {
          case 'accept':
            accept = true;
            break;
          case 'user-agent':
            userAgent = true;
            break;
          case 'accept-encoding':
            encoding = true;
            break;
          case 'content-type':
            contentType = true;
            break;
        }
      }
    }
    if (!accept) headers.Accept = 'application/json, text/plain, */*';
    if (!userAgent) headers['User-Agent'] = USER_AGENT;
    if (!encoding) headers['Accept-Encoding'] = 'gzip, deflate, br';
    // A string body stays a string: Node then writes head and body as one chunk.
    const body = req.body;
    if (body !== undefined) {
      if (!contentType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
    }
    const options: http.RequestOptions = { hostname: target.hostname, port: target.port, path: target.path, method: req.method, headers, agent };
    if (target.auth) options.auth = target.auth;
    const out = (target.https ? https : http).request(options, (res) => {
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      const empty = res.statusCode === 204 || res.statusCode === 304;
      let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
      const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      if (!empty && (encoding === 'gzip' || encoding === 'x-gzip')) decoder = zlib.createGunzip(flush);
      else if (!empty && encoding === 'deflate') decoder = zlib.createInflate(flush);
      else if (!empty && encoding === 'br') decoder = zlib.createBrotliDecompress();
      if (decoder) {
        delete res.headers['content-encoding'];
        pipeline(res, decoder, () => undefined);
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decoder ?? res });
    });
    out.on('error', reject);
    call.out = out;
    out.end(body);
  });
}

function readText(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let ended = false;
    if (body.destroyed) {
      reject(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
      return;
    }
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => (text += chunk));
    body.once('end', () => {
      ended = true;
      resolve(text);
    });
    body.once('error', reject);
    body.once('close', () => {
      if (!ended) reject(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
    });
  });
}

function retryableStatus(status: number, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (status === 429) return true;
  return mode === 'idempotent' && (status === 502 || status === 503 || status === 504);
}

function retryableError(err: CcError, mode: RetryMode): boolean {
  if (mode === 'none' || err.code !== 'NETWORK') return false;
  if (mode === 'idempotent') return true;
  return err.detail === 'ECONNREFUSED';
}

/** `Retry-After` in ms: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}
