/**
 * One transport per config node, on undici: a connection pool per origin (the socket cap is
 * its connections), the config node's TLS and proxy settings, a request deadline, answers
 * capped in bytes after decoding, a retry policy that knows which calls may have dialled, and
 * failures mapped to the contract's codes with every credential redacted. It answers every
 * HTTP status as a response; what a status means is the vendor client's job.
 *
 * Requests beyond the cap wait here, in order, as small records (not in undici's queue): so a
 * request whose deadline passes before it got a connection is known never to have been sent.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CcError } from '../errors';
import type { CancelSignal } from './cancel';
import { Dispatchers, type ProxySettings, type TlsOptions } from './dispatchers';
import { dispatchOptions, Exchange, type Target } from './exchange';
import { redact } from './redact';
import { backoff, retryableError, retryableStatus, type RetryMode } from './retry';

export type { ProxySettings, TlsOptions } from './dispatchers';
export { parseRetryAfter, type RetryMode } from './retry';

export interface TransportOptions {
  vendor: string;
  baseUrl: string;
  /** Request timeout in ms (the config node's `timeout`): the wait for a connection and the exchange. */
  timeout: number;
  /** Requests in flight per transport (connections per origin); requests beyond wait in order. */
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
   * Largest answer body in bytes, counted after decoding (gzip, deflate, br, zstd); a larger answer
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
  /** Cancels the request (an AbortSignal or a `Cancel`): it then fails with NETWORK, detail CANCELLED, and is not repeated. */
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

const CLOSED = 'the connection was closed (node redeployed or stopped)';

/** One request: waiting for a connection slot, then on the wire. */
class Call {
  why: 'timeout' | 'cancel' | 'close' | undefined;
  exchange: Exchange | undefined;
  /** Set while waiting for a slot. */
  go: (() => void) | undefined;
  stop: ((err: Error) => void) | undefined;

  abort(why: 'timeout' | 'cancel' | 'close'): void {
    if (this.why) return;
    this.why = why;
    const err = new Error(`request ended (${why})`);
    if (this.exchange) this.exchange.abort(err);
    if (this.stop) this.stop(err);
  }
}

function onTimeout(call: Call): void {
  call.abort('timeout');
}

export class Transport {
  readonly vendor: string;
  private opts: TransportOptions;
  private dispatchers: Dispatchers;
  private streamDispatchers: Dispatchers | undefined;
  /** Parsed request targets by URL: most nodes call one or a few URLs again and again. */
  private targets = new Map<string, Target>();
  private inFlight = new Set<Call>();
  private active = 0;
  private waiting: Call[] = [];
  /** Retry waits in progress: close() ends them. */
  private sleepers = new Set<() => void>();
  /** Open response streams (event streams): ended by close() too. */
  private streams = new Set<Readable>();
  private closed = false;

  constructor(opts: TransportOptions) {
    this.vendor = opts.vendor;
    this.opts = opts;
    this.dispatchers = new Dispatchers({ connections: this.cap, tls: opts.tls, proxy: opts.proxy });
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** Requests currently on the wire or queued for a connection. */
  get pending(): number {
    return this.inFlight.size;
  }

  private get cap(): number {
    return this.opts.maxSockets ?? 64;
  }

  redact(text: string): string {
    return redact(text, this.opts.secrets?.() ?? []);
  }

  /** Sends one request, repeating it as `retry` allows; resolves with any HTTP status. */
  request(req: HttpRequest): Promise<HttpResponse> {
    // Most calls are never repeated: no retry loop (and no extra promise) for them.
    return (req.retry ?? 'none') === 'none' ? this.once(req) : this.retrying(req);
  }

  private async retrying(req: HttpRequest): Promise<HttpResponse> {
    const mode = req.retry ?? 'none';
    const retries = this.opts.retries ?? 2;
    const limit = req.timeout ?? this.opts.timeout;
    const max = Math.min(this.opts.retryMaxMs ?? 30000, limit > 0 ? limit : Infinity);
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: CcError | undefined;
      try {
        res = await this.once(req);
      } catch (err) {
        failure = err as CcError;
      }
      const last = attempt >= retries || this.closed || req.signal?.aborted;
      let wait: number | undefined;
      if (res) {
        if (last || !retryableStatus(res.status, mode)) return res;
        wait = backoff(attempt, this.opts.retryBaseMs ?? 250, max, res.headers['retry-after']);
        if (wait === undefined) return res;
        if (res.stream) res.stream.destroy();
      } else {
        if (last || !retryableError(failure as CcError, mode)) throw failure;
        wait = backoff(attempt, this.opts.retryBaseMs ?? 250, max) ?? 0;
      }
      await this.sleep(wait, req.signal);
      if (req.signal?.aborted) throw this.error(req, 'NETWORK', 'the request was cancelled', 'CANCELLED');
      if (this.closed) throw this.error(req, 'NETWORK', CLOSED, 'CLOSED');
    }
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw this.error(req, 'NETWORK', CLOSED, 'CLOSED');
    const url = this.urlFor(req);
    const target = this.targetFor(url, req);
    const call = new Call();
    const timeoutMs = req.timeout ?? this.opts.timeout;
    const timer = timeoutMs > 0 ? setTimeout(onTimeout, timeoutMs, call) : undefined;
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
    let slot = false;
    try {
      // Event streams stay open for long: they do not take a request slot (their own pools).
      if (!req.stream && !call.why) {
        if (this.active < this.cap) this.active++;
        else await this.queue(call);
        slot = true;
      }
      if (call.why) throw new Error('aborted before sending');
      const exchange = new Exchange({
        dispatcher: this.dispatcherFor(target.origin, req.stream === true),
        options: dispatchOptions(target, req, timeoutMs),
        max: this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        stream: req.stream === true,
      });
      call.exchange = exchange;
      const got = await exchange.done;
      if (got.stream) {
        if (timer) clearTimeout(timer);
        const stream = got.stream;
        this.streams.add(stream);
        stream.once('close', () => this.streams.delete(stream));
      }
      return new Answer(got.status, got.headers, got.setCookie, got.text, url, this, got.stream);
    } catch (err) {
      throw this.failure(req, call, err as Error & { code?: string }, timeoutMs);
    } finally {
      if (slot) this.release();
      if (timer && !req.stream) clearTimeout(timer);
      if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
      call.exchange = undefined;
      this.inFlight.delete(call);
    }
  }

  /** The contract error for a failed exchange. */
  private failure(req: HttpRequest, call: Call, err: Error & { code?: string }, timeoutMs: number): CcError {
    if (call.why === 'timeout') {
      if (!call.exchange) {
        return this.error(req, 'TIMEOUT', `not sent: no free connection within ${timeoutMs} ms (all ${this.cap} in use); safe to send again`, 'NOT_SENT');
      }
      return this.error(req, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    }
    if (this.closed || call.why === 'close') return this.error(req, 'NETWORK', CLOSED, 'CLOSED');
    if (call.why === 'cancel') return this.error(req, 'NETWORK', 'the request was cancelled', 'CANCELLED');
    if (err.code === 'TOO_LARGE') {
      const max = this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      return new CcError({
        code: 'VENDOR_ERROR',
        vendor: this.vendor,
        operation: req.operation,
        message: `the answer is larger than the limit of ${max} bytes (maxResponseBytes, after decoding); it was not read`,
        detail: 'TOO_LARGE',
      });
    }
    const cause = (err as { cause?: { code?: string } }).cause;
    const code = err.code ?? cause?.code ?? '';
    const text = this.redact(`${code ? code + ': ' : ''}${err.message || 'request failed'}`);
    return this.error(req, 'NETWORK', text, code || undefined);
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

  private error(req: HttpRequest, code: 'TIMEOUT' | 'NETWORK', message: string, detail?: string): CcError {
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

  private targetFor(url: string, req: HttpRequest): Target {
    let t = this.targets.get(url);
    if (t) return t;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CcError({ code: 'NOT_CONFIGURED', vendor: this.vendor, operation: req.operation, field: 'url', message: 'url is not a valid http(s) URL' });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CcError({
        code: 'NOT_CONFIGURED',
        vendor: this.vendor,
        operation: req.operation,
        field: 'url',
        message: 'url must start with http:// or https://',
      });
    }
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : undefined;
    t = { origin: parsed.origin, path: parsed.pathname + parsed.search, auth: user ? `Basic ${Buffer.from(user).toString('base64')}` : undefined };
    // Many distinct URLs (an id in the path): start over rather than grow without bound.
    if (this.targets.size >= 256) this.targets.clear();
    this.targets.set(url, t);
    return t;
  }

  private dispatcherFor(origin: string, stream: boolean): Dispatcher {
    if (!stream) return this.dispatchers.for(origin);
    this.streamDispatchers ??= new Dispatchers({ connections: this.cap, tls: this.opts.tls, proxy: this.opts.proxy }, true);
    return this.streamDispatchers.for(origin);
  }

  private sleep(ms: number, signal?: CancelSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, ms);
      const sleepers = this.sleepers;
      function done(): void {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        sleepers.delete(done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
      sleepers.add(done);
    });
  }

  /** Aborts what is in flight or waiting to retry and closes every socket; later requests fail with NETWORK. */
  close(): void {
    this.closed = true;
    for (const c of this.inFlight) c.abort('close');
    this.inFlight.clear();
    for (const wake of [...this.sleepers]) wake();
    for (const st of this.streams) st.destroy();
    this.streams.clear();
    this.dispatchers.destroy();
    this.streamDispatchers?.destroy();
  }
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
