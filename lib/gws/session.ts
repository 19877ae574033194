/**
 * One GWS agent session (docs/vendors/gws.md §2, §4, §5), owned by one config node:
 *
 * - HTTP: Basic on every request, this session's own cookie jar (`JSESSIONID`), the CSRF
 *   header learned from `GET /api/v2/me` sent on every POST/PUT/DELETE; a 403 "Missing or
 *   invalid Csrf token" refreshes the session once (shared by concurrent requests) and repeats
 *   the request; a request sent with an older cookie/token than the current one is repeated
 *   with the current one without a refresh; `Set-Cookie` on a 403 is ignored.
 * - Notifications: the CometD client of notifications.ts, bound to this session's cookies,
 *   Basic header and transport.
 *
 * No Node-RED import: testable alone against the simulator.
 */
import { CcError, forOperation } from '../errors';
import { type Transport, vendorTransport, type HttpRequest, type HttpResponse, type RetryMode, type TransportOptions, type CancelSignal } from '../http';
import { classify, VENDOR } from './answer';
import { GwsNotifications, type CometdOptions, type GwsStateName, type NotificationListener } from './notifications';
import { CookieJar } from '../http';

export type { GwsNotification, GwsStateName, NotificationListener } from './notifications';

export interface GwsState {
  state: GwsStateName;
  /** Why the session is reconnecting or down (never a secret). */
  reason?: string;
}

export interface GwsSessionOptions {
  url: string;
  username: string;
  password: string;
  transport?: Partial<TransportOptions>;
  cometd?: CometdOptions;

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

  private closing: Promise<void> | undefined;
  private readonly notifications: GwsNotifications;

  constructor(private opts: GwsSessionOptions) {
    this.basic = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: opts.url, timeout: 30000 }, opts.transport ?? {}, () => this.ownSecrets());
    this.notifications = new GwsNotifications({
      notificationsUrl: opts.url.replace(/\/+$/, '') + '/api/v2/notifications',
      name: `gws-${opts.username}`,
      jar: this.jar,
      transport: this.transport,
      options: opts.cometd ?? {},
      authorization: () => this.basic,
      state: () => this.current.state,
      setState: (st, reason) => this.setState(st, reason),
      log: (level, text) => this.log(level, text),
      open: (operation) => this.open(operation),
      renew: async () => {
        this.established = false;
        await this.refresh(this.generation, 'notifications');
        return this.established;
      },
      closed: () => this.closed,
    });
  }

  /** Every value that must never reach a user: password, Basic header, cookie, token. */
  secrets(): string[] {
    return [...this.ownSecrets(), ...(this.opts.transport?.secrets?.() ?? [])].filter((v) => v && v.length >= 3);
  }

  /** The password, its Basic form, and the live session's cookie and CSRF token. */
  private ownSecrets(): string[] {
    const s = [this.opts.password, this.basic.slice(6)];
    const sid = this.jar.get('JSESSIONID');
    if (sid) s.push(sid);
    if (this.csrf) s.push(this.csrf.value);
    return s;
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
      if (!this.notifications.active) this.setState('down', (err as Error).message);
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
    if (!this.notifications.active) this.setState('connected');
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
      throw err instanceof CcError ? forOperation(err, VENDOR, req.operation) : err;
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

  /** The `JSESSIONID` the next request sends (none before the first answer). */
  sessionId(): string | undefined {
    return this.jar.get('JSESSIONID');
  }

  /**
   * A sign-out is about to end the HTTP session: the CometD recovery it causes stays off the
   * status (notifications.ts `expectEnd`). Returns the function that ends this early.
   */
  expectEnd(): () => void {
    return this.notifications.expectEnd();
  }

  /**
   * After EndContactCenterSession: the server invalidated the HTTP session; start afresh next time.
   * With `ended`, only when that session is still the current one (the CometD recovery may
   * already have opened a new one).
   */
  forget(ended?: string): void {
    if (ended !== undefined && this.jar.get('JSESSIONID') !== ended) return;
    this.jar.delete('JSESSIONID');
    this.csrf = undefined;
    this.established = false;
    this.generation++;
  }

  // ---------- notifications ----------

  /** Listens to a channel (wildcards allowed); the CometD client starts with the first listener. */
  subscribe(channel: string, fn: NotificationListener): () => void {
    return this.notifications.subscribe(channel, fn);
  }

  /** Channels with listeners. */
  channels(): string[] {
    return this.notifications.channels();
  }

  /**
   * Stops notifications (CometD `/meta/disconnect` sent and answered, at most
   * `cometd.disconnectWaitMs`), then aborts what is in flight and closes the sockets.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.stateListeners.clear();
    this.closing = this.notifications.close().finally(() => this.transport.close());
    return this.closing;
  }
}

function classifySafe(operation: string, res: HttpResponse): ReturnType<typeof classify>['answer'] | undefined {
  try {
    return classify(operation, res).answer;
  } catch (err) {
    return (err as CcError).answer;
  }
}
