/**
 * One GWS agent session (vendors/gws.md §2, §4, §5), owned by one config node:
 *
 * - HTTP: Basic on every request, this session's own cookie jar (`JSESSIONID`), the CSRF
 *   header learned from `GET /api/v2/me` sent on every POST/PUT/DELETE; a 403 "Missing or
 *   invalid Csrf token" refreshes the session once (shared by concurrent requests) and repeats
 *   the request; a request sent with an older cookie/token than the current one is repeated
 *   with the current one without a refresh; `Set-Cookie` on a 403 is ignored.
 * - CometD: one long-polling client (the maintained `cometd` library) whose requests carry
 *   this session's cookies and Basic header, fanned out to any number of channel listeners;
 *   re-handshake and re-subscribe on `reconnect: "handshake"`, 401/403 or a lost HTTP
 *   session, with backoff (5 s → 60 s) once the handshake is denied twice.
 *
 * No Node-RED import: testable alone against the simulator.
 */
import type { CometD, Message, SubscriptionHandle } from 'cometd';
import { CcError } from '../errors';
import { Transport, type HttpRequest, type HttpResponse, type RetryMode, type TransportOptions, type CancelSignal } from '../http';
import { classify, VENDOR } from './answer';
import { loadCometd, sessionTransport } from './cometd';
import { CookieJar } from './cookies';

export type GwsStateName = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'down';

export interface GwsState {
  state: GwsStateName;
  /** Why the session is reconnecting or down (never a secret). */
  reason?: string;
}

export interface GwsNotification {
  channel: string;
  data: unknown;
}

export type NotificationListener = (n: GwsNotification) => void;

export interface GwsSessionOptions {
  url: string;
  username: string;
  password: string;
  transport?: Partial<TransportOptions>;
  cometd?: {
    /** cometd's own backoff step / cap for network failures (ms; default 1000 / 60000). */
    backoffIncrement?: number;
    maxBackoff?: number;
    /** Backoff after the handshake was denied twice: first step and cap (default 5000 / 60000). */
    deniedBackoffMs?: number;
    deniedBackoffMaxMs?: number;
    /** Extra time cometd waits for a held connect beyond the server's timeout (ms, default 10000). */
    maxNetworkDelay?: number;
  };
  /** Diagnostics (already redacted); never receives a secret. */
  log?: (level: 'debug' | 'warn', text: string) => void;
}

export interface SessionRequest {
  operation: string;
  method: HttpRequest['method'];
  path: string;
  query?: HttpRequest['query'];
  body?: unknown;
  timeout?: number;
  signal?: CancelSignal;
  retry?: RetryMode;
}

export interface GwsUser {
  id?: string;
  userName?: string;
  [k: string]: unknown;
}

const CSRF_REFUSAL = /missing or invalid csrf token/i;

export class GwsSession {
  readonly jar = new CookieJar();
  readonly transport: Transport;
  /** The signed-in user from `GET /api/v2/me`. */
  user: GwsUser | undefined;
  private csrf: { name: string; value: string } | undefined;
  /** Bumped whenever the cookie or the token changes: tells stale requests from current ones. */
  private generation = 0;
  private established = false;
  private establishing: Promise<void> | undefined;
  private basic: string;
  private current: GwsState = { state: 'idle' };
  private stateListeners = new Set<(s: GwsState) => void>();
  private closed = false;

  // CometD
  private cometd: CometD | undefined;
  private starting: Promise<void> | undefined;
  private listeners = new Map<string, Set<NotificationListener>>();
  private subscriptions = new Map<string, SubscriptionHandle>();
  /** Channels whose subscribe reply has not arrived since the last handshake. */
  private unconfirmed = new Set<string>();
  private denied = 0;
  private recoverTimer: NodeJS.Timeout | undefined;
  private recovering = false;

  constructor(private opts: GwsSessionOptions) {
    this.basic = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    this.transport = new Transport({
      vendor: VENDOR,
      baseUrl: opts.url,
      timeout: 30000,
      ...opts.transport,
      secrets: () => this.secrets(),
    });
  }

  /** Every value that must never reach a user: password, Basic header, cookie, token. */
  secrets(): string[] {
    const s = [this.opts.password, this.basic.slice(6), ...(this.opts.transport?.secrets?.() ?? [])];
    const sid = this.jar.get('JSESSIONID');
    if (sid) s.push(sid);
    if (this.csrf) s.push(this.csrf.value);
    return s.filter((v) => v && v.length >= 3);
  }

  redact(text: string): string {
    return this.transport.redact(text);
  }

  // ---------- state ----------

  state(): GwsState {
    return this.current;
  }

  onState(fn: (s: GwsState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private setState(state: GwsStateName, reason?: string): void {
    if (this.closed) return;
    const r = reason === undefined ? undefined : this.redact(reason);
    if (this.current.state === state && this.current.reason === r) return;
    this.current = r === undefined ? { state } : { state, reason: r };
    for (const fn of this.stateListeners) {
      try {
        fn(this.current);
      } catch {
        /* a listener's failure is not the session's */
      }
    }
  }

  private log(level: 'debug' | 'warn', text: string): void {
    this.opts.log?.(level, this.redact(text));
  }

  // ---------- HTTP session ----------

  /** Opens the HTTP session (`GET /api/v2/me`) unless one is open. */
  async open(operation = 'session', signal?: CancelSignal): Promise<void> {
    if (this.established) return;
    await this.refresh(this.generation, operation, signal);
  }

  /**
   * Re-establishes the session unless it already changed since `seenGeneration`; one
   * `GET /api/v2/me` in flight at a time, shared by every caller.
   */
  private async refresh(seenGeneration: number, operation: string, signal?: CancelSignal): Promise<void> {
    if (this.closed) throw new CcError({ code: 'NETWORK', vendor: VENDOR, operation, message: 'the session was closed (node redeployed or stopped)' });
    if (this.establishing) return this.establishing;
    if (this.established && seenGeneration !== this.generation) return;
    this.establishing = this.establish(operation, signal).finally(() => (this.establishing = undefined));
    return this.establishing;
  }

  private async establish(operation: string, signal?: CancelSignal): Promise<void> {
    if (this.current.state === 'idle') this.setState('connecting');
    let res: HttpResponse;
    try {
      res = await this.transport.request({
        operation,
        method: 'GET',
        path: '/api/v2/me',
        headers: this.headers(false),
        retry: 'idempotent',
        signal,
      });
    } catch (err) {
      if (!this.listeners.size) this.setState('down', (err as Error).message);
      throw err;
    }
    if (res.status === 401 || res.status === 403) {
      this.established = false;
      const e = new CcError({
        code: 'AUTH_FAILED',
        vendor: VENDOR,
        operation,
        status: res.status,
        message: `GWS rejected the credentials of ${this.opts.username} (HTTP ${res.status})`,
        answer: classifySafe(operation, res),
      });
      this.setState('down', `AUTH_FAILED: credentials rejected (HTTP ${res.status})`);
      throw e;
    }
    const c = classify(operation, res, (s) => this.redact(s));
    this.absorb(res, true);
    const body = c.body as { user?: GwsUser };
    this.user = body.user;
    this.established = true;
    this.generation++;
    // With notification listeners, 'connected' means CometD is subscribed: the CometD side says so.
    if (!this.listeners.size) this.setState('connected');
  }

  /** Takes a new cookie / token from any answer that is not a 403. */
  private absorb(res: HttpResponse, bootstrap: boolean): void {
    const before = this.jar.get('JSESSIONID');
    this.jar.storeAll(res.setCookie);
    const name = res.headers['x-csrf-header'];
    const value = res.headers['x-csrf-token'];
    let changed = before !== this.jar.get('JSESSIONID');
    if (name && value) {
      if (this.csrf?.name !== name || this.csrf.value !== value) changed = true;
      this.csrf = { name, value };
    } else if (bootstrap && this.csrf) {
      // The server sends no CSRF headers: protection is off, send none.
      this.csrf = undefined;
      changed = true;
    }
    if (changed && !bootstrap) this.generation++;
  }

  private headers(mutating: boolean, json = false): Record<string, string> {
    const h: Record<string, string> = { Authorization: this.basic, Accept: 'application/json' };
    const cookie = this.jar.header();
    if (cookie) h.Cookie = cookie;
    if (mutating && this.csrf) h[this.csrf.name] = this.csrf.value;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  /**
   * Sends one REST request in this session. Resolves with the answer (any status except a
   * CSRF refusal that a refresh could not cure); the caller classifies it.
   */
  async request(req: SessionRequest): Promise<HttpResponse> {
    try {
      return await this.send(req);
    } catch (err) {
      throw forOperation(err, req.operation);
    }
  }

  private async send(req: SessionRequest): Promise<HttpResponse> {
    await this.open(req.operation, req.signal);
    const mutating = req.method !== 'GET';
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const gen = this.generation;
      const res = await this.transport.request({
        operation: req.operation,
        method: req.method,
        path: req.path,
        query: req.query,
        headers: this.headers(mutating, body !== undefined),
        body,
        timeout: req.timeout,
        signal: req.signal,
        retry: req.retry ?? (mutating ? 'unprocessed' : 'idempotent'),
      });
      const csrfRefusal = res.status === 403 && mutating && CSRF_REFUSAL.test(res.text);
      const unauthenticated = res.status === 401 || (res.status === 403 && !csrfRefusal && /"statusCode"\s*:\s*"?20\b/.test(res.text));
      if ((csrfRefusal || unauthenticated) && attempt < 3) {
        if (gen !== this.generation) continue; // sent with an older cookie/token: repeat, no refresh
        if (!refreshed) {
          refreshed = true;
          this.log('debug', `${req.operation}: session refused (HTTP ${res.status}), refreshing it once`);
          this.established = false;
          await this.refresh(gen, req.operation, req.signal);
          continue;
        }
      }
      if (res.status !== 403) this.absorb(res, false);
      return res;
    }
  }

  /** After EndContactCenterSession: the server invalidated the HTTP session; start afresh next time. */
  forget(): void {
    this.jar.delete('JSESSIONID');
    this.csrf = undefined;
    this.established = false;
    this.generation++;
  }

  // ---------- notifications ----------

  /** Listens to a channel (wildcards allowed); the CometD client starts with the first listener. */
  subscribe(channel: string, fn: NotificationListener): () => void {
    let set = this.listeners.get(channel);
    const fresh = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(fn);
    if (fresh && this.handshaken()) this.subscribeOne(channel);
    void this.startCometd().catch((err: Error) => this.log('warn', `CometD start failed: ${err.message}`));
    return () => {
      const s = this.listeners.get(channel);
      if (!s) return;
      s.delete(fn);
      if (s.size === 0) {
        this.listeners.delete(channel);
        const h = this.subscriptions.get(channel);
        this.subscriptions.delete(channel);
        if (h && this.handshaken()) this.cometd?.unsubscribe(h);
      }
      if (this.listeners.size === 0) this.stopCometd();
    };
  }

  /** A handshake succeeded and holds: (un)subscribe now; otherwise the next handshake subscribes all. */
  private notificationsUrl(): string {
    return this.opts.url.replace(/\/+$/, '') + '/api/v2/notifications';
  }

  private handshaken(): boolean {
    const c = this.cometd;
    if (!c || !c.getClientId()) return false;
    const status = c.getStatus();
    return status === 'connecting' || status === 'connected';
  }

  /** Channels with listeners. */
  channels(): string[] {
    return [...this.listeners.keys()];
  }

  private subscribeOne(channel: string): void {
    const c = this.cometd;
    if (!c) return;
    this.unconfirmed.add(channel);
    const h = c.subscribe(
      channel,
      (m: Message) => this.deliver(channel, m),
      (reply: Message) => {
        this.unconfirmed.delete(channel);
        if (!reply.successful) this.log('warn', `subscription to ${channel} refused: ${reply.error ?? 'no reason given'}`);
        if (this.unconfirmed.size === 0 && this.cometd === c && c.getStatus() === 'connected') this.setState('connected');
      },
    );
    this.subscriptions.set(channel, h);
  }

  private deliver(pattern: string, m: Message): void {
    const set = this.listeners.get(pattern);
    if (!set) return;
    const n: GwsNotification = { channel: m.channel, data: m.data as unknown };
    for (const fn of [...set]) {
      try {
        fn(n);
      } catch (err) {
        this.log('warn', `notification listener failed: ${(err as Error).message}`);
      }
    }
  }

  private startCometd(): Promise<void> {
    if (this.cometd || this.closed || this.listeners.size === 0) return Promise.resolve();
    this.starting ??= (async () => {
      const mods = await loadCometd();
      if (this.closed || this.cometd || this.listeners.size === 0) return;
      this.setState(this.current.state === 'connected' ? 'connecting' : this.current.state === 'idle' ? 'connecting' : this.current.state);
      const c = new mods.CometD(`gws-${this.opts.username}`);
      c.unregisterTransports();
      c.registerTransport(
        'long-polling',
        sessionTransport(mods, {
          jar: this.jar,
          headers: () => ({ Authorization: this.basic }),
          transport: this.transport,
        }) as unknown as Parameters<CometD['registerTransport']>[1],
      );
      const o = this.opts.cometd ?? {};
      c.configure({
        url: this.notificationsUrl(),
        logLevel: 'warn',
        backoffIncrement: o.backoffIncrement ?? 1000,
        maxBackoff: o.maxBackoff ?? 60000,
        maxNetworkDelay: o.maxNetworkDelay ?? 10000,
      });
      // cometd warns on window.console (stdout); route it through this session's redacting log.
      (c as unknown as { _warn: (...args: unknown[]) => void })._warn = (...args: unknown[]) =>
        this.log('debug', `cometd: ${args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' ')}`);
      c.addListener('/meta/handshake', (m) => this.onHandshake(m));
      c.addListener('/meta/connect', (m) => this.onConnect(m));
      this.cometd = c;
      try {
        await this.open('notifications');
      } catch (err) {
        // The handshake below is denied without a session; recovery takes it from there.
        this.log('warn', `session for notifications: ${(err as Error).message}`);
      }
      if (this.closed || this.cometd !== c) return;
      c.handshake();
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private onHandshake(m: Message): void {
    if (this.closed) return;
    if (m.successful) {
      this.denied = 0;
      this.subscriptions.clear();
      this.unconfirmed.clear();
      const c = this.cometd;
      c?.batch(() => {
        for (const ch of this.listeners.keys()) this.subscribeOne(ch);
      });
      return;
    }
    const failure = (m as Message & { failure?: { httpCode?: number } }).failure;
    const httpCode = failure?.httpCode ?? 0;
    const denied = /^40[13]/.test(m.error ?? '') || httpCode === 401 || httpCode === 403 || m.advice?.reconnect === 'none';
    if (!denied) {
      this.setState('reconnecting', `CometD handshake failed${httpCode ? ` (HTTP ${httpCode})` : ': server unreachable'}`);
      return; // cometd retries the handshake itself, with its backoff
    }
    this.denied++;
    this.recover(`CometD handshake denied${m.error ? ` (${m.error})` : ''}`);
  }

  private onConnect(m: Message): void {
    if (this.closed) return;
    if (m.successful) {
      this.denied = 0;
      // Connected means notifications flow: wait for the subscriptions to be confirmed too.
      if (this.unconfirmed.size === 0) this.setState('connected');
      return;
    }
    const httpCode = (m as Message & { failure?: { httpCode?: number } }).failure?.httpCode ?? 0;
    if (httpCode === 401 || httpCode === 403) {
      // cometd would keep retrying the connect; the session itself must be renewed.
      this.cometd?.disconnect();
      this.recover(`CometD refused (HTTP ${httpCode})`);
      return;
    }
    const handshake = m.advice?.reconnect === 'handshake';
    this.setState('reconnecting', handshake ? `CometD asked to handshake again${m.error ? ` (${m.error})` : ''}` : 'CometD connection lost');
  }

  /** Renews the HTTP session and handshakes again; after two denials, backs off 5 s → 60 s. */
  private recover(reason: string): void {
    if (this.closed || this.recovering) return;
    this.recovering = true;
    const o = this.opts.cometd ?? {};
    const first = o.deniedBackoffMs ?? 5000;
    const max = o.deniedBackoffMaxMs ?? 60000;
    const delay = this.denied >= 2 ? Math.min(max, first * 2 ** (this.denied - 2)) : 0;
    if (this.denied >= 2) this.setState('down', `${reason}; retrying in ${Math.round(delay / 1000)} s`);
    else this.setState('reconnecting', reason);
    this.log('debug', `${reason}: renewing the session in ${delay} ms`);
    this.recoverTimer = setTimeout(() => {
      this.recoverTimer = undefined;
      void (async () => {
        try {
          this.established = false;
          await this.refresh(this.generation, 'notifications');
        } catch (err) {
          this.log('warn', `session renewal failed: ${(err as Error).message}`);
          this.denied++;
        } finally {
          this.recovering = false;
        }
        const c = this.cometd;
        if (this.closed || !c) return;
        if (!this.established) {
          this.recover(reason);
          return;
        }
        const status = c.getStatus();
        if (status === 'handshaking') return; // cometd is handshaking again by itself
        if (status !== 'disconnected') c.disconnect();
        c.handshake();
      })();
    }, delay);
  }

  private stopCometd(): void {
    const c = this.cometd;
    this.cometd = undefined;
    this.subscriptions.clear();
    this.unconfirmed.clear();
    if (this.recoverTimer) clearTimeout(this.recoverTimer);
    this.recoverTimer = undefined;
    this.recovering = false;
    if (!c) return;
    c.clearListeners();
    if (c.getStatus() !== 'disconnected') c.disconnect();
    // A held long poll is answered by the server once it sees the disconnect; abort it anyway
    // so that no socket outlives the session.
    setTimeout(() => c.getTransport()?.abort(), 50).unref();
  }

  /** Stops notifications, aborts what is in flight and closes sockets. */
  close(): void {
    if (this.closed) return;
    this.stopCometd();
    this.listeners.clear();
    this.closed = true;
    this.transport.close();
    this.stateListeners.clear();
  }
}

/** A failure of a shared step (e.g. the session bootstrap) named after the request that met it. */
function forOperation(err: unknown, operation: string): unknown {
  if (!(err instanceof CcError) || err.operation === operation) return err;
  return new CcError({
    code: err.code,
    vendor: err.vendor,
    operation,
    message: err.message.replace(`${err.vendor} ${err.operation}: `, ''),
    status: err.status,
    detail: err.detail,
    field: err.field,
    answer: err.answer,
  });
}

function classifySafe(operation: string, res: HttpResponse): ReturnType<typeof classify>['answer'] | undefined {
  try {
    return classify(operation, res).answer;
  } catch (err) {
    return (err as CcError).answer;
  }
}
