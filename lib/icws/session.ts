/**
 * One ICWS session (vendors/icws.md §2, §4, §5) as a small state machine:
 *
 *   idle → connecting → connected ⇄ reconnecting → down (retry timer) → reconnecting …
 *                                   any state → closed
 *
 * It connects (Accept-Language + icAuthConnectionRequestSettings), keeps the session id, the
 * CSRF token and the cookies and sends them on every request, logs onto the station, pulls
 * messages (SSE when the server reports messaging ≥ 2, else a poll 1 s after each answer),
 * and recovers by itself: a 401/503 (or a connectionStateChange down, or a lost stream) starts
 * one reconnect shared by everyone (single flight), the failed request is repeated once, a
 * 503 walks the `alternateHostList`, bad credentials back off instead of storming, and after a
 * reconnect the agent's Dialer log-in, ready-for-calls and status are restored.
 *
 * No Node-RED import: an EventEmitter of `state`, `message`, `reconnected` and `warning`.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { CcError, type ErrorCode } from '../errors';
import { Transport, parseJsonOrText, type HttpResponse, type TransportOptions, type CancelSignal } from '../http';
import { VENDOR, errorBody, icwsError } from './answer';
import { CookieJar } from './cookies';
import { T, applyDataPop, isMessage, logoutGrant, type KnownCall } from './messages';
import { SseParser } from './sse';

export type SessionPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'down' | 'closed';

export interface SessionStatus {
  phase: SessionPhase;
  /** Why the session is down or reconnecting (no secret in it). */
  reason?: string;
  code?: ErrorCode;
  /** Next automatic attempt, when down. */
  retryInMs?: number;
  messaging?: 'sse' | 'poll';
  /** The station log-on failed (the session stays up). */
  stationError?: string;
}

export interface IcwsSessionOptions {
  url: string;
  username: string;
  password: string;
  applicationName?: string;
  language?: string;
  station?: string;
  /** Restore Dialer log-in, campaigns, ready-for-calls and status after a reconnect (default true). */
  restoreDialer?: boolean;
  timeout?: number;
  transport?: Partial<TransportOptions>;
  /** Wait between an answer and the next poll (default 1000). */
  pollIntervalMs?: number;
  /** Waits between automatic reconnect attempts; the last repeats (default 1 s, 2 s, 5 s, 10 s). */
  backoffMs?: number[];
  /** Longest wait for the session DELETE on close (default 5000). */
  closeTimeoutMs?: number;
  /**
   * An event stream silent this long (not even a `:ping`) is taken for a dead connection and
   * reopened (default 60000).
   */
  streamIdleMs?: number;
}

export interface RequestOptions {
  timeout?: number;
  signal?: CancelSignal;
}

/** What the agent did that a new session must redo (restoreDialer). */
interface AgentMemory {
  globalLogIn: boolean;
  campaigns: string[];
  ready?: Record<string, unknown>;
  status?: { userId: string; statusId: string };
}

interface Live {
  id: string;
  csrf: string;
  jar: CookieJar;
  base: string;
  userID: string;
  messagingVersion: number;
  dialerVersion: number;
  stopped: boolean;
  stream?: Readable;
  pollTimer?: NodeJS.Timeout;
  wake?: () => void;
  lastEventId?: number;
}

const DEFAULT_BACKOFF = [1000, 2000, 5000, 10000];
const ICWS_JSON = 'application/vnd.inin.icws+JSON';

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
  private memory: AgentMemory = { globalLogIn: false, campaigns: [] };
  /** The agent's current Dialer call as its data pop described it. */
  knownCall: KnownCall | undefined;
  /** The last call the session saw (for update-call-data after the disposition). */
  lastCall: KnownCall | undefined;
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
    };
    this.activeBase = this.opts.url;
    const extraSecrets = options.transport?.secrets;
    this.transport = new Transport({
      vendor: VENDOR,
      baseUrl: this.opts.url,
      timeout: this.opts.timeout,
      ...options.transport,
      // The password, and the live session's CSRF token and cookie values, never reach a message.
      secrets: () => [...(extraSecrets?.() ?? []), this.opts.password, ...this.sessionSecrets()],
    });
  }

  private sessionSecrets(): string[] {
    const l = this.current;
    if (!l) return [];
    return [
      l.csrf,
      ...l.jar
        .header()
        .split('; ')
        .map((c) => c.slice(c.indexOf('=') + 1)),
    ].filter((s) => s.length >= 6);
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
    const m = this.memory;
    if (operation === 'logIn') {
      if (typeof body.campaignId === 'string') {
        if (!m.campaigns.includes(body.campaignId)) m.campaigns.push(body.campaignId);
      } else m.globalLogIn = true;
    } else if (operation === 'logOff') {
      const ids = Array.isArray(body.campaignIds) ? (body.campaignIds as string[]) : [];
      if (ids.length === 0) this.memory = { globalLogIn: false, campaigns: [], status: m.status };
      else m.campaigns = m.campaigns.filter((c) => !ids.includes(c));
    } else if (operation === 'readyForCalls') {
      m.ready = body;
    } else if (operation === 'setStatus' && typeof body.userId === 'string' && typeof body.statusId === 'string') {
      if (body.userId === this.userID) m.status = { userId: body.userId, statusId: body.statusId };
    } else if (operation === 'disposition') {
      // Only the call the request was about: Dialer may have popped the next one meanwhile.
      if (this.knownCall && this.knownCall.interactionId === callAtSend) {
        this.lastCall = this.knownCall;
        this.knownCall = undefined;
      }
    } else if (operation === 'placePreviewCall' && this.knownCall && this.knownCall.interactionId === callAtSend) {
      this.knownCall = { ...this.knownCall, callPlaced: true };
    }
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
        this.stop(live);
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
        throw this.asOperation(this.lastError, operation);
      default:
        break;
    }
    try {
      return await this.connectNow(this.everConnected);
    } catch (err) {
      throw this.asOperation(err, operation);
    }
  }

  /** The one reconnect for everyone whose request failed on `failed`. */
  private async recover(failed: Live, reason: string, operation: string): Promise<Live> {
    if (this.phase === 'closed') throw this.closedError(operation);
    if (this.current && this.current !== failed && this.phase === 'connected') return this.current;
    // Down and waiting for the retry timer: no extra login (no storm).
    if (this.phase === 'down' && !this.connecting) throw this.asOperation(this.lastError, operation);
    if (!this.connecting) {
      if (this.current === failed) {
        this.stop(failed);
        this.current = undefined;
      }
      this.clearRetry();
      this.setStatus({ phase: 'reconnecting', reason });
    }
    try {
      return await this.connectNow(true);
    } catch (err) {
      throw this.asOperation(err, operation);
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
      live = await this.login();
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
    this.startMessages(live);
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
    this.setStatus({ phase: 'down', reason: e.message.replace(/^ICWS \w+: /, ''), code: e.code, retryInMs: wait });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.phase === 'down') this.connectNow(this.everConnected).catch(() => undefined);
    }, wait);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** POST /icws/connection on the active server, then on each alternate host a 503 names. */
  private async login(): Promise<Live> {
    const queue = [this.activeBase, this.opts.url];
    const tried = new Set<string>();
    let last: CcError | undefined;
    // "None accepts → VENDOR_ERROR": a 503 outranks an unreachable alternate.
    let last503: CcError | undefined;
    while (queue.length) {
      const base = queue.shift() as string;
      if (tried.has(base)) continue;
      tried.add(base);
      if (this.isClosed()) throw this.closedError('connect');
      this.counters.connectAttempts++;
      let res: HttpResponse;
      try {
        res = await this.transport.request({
          operation: 'connect',
          method: 'POST',
          baseUrl: base,
          path: '/icws/connection',
          query: { include: 'features,effective-station' },
          headers: { 'Accept-Language': this.opts.language, 'Content-Type': 'application/json', Accept: ICWS_JSON },
          body: JSON.stringify({
            __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
            applicationName: this.opts.applicationName,
            userID: this.opts.username,
            password: this.opts.password,
          }),
          retry: 'unprocessed',
        });
      } catch (err) {
        last = err as CcError;
        continue;
      }
      if (res.status === 201 || res.status === 200) {
        this.activeBase = base;
        return this.liveFrom(base, res);
      }
      if (res.status === 503) {
        const hosts = errorBody(parseJsonOrText(res.text)).alternateHostList ?? [];
        for (const h of hosts) {
          const alt = alternateBase(base, h);
          if (alt) queue.push(alt);
        }
        last503 = icwsError('connect', res, (s) => this.transport.redact(s));
        continue;
      }
      // 400 authenticationFailure → AUTH_FAILED, anything else → its code (answer.ts).
      throw icwsError('connect', res, (s) => this.transport.redact(s));
    }
    throw last503 ?? last ?? new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: 'connect', message: 'no server accepted the connection' });
  }

  private liveFrom(base: string, res: HttpResponse): Live {
    const body = parseJsonOrText(res.text) as Record<string, unknown>;
    const b = body && typeof body === 'object' ? body : {};
    const id = String(b.sessionId ?? res.headers['inin-icws-session-id'] ?? '');
    const csrf = String(b.csrfToken ?? res.headers['inin-icws-csrf-token'] ?? '');
    if (!id || !/^[\w-]+$/.test(id)) {
      throw new CcError({ code: 'VENDOR_ERROR', vendor: VENDOR, operation: 'connect', status: res.status, message: 'the connect answer has no session id' });
    }
    const jar = new CookieJar();
    jar.store(res.setCookie);
    const features = Array.isArray(b.features) ? (b.features as Array<{ featureId?: unknown; version?: unknown }>) : [];
    const version = (name: string, dflt: number): number => {
      const f = features.find((x) => x && x.featureId === name);
      return f && typeof f.version === 'number' ? f.version : dflt;
    };
    return {
      id,
      csrf,
      jar,
      base,
      userID: typeof b.userID === 'string' && b.userID ? b.userID : this.opts.username,
      // No features reported: assume the oldest server (short polling).
      messagingVersion: version('messaging', 1),
      dialerVersion: version('dialer', 2),
      stopped: false,
    };
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
      return e.message.replace(/^ICWS station: /, '');
    } catch (err) {
      const msg = (err as Error).message;
      this.emit('warning', msg);
      return msg;
    }
  }

  /** Redoes the agent's Dialer log-in, campaigns, ready-for-calls and status on a new session. */
  private async restore(live: Live): Promise<void> {
    const m = this.memory;
    const steps: Array<[string, 'POST' | 'PUT', string, unknown]> = [];
    if (m.globalLogIn) steps.push(['logIn', 'POST', 'dialer/log-in', {}]);
    for (const c of m.campaigns) steps.push(['logIn', 'POST', 'dialer/log-in', { campaignId: c }]);
    if (m.ready && (m.globalLogIn || m.campaigns.length)) steps.push(['readyForCalls', 'POST', 'dialer/ready-for-calls', m.ready]);
    if (m.status) steps.push(['setStatus', 'PUT', `status/user-statuses/${encodeURIComponent(m.status.userId)}`, { statusId: m.status.statusId }]);
    for (const [op, method, rest, body] of steps) {
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
    const headers: Record<string, string> = {
      'Accept-Language': this.opts.language,
      Accept: ICWS_JSON,
      'ININ-ICWS-CSRF-Token': live.csrf,
    };
    const cookie = live.jar.header();
    if (cookie) headers.Cookie = cookie;
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

  // ---- messages -------------------------------------------------------------------------

  private startMessages(live: Live): void {
    const run = live.messagingVersion >= 2 ? this.runSse(live) : this.runPoll(live);
    run.catch((err: unknown) => this.lost(live, (err as Error).message));
  }

  private stop(live: Live): void {
    live.stopped = true;
    if (live.pollTimer) clearTimeout(live.pollTimer);
    live.pollTimer = undefined;
    live.wake?.();
    live.stream?.destroy();
    live.stream = undefined;
  }

  private pause(live: Live, ms: number): Promise<void> {
    return new Promise((resolve) => {
      live.wake = () => {
        if (live.pollTimer) clearTimeout(live.pollTimer);
        live.pollTimer = undefined;
        live.wake = undefined;
        resolve();
      };
      live.pollTimer = setTimeout(() => live.wake?.(), ms);
    });
  }

  private async runPoll(live: Live): Promise<void> {
    while (!live.stopped) {
      let res: HttpResponse;
      try {
        res = await this.send(live, 'messages', 'GET', 'messaging/messages');
      } catch (err) {
        if (!live.stopped) this.lost(live, `polling failed: ${(err as Error).message}`);
        return;
      }
      if (res.status !== 200) {
        if (!live.stopped) this.lost(live, `polling answered HTTP ${res.status}`);
        return;
      }
      // Delivered by the server: dispatch even if the session was stopped meanwhile.
      const list = parseJsonOrText(res.text);
      if (Array.isArray(list)) for (const m of list) this.dispatch(live, m);
      if (live.stopped) return;
      await this.pause(live, this.opts.pollIntervalMs);
    }
  }

  private async runSse(live: Live): Promise<void> {
    let quickEnds = 0;
    while (!live.stopped) {
      let res: HttpResponse;
      try {
        res = await this.transport.request({
          operation: 'messages',
          method: 'GET',
          baseUrl: live.base,
          path: `/icws/${live.id}/messaging/messages`,
          headers: { Accept: 'text/event-stream', 'Accept-Language': this.opts.language, Cookie: live.jar.header(), 'ININ-ICWS-CSRF-Token': live.csrf },
          stream: true,
          // The transport's backstop after the server's `:ping`s stop; the watchdog below (which warns) fires first.
          idleTimeout: this.opts.streamIdleMs + 5000,
        });
      } catch (err) {
        if (!live.stopped) this.lost(live, `message stream failed: ${(err as Error).message}`);
        return;
      }
      const stream = res.stream;
      if (live.stopped) {
        stream?.destroy();
        return;
      }
      if (res.status !== 200 || !stream) {
        stream?.destroy();
        this.lost(live, `message stream answered HTTP ${res.status}`);
        return;
      }
      const started = Date.now();
      if (!/event-stream/i.test(res.headers['content-type'] ?? '')) {
        // The server ignored the SSE request and answered the poll's JSON array: poll instead.
        const text = await readAll(stream);
        const list = parseJsonOrText(text);
        if (Array.isArray(list)) for (const m of list) this.dispatch(live, m);
        live.messagingVersion = 1;
        return this.runPoll(live);
      }
      live.stream = stream;
      await this.consume(live, stream);
      live.stream = undefined;
      if (live.stopped) return;
      // The stream ended: reopen it (a 401 then tells us the session is gone). A server that
      // keeps ending streams at once gets a pause instead of a tight loop.
      quickEnds = Date.now() - started < 1000 ? quickEnds + 1 : 0;
      if (quickEnds > 1) await this.pause(live, this.opts.backoffMs[Math.min(quickEnds - 2, this.opts.backoffMs.length - 1)]);
    }
  }

  private consume(live: Live, stream: Readable): Promise<void> {
    return new Promise((resolve) => {
      const parser = new SseParser((e) => {
        const id = e.id !== undefined && /^\d+$/.test(e.id) ? Number(e.id) : undefined;
        if (id !== undefined) {
          // A replayed event (same id) is not delivered twice.
          if (live.lastEventId !== undefined && id <= live.lastEventId) return;
          live.lastEventId = id;
        }
        let m: unknown;
        try {
          m = JSON.parse(e.data);
        } catch {
          this.emit('warning', 'a message of the event stream is not JSON');
          return;
        }
        this.dispatch(live, m);
      });
      let idle: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => {
          this.emit('warning', `the message stream was silent for ${this.opts.streamIdleMs} ms: reopening it`);
          stream.destroy();
        }, this.opts.streamIdleMs);
      };
      arm();
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        arm();
        parser.push(chunk);
      });
      const done = (): void => {
        if (idle) clearTimeout(idle);
        idle = undefined;
        stream.removeAllListeners('data');
        resolve();
      };
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', done);
    });
  }

  private dispatch(live: Live, m: unknown): void {
    if (!isMessage(m)) return;
    if (m.__type === T.connectionStateChange && m.newConnectionState === 2) {
      this.lost(live, `the server closed the session${typeof m.reason === 'string' ? ': ' + m.reason : ''}`);
      return;
    }
    if (m.__type === T.dataPop) this.knownCall = applyDataPop(this.knownCall, m);
    if (m.__type === T.logoutGranted) {
      const g = logoutGrant(m);
      if (g.all) this.memory = { globalLogIn: false, campaigns: [], status: this.memory.status };
      else this.memory.campaigns = this.memory.campaigns.filter((c) => !g.ids.includes(c));
    }
    try {
      this.emit('message', m);
    } catch (err) {
      // A listener's failure must not stop the message pump.
      this.emit('warning', `a message listener failed: ${(err as Error).message}`);
    }
  }

  // ---- errors ---------------------------------------------------------------------------

  private closedError(operation: string): CcError {
    return new CcError({ code: 'NETWORK', vendor: VENDOR, operation, message: 'the ICWS session was closed (node redeployed or stopped)' });
  }

  /** A connect failure, named after the operation that needed the session. */
  private asOperation(err: unknown, operation: string): CcError {
    if (!(err instanceof CcError)) {
      return new CcError({ code: 'NETWORK', vendor: VENDOR, operation, message: `could not open the session: ${String((err as Error)?.message ?? err)}` });
    }
    if (err.operation === operation) return err;
    const why = err.message.replace(/^ICWS [\w-]+: /, '');
    return new CcError({
      code: err.code,
      vendor: VENDOR,
      operation,
      status: err.status,
      detail: err.detail,
      message: `could not open the session: ${why}`,
      answer: err.answer,
    });
  }
}

/** `host` or `host:port` in place of the host of `base` (same scheme, port and path prefix). */
export function alternateBase(base: string, host: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return undefined;
  try {
    const u = new URL(base);
    u.hostname = m[1] ? `[${m[1]}]` : m[2];
    if (m[3]) u.port = m[3];
    return u.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (text += c));
    stream.once('end', () => resolve(text));
    stream.once('error', () => resolve(text));
  });
}
