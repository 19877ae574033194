/**
 * One ICWS session (docs/vendors/icws.md §2, §4, §5) as a small state machine:
 *
 *   idle → connecting → connected ⇄ reconnecting → down (retry timer) → reconnecting …
 *                                   any state → closed
 *
 * It connects (connect.ts), keeps the session id, the CSRF token and the cookies and sends them
 * on every request, logs onto the station, runs the message pump (pump.ts: SSE or short
 * polling, failures at the network repeated on the same session) and recovers by itself: a
 * 401/503 (or a connectionStateChange down) starts one reconnect shared by everyone (single
 * flight), the failed request is repeated once, a 503 walks the `alternateHostList`, bad
 * credentials back off instead of storming, and after a reconnect the agent's Dialer log-in,
 * ready-for-calls and status are restored from its Dialer memory (dialer-memory.ts).
 *
 * No Node-RED import: an EventEmitter of `state`, `message`, `reconnected` and `warning`.
 */
import { EventEmitter } from 'node:events';
import { CcError } from '../errors';
import { type Transport, vendorTransport, type HttpResponse } from '../http';
import { VENDOR, icwsError } from './answer';
import { asOperation, closedError, login, sessionHeaders, type Live } from './connect';
import { DialerMemory } from './dialer-memory';
import { T, isMessage } from './messages';
import { startMessages, stopMessages, type PumpHost } from './pump';
import type { IcwsSessionOptions, RequestOptions, SessionPhase, SessionStatus } from './session-options';
import { DEFAULT_MAX_EVENT_BYTES } from './sse';

const DEFAULT_BACKOFF = [1000, 2000, 5000, 10000];

export class IcwsSession extends EventEmitter {
  readonly transport: Transport;
  private readonly opts: Required<Omit<IcwsSessionOptions, 'station' | 'transport'>> & { station: string };
  private phase: SessionPhase = 'idle';
  private status: SessionStatus = { phase: 'idle' };
  private current: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private lastError: CcError | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private everConnected = false;
  private activeBase: string;
  private closing: Promise<void> | undefined;
  /** The agent's Dialer state as requests and messages told it (read-only outside the session). */
  readonly dialer = new DialerMemory();
  private readonly pump: PumpHost;
  /** Counts, for tests and status: connects tried, sessions opened. */
  readonly counters = { connectAttempts: 0, sessionsOpened: 0, reconnects: 0 };

  constructor(options: IcwsSessionOptions) {
    super();
    this.opts = {
      url: options.url.replace(/\/+$/, ''),
      username: options.username,
      password: options.password,
      applicationName: options.applicationName || 'Node-RED',
      language: options.language || 'en-us',
      station: options.station ?? '',
      restoreDialer: options.restoreDialer ?? true,
      timeout: options.timeout ?? 30000,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      backoffMs: options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF,
      closeTimeoutMs: options.closeTimeoutMs ?? 5000,
      streamIdleMs: options.streamIdleMs ?? 60000,
      maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    };
    this.activeBase = this.opts.url;
    // The password, and the live session's CSRF token and cookie values, never reach a message.
    this.transport = vendorTransport({ vendor: VENDOR, baseUrl: this.opts.url, timeout: this.opts.timeout }, options.transport ?? {}, () => [
      this.opts.password,
      ...this.sessionSecrets(),
    ]);
    const o = this.opts;
    this.pump = {
      transport: this.transport,
      language: o.language,
      pollIntervalMs: o.pollIntervalMs,
      backoffMs: o.backoffMs,
      streamIdleMs: o.streamIdleMs,
      sseLimits: { maxLineBytes: o.maxEventBytes, maxEventBytes: o.maxEventBytes },
      send: (live, op, method, rest) => this.send(live, op, method, rest),
      dispatch: (live, m) => this.dispatch(live, m),
      lost: (live, reason) => this.lost(live, reason),
      warn: (text) => this.emit('warning', text),
    };
  }

  private sessionSecrets(): string[] {
    const l = this.current;
    if (!l) return [];
    return [l.csrf, ...l.jar.values()].filter((s) => s.length >= 6);
  }

  // ---- public surface -------------------------------------------------------------------

  getStatus(): SessionStatus {
    return { ...this.status };
  }

  get userID(): string {
    return this.current?.userID ?? this.opts.username;
  }

  get sessionId(): string | undefined {
    return this.current?.id;
  }

  get dialerVersion(): number | undefined {
    return this.current?.dialerVersion;
  }

  get messagingMode(): 'sse' | 'poll' | undefined {
    return this.current ? (this.current.messagingVersion >= 2 ? 'sse' : 'poll') : undefined;
  }

  /** Opens the session if nobody has yet (event listeners need it without a request). */
  open(): void {
    if (this.phase === 'idle') this.connectNow(false).catch(() => undefined);
  }

  /**
   * Sends one session request; a 401 or 503 (the session is gone) reconnects once (shared with
   * every other request) and repeats the request once. Any HTTP status is returned.
   */
  async request(
    operation: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    rest: string | ((userID: string) => string),
    body?: unknown,
    o: RequestOptions = {},
  ): Promise<HttpResponse> {
    const path = (l: Live): string => (typeof rest === 'string' ? rest : rest(l.userID));
    let live = await this.ready(operation);
    let res = await this.send(live, operation, method, path(live), body, o);
    if (res.status === 401 || res.status === 503) {
      live = await this.recover(live, `${operation} answered HTTP ${res.status}`, operation);
      res = await this.send(live, operation, method, path(live), body, o);
    }
    return res;
  }

  /** Remembers what a successful Dialer/status request changed, for restoreDialer. */
  remember(operation: string, body: Record<string, unknown>, callAtSend?: string): void {
    this.dialer.remember(operation, body, this.userID, callAtSend);
  }

  /** Stops everything, deletes the server session (bounded wait) and closes the sockets. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      this.setStatus({ phase: 'closed' });
      this.clearRetry();
      const live = this.current;
      this.current = undefined;
      const inflight = this.connecting;
      const bounded = async <X>(p: Promise<X>): Promise<void> => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, this.opts.closeTimeoutMs)))]);
        clearTimeout(timer);
      };
      if (live) {
        stopMessages(live);
        await bounded(this.deleteSession(live));
      }
      // A connect still on the wire deletes its own session once it sees `closed`.
      if (inflight) await bounded(inflight);
      this.transport.close();
    })();
    return this.closing;
  }

  // ---- connecting -----------------------------------------------------------------------

  /** A method, so that TypeScript does not narrow `phase` across awaits. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private setStatus(s: SessionStatus): void {
    this.phase = s.phase;
    this.status = s;
    this.emit('state', { ...s });
  }

  /** Waits for a usable session; fails fast while down (no login storm). */
  private async ready(operation: string): Promise<Live> {
    switch (this.phase) {
      case 'connected':
        if (this.current) return this.current;
        break;
      case 'closed':
        throw this.closedError(operation);
      case 'down':
        throw asOperation(this.lastError, operation);
      default:
        break;
    }
    try {
      return await this.connectNow(this.everConnected);
    } catch (err) {
      throw asOperation(err, operation);
    }
  }

  /** The one reconnect for everyone whose request failed on `failed`. */
  private async recover(failed: Live, reason: string, operation: string): Promise<Live> {
    if (this.phase === 'closed') throw this.closedError(operation);
    if (this.current && this.current !== failed && this.phase === 'connected') return this.current;
    // Down and waiting for the retry timer: no extra login (no storm).
    if (this.phase === 'down' && !this.connecting) throw asOperation(this.lastError, operation);
    if (!this.connecting) {
      if (this.current === failed) {
        stopMessages(failed);
        this.current = undefined;
      }
      this.clearRetry();
      this.setStatus({ phase: 'reconnecting', reason });
    }
    try {
      return await this.connectNow(true);
    } catch (err) {
      throw asOperation(err, operation);
    }
  }

  /** The session's stream or poll noticed the session is gone. */
  private lost(live: Live, reason: string): void {
    // Lost while its own connect is still restoring Dialer: look again once that is done.
    if (this.connecting && live === this.current) {
      void this.connecting.then(
        () => this.lost(live, reason),
        () => undefined,
      );
      return;
    }
    if (live !== this.current || this.phase === 'closed') return;
    this.emit('warning', `session lost: ${reason}`);
    this.recover(live, reason, 'messages').catch(() => undefined);
  }

  private connectNow(reconnect: boolean): Promise<Live> {
    if (!this.connecting) {
      this.connecting = this.connectOnce(reconnect).finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async connectOnce(reconnect: boolean): Promise<Live> {
    this.clearRetry();
    if (this.phase !== 'reconnecting') this.setStatus({ phase: reconnect ? 'reconnecting' : 'connecting', reason: this.status.reason });
    let live: Live;
    try {
      live = await login(
        this.transport,
        this.opts,
        this.activeBase,
        this.opts.url,
        () => this.isClosed(),
        () => this.counters.connectAttempts++,
      );
      this.activeBase = live.base;
    } catch (err) {
      const e =
        err instanceof CcError ? err : new CcError({ code: 'NETWORK', vendor: VENDOR, operation: 'connect', message: String((err as Error)?.message ?? err) });
      this.lastError = e;
      if (this.phase !== 'closed') this.scheduleRetry(e);
      throw e;
    }
    if (this.isClosed()) {
      await this.deleteSession(live).catch(() => undefined);
      throw this.closedError('connect');
    }
    this.current = live;
    this.counters.sessionsOpened++;
    const stationError = await this.logOnStation(live);
    startMessages(this.pump, live);
    if (reconnect && this.everConnected) {
      this.counters.reconnects++;
      if (this.opts.restoreDialer) await this.restore(live);
    }
    if (this.isClosed() || this.current !== live) throw this.closedError('connect');
    this.attempt = 0;
    this.lastError = undefined;
    const wasConnected = this.everConnected;
    this.everConnected = true;
    this.setStatus({ phase: 'connected', messaging: live.messagingVersion >= 2 ? 'sse' : 'poll', ...(stationError ? { stationError } : {}) });
    if (reconnect && wasConnected) this.emit('reconnected', { restored: this.opts.restoreDialer });
    return live;
  }

  private scheduleRetry(e: CcError): void {
    const b = this.opts.backoffMs;
    const wait = b[Math.min(this.attempt, b.length - 1)];
    this.attempt++;
    this.setStatus({ phase: 'down', reason: e.reason ?? e.message, code: e.code, retryInMs: wait });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.phase === 'down') this.connectNow(this.everConnected).catch(() => undefined);
    }, wait);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async logOnStation(live: Live): Promise<string | undefined> {
    if (!this.opts.station) return undefined;
    try {
      const res = await this.send(live, 'station', 'PUT', 'connection/station', {
        __type: 'urn:inin.com:connection:workstationSettings',
        workstation: this.opts.station,
        supportedMediaTypes: [1],
        readyForInteractions: true,
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      const e = icwsError('station', res, (s) => this.transport.redact(s));
      this.emit('warning', e.message);
      return e.reason;
    } catch (err) {
      const msg = (err as Error).message;
      this.emit('warning', msg);
      return msg;
    }
  }

  /** Redoes the agent's Dialer log-in, campaigns, ready-for-calls and status on a new session. */
  private async restore(live: Live): Promise<void> {
    for (const [op, method, rest, body] of this.dialer.restoreSteps()) {
      if (live.stopped) return;
      try {
        const res = await this.send(live, op, method, rest, body);
        if (res.status < 200 || res.status >= 300)
          this.emit('warning', `restoring ${op} after reconnect: ` + icwsError(op, res, (s) => this.transport.redact(s)).message);
      } catch (err) {
        this.emit('warning', `restoring ${op} after reconnect: ${(err as Error).message}`);
      }
    }
  }

  private deleteSession(live: Live): Promise<HttpResponse> {
    return this.send(live, 'disconnect', 'DELETE', 'connection', undefined, { timeout: this.opts.closeTimeoutMs });
  }

  private send(
    live: Live,
    operation: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    rest: string,
    body?: unknown,
    o: RequestOptions = {},
  ): Promise<HttpResponse> {
    const headers = sessionHeaders(live, this.opts.language);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.transport.request({
      operation,
      method,
      baseUrl: live.base,
      path: `/icws/${live.id}/${rest}`,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeout: o.timeout,
      signal: o.signal,
      // A 429 or a refused connection was not processed: safe to repeat. 503 is ours (switchover).
      retry: 'unprocessed',
    });
  }

  // ---- messages ----

  private dispatch(live: Live, m: unknown): void {
    if (!isMessage(m)) return;
    if (m.__type === T.connectionStateChange && m.newConnectionState === 2) {
      this.lost(live, `the server closed the session${typeof m.reason === 'string' ? ': ' + m.reason : ''}`);
      return;
    }
    this.dialer.observe(m);
    try {
      this.emit('message', m);
    } catch (err) {
      // A listener's failure must not stop the message pump.
      this.emit('warning', `a message listener failed: ${(err as Error).message}`);
    }
  }

  // ---- errors ---------------------------------------------------------------------------

  private closedError(operation: string): CcError {
    return closedError(operation);
  }
}

export { alternateBase } from './connect';
export type { IcwsSessionOptions, RequestOptions, SessionPhase, SessionStatus } from './session-options';
