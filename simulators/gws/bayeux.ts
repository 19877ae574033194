/**
 * A small CometD (Bayeux 1.0) long-polling server, as GWS 8.5 runs it on
 * `/api/v2/notifications` (docs/vendors/gws.md §4): handshake, connect with a held long poll,
 * subscribe, unsubscribe, disconnect, advice, clientId checks, and a sweep that drops
 * clients that stop polling. Written from the Bayeux specification; no library.
 *
 * The server does not know HTTP sessions itself: the caller passes the session id the
 * request belongs to (or '' when it has none) and a predicate telling whether a session
 * id is still alive, so that a client whose HTTP session ended gets `402::Unknown client`.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';

export interface BayeuxMessage {
  id?: string;
  channel?: string;
  clientId?: string;
  subscription?: string | string[];
  connectionType?: string;
  supportedConnectionTypes?: string[];
  version?: string;
  minimumVersion?: string;
  data?: unknown;
  advice?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface BayeuxOptions {
  /** How long a connect is held when nothing is queued (ms). GWS: 30000. */
  timeout?: number;
  /** Extra time a client has to come back before it is dropped (ms). */
  maxInterval?: number;
}

interface Pending {
  res: http.ServerResponse;
  reply: BayeuxMessage;
  timer: NodeJS.Timeout;
  before: BayeuxMessage[];
}

export interface BayeuxClient {
  id: string;
  sessionId: string;
  user: string;
  subscriptions: Set<string>;
  queue: BayeuxMessage[];
  connects: number;
  lastSeen: number;
  pending?: Pending;
}

/** `/a/*` matches one segment, `/a/**` any number; otherwise exact. */
export function channelMatches(pattern: string, channel: string): boolean {
  if (pattern === channel) return true;
  if (pattern.endsWith('/**')) return channel.startsWith(pattern.slice(0, -2));
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -1);
    return channel.startsWith(base) && !channel.slice(base.length).includes('/');
  }
  return false;
}

export class BayeuxServer {
  readonly clients = new Map<string, BayeuxClient>();
  timeout: number;
  maxInterval: number;
  /** Scripted: answer the next N connects with `402::Unknown client` + handshake advice. */
  forceHandshake = 0;
  private sweeper: NodeJS.Timeout;

  constructor(
    private sessionAlive: (sessionId: string) => boolean,
    opts: BayeuxOptions = {},
  ) {
    this.timeout = opts.timeout ?? 30000;
    this.maxInterval = opts.maxInterval ?? 10000;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  private advice(): Record<string, unknown> {
    return { reconnect: 'retry', interval: 0, timeout: this.timeout };
  }

  /** Handles one HTTP request carrying a JSON array of Bayeux messages. */
  handle(body: string, sessionId: string, user: string, res: http.ServerResponse, send: (status: number, body: unknown) => void): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      send(400, [{ successful: false, error: '400::Invalid JSON' }]);
      return;
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as unknown[];
    if (messages.length === 0 || messages.some((m) => typeof m !== 'object' || m === null || Array.isArray(m))) {
      send(400, [{ successful: false, error: '400::Invalid message' }]);
      return;
    }
    const replies: BayeuxMessage[] = [];
    let connect: { client: BayeuxClient; reply: BayeuxMessage } | undefined;
    for (const raw of messages as BayeuxMessage[]) {
      const channel = typeof raw.channel === 'string' ? raw.channel : '';
      const base: BayeuxMessage = { channel };
      if (raw.id !== undefined) base.id = raw.id;
      if (channel === '/meta/handshake') {
        replies.push(this.handshake(raw, base, sessionId, user));
        continue;
      }
      const client = typeof raw.clientId === 'string' ? this.clients.get(raw.clientId) : undefined;
      if (!client || !this.sessionAlive(client.sessionId) || client.sessionId !== sessionId) {
        if (client && !this.sessionAlive(client.sessionId)) this.drop(client.id);
        replies.push({ ...base, successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } });
        continue;
      }
      client.lastSeen = Date.now();
      if (channel === '/meta/connect') {
        if (this.forceHandshake > 0) {
          this.forceHandshake--;
          this.drop(client.id);
          replies.push({ ...base, successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } });
          continue;
        }
        if (raw.connectionType !== 'long-polling') {
          replies.push({ ...base, successful: false, error: `400::Unsupported connection type ${String(raw.connectionType)}` });
          continue;
        }
        connect = { client, reply: { ...base, successful: true, advice: this.advice() } };
      } else if (channel === '/meta/subscribe' || channel === '/meta/unsubscribe') {
        replies.push(this.subscribe(client, raw, base, channel === '/meta/subscribe'));
      } else if (channel === '/meta/disconnect') {
        this.drop(client.id);
        replies.push({ ...base, successful: true });
      } else if (channel.startsWith('/meta/') || channel === '') {
        replies.push({ ...base, successful: false, error: `400::Unknown meta channel ${channel}` });
      } else {
        // Clients only listen on GWS; publishing is refused.
        replies.push({ ...base, successful: false, error: '403::Publish denied' });
      }
    }
    if (!connect) {
      send(200, replies);
      return;
    }
    const { client, reply } = connect;
    client.connects++;
    // One outstanding connect per client: an older held one is answered now.
    if (client.pending) this.flush(client);
    if (client.connects === 1 || client.queue.length > 0 || replies.length > 0) {
      const out = [...replies, ...client.queue.splice(0), reply];
      send(200, out);
      return;
    }
    const timer = setTimeout(() => this.flush(client), this.timeout);
    client.pending = { res, reply, timer, before: replies };
    res.on('close', () => {
      if (client.pending && client.pending.res === res) {
        clearTimeout(client.pending.timer);
        client.pending = undefined;
      }
    });
  }

  private handshake(raw: BayeuxMessage, base: BayeuxMessage, sessionId: string, user: string): BayeuxMessage {
    if (!sessionId) return { ...base, successful: false, error: '403::Handshake denied', advice: { reconnect: 'none' } };
    const types = Array.isArray(raw.supportedConnectionTypes) ? raw.supportedConnectionTypes : [];
    if (!types.includes('long-polling')) {
      return { ...base, successful: false, error: '400::long-polling required', supportedConnectionTypes: ['long-polling'], advice: { reconnect: 'none' } };
    }
    const id = crypto.randomBytes(12).toString('base64url').toLowerCase();
    this.clients.set(id, { id, sessionId, user, subscriptions: new Set(), queue: [], connects: 0, lastSeen: Date.now() });
    return { ...base, successful: true, version: '1.0', clientId: id, supportedConnectionTypes: ['long-polling'], advice: this.advice() };
  }

  private subscribe(client: BayeuxClient, raw: BayeuxMessage, base: BayeuxMessage, add: boolean): BayeuxMessage {
    const subs = Array.isArray(raw.subscription) ? raw.subscription : [raw.subscription];
    const reply: BayeuxMessage = { ...base, subscription: raw.subscription };
    for (const s of subs) {
      if (typeof s !== 'string' || !s.startsWith('/') || s.startsWith('/meta/') || s.startsWith('/service/')) {
        return { ...reply, successful: false, error: `403::Subscription denied ${String(s)}` };
      }
    }
    for (const s of subs as string[]) {
      if (add) client.subscriptions.add(s);
      else client.subscriptions.delete(s);
    }
    return { ...reply, successful: true };
  }

  /** Queues a data message for every client of `user` subscribed to a matching channel. */
  publish(user: string, channel: string, data: unknown): number {
    let n = 0;
    for (const c of this.clients.values()) {
      if (c.user !== user || !this.sessionAlive(c.sessionId)) continue;
      if (![...c.subscriptions].some((p) => channelMatches(p, channel))) continue;
      c.queue.push({ channel, data });
      n++;
      if (c.pending) setImmediate(() => this.flush(c));
    }
    return n;
  }

  private flush(c: BayeuxClient): void {
    const p = c.pending;
    if (!p) return;
    c.pending = undefined;
    clearTimeout(p.timer);
    // A held connect whose socket dropped takes nothing: the queue waits for the next connect
    // (taking it first lost every message published just after the drop).
    if (p.res.writableEnded || p.res.destroyed || p.res.socket?.destroyed !== false) return;
    c.lastSeen = Date.now();
    const text = JSON.stringify([...p.before, ...c.queue.splice(0), p.reply]);
    p.res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    p.res.end(text);
  }

  drop(id: string): void {
    const c = this.clients.get(id);
    if (!c) return;
    this.clients.delete(id);
    if (c.pending) {
      // A held connect of a dropped client learns it must handshake again.
      const p = c.pending;
      c.pending = undefined;
      clearTimeout(p.timer);
      p.reply = { id: p.reply.id, channel: '/meta/connect', successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } };
      const text = JSON.stringify([...p.before, p.reply]);
      if (!p.res.writableEnded && !p.res.destroyed) {
        p.res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        p.res.end(text);
      }
    }
  }

  /** Drops every client of an HTTP session (session invalidated). */
  dropSession(sessionId: string): void {
    for (const c of [...this.clients.values()]) if (c.sessionId === sessionId) this.drop(c.id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of [...this.clients.values()]) {
      if (!this.sessionAlive(c.sessionId)) this.drop(c.id);
      else if (!c.pending && now - c.lastSeen > this.timeout + this.maxInterval) this.drop(c.id);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const c of this.clients.values()) if (c.pending) clearTimeout(c.pending.timer);
    this.clients.clear();
  }
}
