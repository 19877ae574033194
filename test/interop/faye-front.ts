/**
 * A GWS front for the interop tests: Faye's Bayeux server (faye.NodeAdapter, written by others)
 * mounted at `/api/v2/notifications`, every other path proxied to a started GWS simulator (which
 * knows nothing of Faye). A server extension records the Bayeux messages that came over HTTP
 * (handshakes, subscriptions, disconnects). The listener can be closed and opened again on the
 * same port, keeping Faye's engine (clients and their queues) or starting a fresh one.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

interface FayeMessage {
  channel: string;
  clientId?: string;
  subscription?: string;
  successful?: boolean;
  error?: string;
  [k: string]: unknown;
}
type Next = (m: FayeMessage) => void;
interface FayeExtension {
  incoming?(message: FayeMessage, request: http.IncomingMessage | undefined, callback: Next): void;
  outgoing?(message: FayeMessage, request: http.IncomingMessage | undefined, callback: Next): void;
}
interface FayePublication {
  then(ok: () => void, fail: (e: unknown) => void): void;
}
interface FayeAdapter {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  check(req: http.IncomingMessage): boolean;
  addExtension(e: FayeExtension): void;
  getClient(): { publish(channel: string, data: unknown): FayePublication; disconnect(): void };
  close(): void;
}
export interface FayeClient {
  subscribe(channel: string, fn: (data: unknown) => void): FayePublication & { cancel(): void };
  disconnect(): FayePublication | void;
  disable(feature: string): void;
  addExtension(e: FayeExtension): void;
  _dispatcher: { cookies: { setCookieSync(cookie: string, url: string): void } };
}
export const faye = require('faye') as {
  NodeAdapter: new (o: { mount: string; timeout?: number }) => FayeAdapter;
  Client: new (url: string, o?: Record<string, unknown>) => FayeClient;
};

export const MOUNT = '/api/v2/notifications';

/** A Bayeux message seen by Faye over HTTP, in order. */
export interface Seen {
  dir: 'in' | 'out';
  channel: string;
  clientId?: string;
  subscription?: string;
  successful?: boolean;
  error?: string;
}

export class FayeFront {
  readonly seen: Seen[] = [];
  private adapter!: FayeAdapter;
  private server: http.Server;
  port = 0;

  private constructor(
    private simUrl: string,
    private timeoutS: number,
  ) {
    this.server = http.createServer((req, res) => this.route(req, res));
    this.fresh();
  }

  static async start(simUrl: string, timeoutS = 2): Promise<FayeFront> {
    const f = new FayeFront(simUrl, timeoutS);
    await f.listen();
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A new Faye server (its engine knows no client), recording what arrives over HTTP. */
  fresh(): void {
    if (this.adapter) this.retire(this.adapter);
    this.adapter = new faye.NodeAdapter({ mount: MOUNT, timeout: this.timeoutS });
    const note = (dir: 'in' | 'out', m: FayeMessage, req: http.IncomingMessage | undefined): void => {
      if (!req || !m.channel.startsWith('/meta/')) return; // Faye's own in-process publisher
      const s: Seen = { dir, channel: m.channel };
      for (const k of ['clientId', 'subscription', 'successful', 'error'] as const) if (m[k] !== undefined) (s as unknown as Record<string, unknown>)[k] = m[k];
      this.seen.push(s);
    };
    this.adapter.addExtension({
      incoming: (m, req, next) => {
        note('in', m, req);
        next(m);
      },
      outgoing: (m, req, next) => {
        note('out', m, req);
        next(m);
      },
    });
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The mount and every path under it (cometd appends /handshake, /connect...): Faye's own test.
    if (this.adapter.check(req)) return this.adapter.handle(req, res);
    const target = new URL(req.url ?? '/', this.simUrl);
    const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Closes the listener and every open connection (held long polls included). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Publishes through Faye's server-side client, one after the other (each acknowledged). */
  async publish(channel: string, datas: unknown[]): Promise<void> {
    const c = this.adapter.getClient();
    for (const d of datas) await new Promise<void>((ok, fail) => c.publish(channel, d).then(ok, fail));
  }

  /** The ids of the clients whose subscription to `channel` Faye confirmed, in order. */
  subscribed(channel: string): string[] {
    return this.seen
      .filter((s) => s.dir === 'out' && s.channel === '/meta/subscribe' && s.successful && s.subscription === channel)
      .map((s) => String(s.clientId));
  }

  /** The client ids of every `/meta/disconnect` Faye received, in order. */
  disconnects(): string[] {
    return this.seen.filter((s) => s.dir === 'in' && s.channel === '/meta/disconnect').map((s) => String(s.clientId));
  }

  /** Ends a Faye server and its in-process publisher (whose session timers would keep the process alive). */
  private retire(a: FayeAdapter): void {
    a.getClient().disconnect();
    a.close();
  }

  async close(): Promise<void> {
    this.retire(this.adapter);
    if (this.server.listening) await this.stop();
  }
}
