/**
 * The CometD notifications of one GWS session (docs/vendors/gws.md 4): one long-polling client (the
 * maintained `cometd` library) whose requests carry the session's cookies and Basic header,
 * fanned out to any number of channel listeners; re-handshake and re-subscribe on
 * `reconnect: "handshake"` (`402::Unknown client`), 401/403 or a lost HTTP session, with backoff
 * (5 s → 60 s) once the handshake is denied twice. A long-poll answer over `maxAnswerBytes` is a
 * failed connect: cometd connects again on the same client (the session lives on).
 * `stop()` sends `/meta/disconnect` and waits (bounded) for its answer, so the server forgets
 * the client at once instead of when it times out.
 * A sign-out (`EndContactCenterSession`) ends the HTTP session on purpose and with it the CometD
 * client: `expectEnd()` keeps the recovery that follows off the status ("reconnecting" would
 * read as a fault); a real failure on the way still shows as "down".
 */
import type { CometD, Message, SubscriptionHandle } from 'cometd';
import type { CookieJar, Transport } from '../http';
import { loadCometd, sessionTransport } from './cometd';

export type GwsStateName = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'down';

export interface GwsNotification {
  channel: string;
  data: unknown;
}

export type NotificationListener = (n: GwsNotification) => void;

export interface CometdOptions {
  /** cometd's own backoff step / cap for network failures (ms; default 1000 / 60000). */
  backoffIncrement?: number;
  maxBackoff?: number;
  /** Backoff after the handshake was denied twice: first step and cap (default 5000 / 60000). */
  deniedBackoffMs?: number;
  deniedBackoffMaxMs?: number;
  /** Extra time cometd waits for a held connect beyond the server's timeout (ms, default 10000). */
  maxNetworkDelay?: number;
  /** Largest CometD answer (one HTTP body of Bayeux messages) in bytes (default 4 MiB). */
  maxAnswerBytes?: number;
  /** Longest wait for the `/meta/disconnect` answer on close (ms, default 2000). */
  disconnectWaitMs?: number;
}

/** What the notifications need of their HTTP session. */
export interface NotificationHost {
  readonly notificationsUrl: string;
  readonly name: string;
  readonly jar: CookieJar;
  readonly transport: Transport;
  readonly options: CometdOptions;
  authorization(): string;
  state(): GwsStateName;
  setState(state: GwsStateName, reason?: string): void;
  log(level: 'debug' | 'warn', text: string): void;
  /** Opens the HTTP session if it is not. */
  open(operation: string): Promise<void>;
  /** Renews the HTTP session; answers whether it is established. */
  renew(): Promise<boolean>;
  closed(): boolean;
}

/** Default cap of one CometD answer: 4 MiB. */
export const DEFAULT_MAX_COMETD_ANSWER_BYTES = 4 * 1024 * 1024;

export class GwsNotifications {
  private cometd: CometD | undefined;
  private starting: Promise<void> | undefined;
  private listeners = new Map<string, Set<NotificationListener>>();
  private subscriptions = new Map<string, SubscriptionHandle>();
  /** Channels whose subscribe reply has not arrived since the last handshake. */
  private unconfirmed = new Set<string>();
  private denied = 0;
  private recoverTimer: NodeJS.Timeout | undefined;
  private recovering = false;
  private stopping = new Set<Promise<void>>();
  /** A sign-out is under way: the recovery it causes does not show as "reconnecting". */
  private ending: NodeJS.Timeout | undefined;
  /** Successful handshakes so far, and their count when the sign-out began. */
  private handshakes = 0;
  private handshakesAtEnd = 0;

  constructor(private host: NotificationHost) {}

  /**
   * The HTTP session is about to end on purpose: until CometD is connected again (at most
   * `quietMs`), "reconnecting" is not shown. Returns the function that ends this early (the
   * sign-out failed).
   */
  expectEnd(quietMs = 15000): () => void {
    if (this.ending) clearTimeout(this.ending);
    const timer = setTimeout(() => {
      if (this.ending === timer) this.ending = undefined;
    }, quietMs);
    timer.unref?.();
    this.ending = timer;
    this.handshakesAtEnd = this.handshakes;
    return () => {
      if (this.ending !== timer) return;
      clearTimeout(timer);
      this.ending = undefined;
    };
  }

  /** The session's state as the notifications see it, with a sign-out's recovery kept quiet. */
  private setState(state: GwsStateName, reason?: string): void {
    if (this.ending && state === 'reconnecting') {
      this.host.log('debug', `after sign-out: ${reason ?? state}`);
      return;
    }
    // Connected again means on a new handshake: a long poll answered during the sign-out is not it.
    if (this.ending && (state === 'down' || (state === 'connected' && this.handshakes > this.handshakesAtEnd))) {
      clearTimeout(this.ending);
      this.ending = undefined;
    }
    this.host.setState(state, reason);
  }

  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Channels with listeners. */
  channels(): string[] {
    return [...this.listeners.keys()];
  }

  /** Listens to a channel (wildcards allowed); the CometD client starts with the first listener. */
  subscribe(channel: string, fn: NotificationListener): () => void {
    let set = this.listeners.get(channel);
    const fresh = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(fn);
    if (fresh && this.handshaken()) this.subscribeOne(channel);
    void this.start().catch((err: Error) => this.host.log('warn', `CometD start failed: ${err.message}`));
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
      if (this.listeners.size === 0) void this.stop();
    };
  }

  /** A handshake succeeded and holds: (un)subscribe now; otherwise the next handshake subscribes all. */
  private handshaken(): boolean {
    const c = this.cometd;
    if (!c || !c.getClientId()) return false;
    const status = c.getStatus();
    return status === 'connecting' || status === 'connected';
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
        if (!reply.successful) this.host.log('warn', `subscription to ${channel} refused: ${reply.error ?? 'no reason given'}`);
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
        this.host.log('warn', `notification listener failed: ${(err as Error).message}`);
      }
    }
  }

  private start(): Promise<void> {
    const host = this.host;
    if (this.cometd || host.closed() || this.listeners.size === 0) return Promise.resolve();
    this.starting ??= (async () => {
      const mods = await loadCometd();
      if (host.closed() || this.cometd || this.listeners.size === 0) return;
      const now = host.state();
      this.setState(now === 'connected' || now === 'idle' ? 'connecting' : now);
      const c = new mods.CometD(host.name);
      const o = host.options;
      c.unregisterTransports();
      c.registerTransport(
        'long-polling',
        sessionTransport(mods, {
          jar: host.jar,
          headers: () => ({ Authorization: host.authorization() }),
          transport: host.transport,
          maxAnswerBytes: o.maxAnswerBytes ?? DEFAULT_MAX_COMETD_ANSWER_BYTES,
          onOversized: (bytes, max) => host.log('warn', `a CometD answer of ${bytes} bytes is over the limit of ${max}: connecting again`),
        }) as unknown as Parameters<CometD['registerTransport']>[1],
      );
      c.configure({
        url: host.notificationsUrl,
        logLevel: 'warn',
        backoffIncrement: o.backoffIncrement ?? 1000,
        maxBackoff: o.maxBackoff ?? 60000,
        maxNetworkDelay: o.maxNetworkDelay ?? 10000,
      });
      // cometd warns on window.console (stdout); route it through this session's redacting log.
      (c as unknown as { _warn: (...args: unknown[]) => void })._warn = (...args: unknown[]) =>
        host.log('debug', `cometd: ${args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' ')}`);
      c.addListener('/meta/handshake', (m) => this.onHandshake(m));
      c.addListener('/meta/connect', (m) => this.onConnect(m));
      this.cometd = c;
      try {
        await host.open('notifications');
      } catch (err) {
        // The handshake below is denied without a session; recovery takes it from there.
        host.log('warn', `session for notifications: ${(err as Error).message}`);
      }
      if (host.closed() || this.cometd !== c) return;
      c.handshake();
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private onHandshake(m: Message): void {
    if (this.host.closed()) return;
    if (m.successful) {
      this.denied = 0;
      this.handshakes++;
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
    if (this.host.closed()) return;
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
    const host = this.host;
    if (host.closed() || this.recovering) return;
    this.recovering = true;
    const o = host.options;
    const first = o.deniedBackoffMs ?? 5000;
    const max = o.deniedBackoffMaxMs ?? 60000;
    const delay = this.denied >= 2 ? Math.min(max, first * 2 ** (this.denied - 2)) : 0;
    if (this.denied >= 2) this.setState('down', `${reason}; retrying in ${Math.round(delay / 1000)} s`);
    else this.setState('reconnecting', reason);
    host.log('debug', `${reason}: renewing the session in ${delay} ms`);
    this.recoverTimer = setTimeout(() => {
      this.recoverTimer = undefined;
      void (async () => {
        let established = false;
        try {
          established = await host.renew();
        } catch (err) {
          host.log('warn', `session renewal failed: ${(err as Error).message}`);
          this.denied++;
        } finally {
          this.recovering = false;
        }
        const c = this.cometd;
        if (host.closed() || !c) return;
        if (!established) {
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

  /**
   * Ends the CometD client: `/meta/disconnect` sent and its answer awaited (at most
   * `disconnectWaitMs`), then whatever is still in flight (the held long poll) aborted.
   */
  stop(): Promise<void> {
    const c = this.cometd;
    this.cometd = undefined;
    this.subscriptions.clear();
    this.unconfirmed.clear();
    if (this.recoverTimer) clearTimeout(this.recoverTimer);
    this.recoverTimer = undefined;
    this.recovering = false;
    if (!c) return Promise.all(this.stopping).then(() => undefined);
    c.clearListeners();
    const wait = this.host.options.disconnectWaitMs ?? 2000;
    const p = new Promise<void>((resolve) => {
      if (c.getStatus() === 'disconnected' || !c.getClientId()) return resolve();
      const timer = setTimeout(resolve, wait);
      c.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    }).then(() => {
      c.getTransport()?.abort();
      this.stopping.delete(p);
    });
    this.stopping.add(p);
    return Promise.all(this.stopping).then(() => undefined);
  }

  /** Stops notifications for good (the session closes). */
  close(): Promise<void> {
    this.listeners.clear();
    return this.stop();
  }
}
