/**
 * One transport per config node: undici does the HTTP (a connection pool per origin, capped at
 * `maxSockets`; TLS and proxy settings; see dispatcher.ts), this file keeps what undici does not:
 * the socket cap's queue of small records (queue.ts), the timeout split (a request that never
 * reached a socket says "not sent"), final cancels, the retry policy that knows which calls may
 * have dialled, the answer-size cap and decoding (exchange.ts, decode.ts), and failures mapped
 * to the contract's codes with every credential redacted. It answers every HTTP status as a
 * response; what a status means is the vendor client's job.
 *
 * History: axios first, then node:http (axios cost a fifth of the CPU per message), now undici's
 * Pool (about half the CPU per request of node:http's agent: docs/PERFORMANCE.md).
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CcError, type ErrorCode } from '../errors';
import type { CancelSignal } from './cancel';
import { ACCEPT_ENCODING } from './decode';
import { Dispatchers, type ProxySettings, type TlsOptions } from './dispatcher';
import { Exchange, type Host, type Reply } from './exchange';
import { SlotQueue } from './queue';
import { causeCode, retryableError, retryableStatus, parseRetryAfter } from './policy';
import { redact } from './redact';

export type { ProxySettings, TlsOptions } from './dispatcher';
export { parseRetryAfter } from './policy';

/**
 * - `none`: never repeat (a call that may have dialled a phone or queued a caller).
 * - `unprocessed`: repeat only what the server provably did not process: connection refused, 429.
 * - `idempotent`: reads and idempotent writes: network errors, 429, 502, 503, 504.
 * A cancelled request is never repeated.
 */
export type RetryMode = 'none' | 'unprocessed' | 'idempotent';

export interface TransportOptions {
  vendor: string;
  baseUrl: string;
  /** Request timeout in ms (the config node's `timeout`): the wait for a connection and the exchange. */
  timeout: number;
  /** Connections per origin and requests in flight per transport; requests beyond wait in order. */
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
   * Largest answer body in bytes, counted after decoding (gzip, deflate, br, zstd) and before
   * it; a larger answer ends the request with VENDOR_ERROR naming the limit, and its
   * connection is cut. Default 4 MiB (`DEFAULT_MAX_RESPONSE_BYTES`). Event streams are not capped.
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
  /** Cancels the request (an AbortSignal or a `Cancel`): it then fails with NETWORK at once, for good. */
  signal?: CancelSignal;
  /** Another base URL for this request (e.g. an alternate host). */
  baseUrl?: string;
  /** Answer the body as a stream (event streams); the timeout then covers the headers only. */
  stream?: boolean;
  /** Event streams: longest silence between two chunks in ms before the stream is ended (with an error). */
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

/** `CcError.detail` of a TIMEOUT that never reached a socket: nothing was sent. */
export const NOT_SENT = 'NOT_SENT';
/** `CcError.detail` of a cancelled request. */
export const CANCELLED = 'CANCELLED';

const CLOSED = 'the connection was closed (node redeployed or stopped)';
const USER_AGENT = 'node-red-contact-center';

/** A parsed request target (most nodes call one or a few URLs again and again). */
interface Target {
  origin: string;
  path: string;
  /** Basic credentials from the URL, as an Authorization value. */
  auth: string | undefined;
}

/**
 * A vendor client's transport: the caller's options over the client's defaults, and the client's
 * own secrets (its key, token or password) added to the caller's, never put in their place.
 */
export function vendorTransport(
  defaults: { vendor: string; baseUrl: string; timeout: number },
  options: Partial<TransportOptions>,
  ownSecrets: () => readonly string[],
): Transport {
  return new Transport({ ...defaults, ...options, secrets: () => [...ownSecrets(), ...(options.secrets?.() ?? [])] });
}

export class Transport implements Host {
  readonly vendor: string;
  private opts: TransportOptions;
  private dispatchers: Dispatchers;
  private targets = new Map<string, Target>();
  private inFlight = new Set<Exchange>();
  private slots: SlotQueue;
  private streams = new Set<Exchange>();
  private closed = false;
  private readonly limit: number;

  constructor(opts: TransportOptions) {
    this.vendor = opts.vendor;
    this.opts = opts;
    const maxSockets = opts.maxSockets ?? 64;
    this.slots = new SlotQueue(maxSockets);
    this.dispatchers = new Dispatchers({ connections: maxSockets, tls: opts.tls, proxy: opts.proxy });
    this.limit = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
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
        await this.sleep(wait, req);
        continue;
      }
      const f = failure as CcError;
      if (last || f.detail === CANCELLED || !retryableError(f, mode)) throw f;
      await this.sleep(this.delay(attempt, undefined, req) ?? 0, req);
    }
  }

  private once(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(this.error(req, 'NETWORK', CLOSED));
    const url = this.urlFor(req);
    const target = this.targetFor(url);
    const timeoutMs = req.timeout ?? this.opts.timeout;
    const opts: Dispatcher.DispatchOptions = {
      origin: target.origin,
      path: target.path,
      method: req.method,
      headers: headersFor(req, target),
      body: req.body,
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const stream = req.stream === true;
    const x = new Exchange(this, this.dispatchers.for(target.origin, stream), opts, this.limit, stream, stream ? (req.idleTimeout ?? 0) : 0);
    const answer = new Promise<Reply>((resolve, reject) => {
      x.resolve = resolve;
      x.reject = reject;
    });
    if (!x.watch(timeoutMs, req.signal)) return Promise.reject(this.cancelled(req));
    this.inFlight.add(x);
    // Event streams stay open for long: they take no slot, and have connections of their own.
    if (stream) {
      this.streams.add(x);
      x.go();
    } else if (this.slots.take()) x.go();
    else this.slots.wait(x);
    return answer.then(
      (r) => {
        this.inFlight.delete(x);
        return new Answer(r.status, r.headers, r.setCookie, r.text, url, this, r.stream);
      },
      (err: Error) => {
        this.inFlight.delete(x);
        if (stream && !x.stream) this.streams.delete(x);
        throw this.failure(req, x, err, timeoutMs);
      },
    );
  }

  /** The contract's error for a failed exchange. */
  private failure(req: HttpRequest, x: Exchange, err: Error, timeoutMs: number): CcError {
    if (x.why === 'cancel') return this.cancelled(req);
    if (this.closed || x.why === 'close') return this.error(req, 'NETWORK', CLOSED);
    if (x.why === 'timeout') {
      if (!x.dispatched)
        return this.error(req, 'TIMEOUT', `not sent: no free connection within ${timeoutMs} ms (all ${this.opts.maxSockets ?? 64} busy)`, NOT_SENT);
      if (!x.sent) return this.error(req, 'TIMEOUT', `not sent: no connection within ${timeoutMs} ms`, NOT_SENT);
      return this.error(req, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    }
    if (x.tooLarge) return this.error(req, 'VENDOR_ERROR', err.message);
    const code = causeCode(err);
    const text = this.redact(`${code ? code + ': ' : ''}${err.message || 'request failed'}`);
    return this.error(req, 'NETWORK', text, code || undefined);
  }

  private cancelled(req: HttpRequest): CcError {
    return this.error(req, 'NETWORK', 'the request was cancelled', CANCELLED);
  }

  // ---- Host: the exchanges report here ------------------------------------------------

  release(): void {
    this.slots.release();
  }

  leave(x: Exchange): void {
    this.slots.leave(x);
  }

  streamEnded(x: Exchange): void {
    this.streams.delete(x);
  }

  private error(req: HttpRequest, code: ErrorCode, message: string, detail?: string): CcError {
    return new CcError({ code, vendor: this.vendor, operation: req.operation, message, detail });
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
    const u = new URL(url);
    const user = decodeURIComponent(u.username);
    t = {
      origin: u.origin,
      path: u.pathname + u.search,
      auth: user || u.password ? 'Basic ' + Buffer.from(`${user}:${decodeURIComponent(u.password)}`).toString('base64') : undefined,
    };
    // Many distinct URLs (an id in the path): start over rather than grow without bound.
    if (this.targets.size >= 256) this.targets.clear();
    this.targets.set(url, t);
    return t;
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

  /** The wait between attempts; a cancel ends it at once (and the request with it), as close() does. */
  private sleep(ms: number, req: HttpRequest): Promise<void> {
    const signal = req.signal;
    if (signal?.aborted) return Promise.reject(this.cancelled(req));
    return new Promise<void>((resolve, reject) => {
      const done = (why?: 'cancel'): void => {
        clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        if (why === 'cancel') reject(this.cancelled(req));
        else resolve();
      };
      const onAbort = (): void => done('cancel');
      const t = setTimeout(done, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Aborts what is in flight and closes every connection; later requests fail with NETWORK. */
  close(): void {
    this.closed = true;
    this.slots.clear();
    for (const x of this.inFlight) x.end('close');
    this.inFlight.clear();
    for (const x of this.streams) x.end('close');
    this.streams.clear();
    this.dispatchers.destroy();
  }
}

/** The request headers: the caller's, and the defaults axios sent (Accept, encodings). */
function headersFor(req: HttpRequest, target: Target): Record<string, string> {
  const headers: Record<string, string> = {};
  let accept = false;
  let userAgent = false;
  let encoding = false;
  let contentType = false;
  let authorization = false;
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
        case 'authorization':
          authorization = true;
          break;
      }
    }
  }
  if (!accept) headers.accept = 'application/json, text/plain, */*';
  if (!userAgent) headers['user-agent'] = USER_AGENT;
  if (!encoding) headers['accept-encoding'] = ACCEPT_ENCODING;
  if (target.auth && !authorization) headers.authorization = target.auth;
  if (req.body !== undefined && !contentType) headers['content-type'] = 'application/x-www-form-urlencoded';
  return headers;
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
