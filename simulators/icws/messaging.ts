/**
 * The ICWS simulator's message delivery (docs/vendors/icws.md 4): each session's queue, its
 * server-sent-events stream (`id:` per event, `:ping` comments, `Last-Event-ID` replay) and the
 * short poll that empties the queue. Written from docs/vendors/icws.md alone.
 */
import type * as http from 'node:http';
import { header, type SimRequest } from '../common';
import { send } from './auth';
import type { IcwsMessage } from './dialer';
import type { IcwsState, SimSession } from './state';

const MAX_QUEUE = 10000;
const MAX_DELIVERED = 2000;

export class Messaging {
  private readonly pingTimers = new Map<http.ServerResponse, NodeJS.Timeout>();

  constructor(private readonly st: IcwsState) {}

  /** A message for the session: written to its stream, or queued for the next stream or poll. */
  emit(s: SimSession, m: IcwsMessage): void {
    for (const res of s.streams) if (res.destroyed || res.writableEnded || res.socket?.destroyed) s.streams.delete(res);
    if (s.streams.size) {
      for (const res of s.streams) this.writeEvent(s, res, m);
      deliver(s, m);
      return;
    }
    s.queue.push(m);
    if (s.queue.length > MAX_QUEUE) s.queue.shift();
  }

  private writeEvent(s: SimSession, res: http.ServerResponse, m: IcwsMessage): void {
    const id = String(s.nextEventId++);
    s.sent.push({ id, m });
    if (s.sent.length > MAX_DELIVERED) s.sent.shift();
    res.write(`id: ${id}\ndata: ${JSON.stringify(m)}\n\n`);
  }

  /**
   * A reopened stream gets again every event written since the last one the client confirmed:
   * what follows its `Last-Event-ID`, or, without one (or with an id already confirmed or
   * unknown), every event not yet confirmed. An event written to a stream is held until a later
   * `Last-Event-ID` names it or an event after it: the stream may have been closing at the
   * client (a cut, an over-long line) while the server still wrote to it.
   */
  private replay(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    const last = header(req, 'last-event-id');
    const at = last ? s.sent.findIndex((e) => e.id === last) : -1;
    if (at >= 0) s.sent.splice(0, at + 1);
    for (const e of s.sent) {
      res.write(`id: ${e.id}\ndata: ${JSON.stringify(e.m)}\n\n`);
      s.replayed++;
    }
  }

  endStreams(s: SimSession): void {
    for (const res of s.streams) {
      clearInterval(this.pingTimers.get(res));
      this.pingTimers.delete(res);
      res.end();
    }
    s.streams.clear();
  }

  /** The session is gone: its streams end, its queue with it. */
  forget(s: SimSession): void {
    this.endStreams(s);
    this.st.sessions.delete(s.id);
  }

  /** `GET messaging/messages`: a stream when asked for and offered, else one poll. */
  messages(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    const wantsSse = header(req, 'accept').includes('text/event-stream');
    if (wantsSse && this.st.settings.messagingVersion >= 2) return this.openStream(s, req, res);
    s.polls++;
    // A poll whose client has gone (timed out, reset) takes nothing: the queue stays for the next.
    if (res.destroyed || res.socket?.destroyed || req.raw.socket.destroyed) return void res.destroy();
    const out = s.queue.splice(0);
    for (const m of out) deliver(s, m);
    send(res, { status: 200, body: out });
    if (s.doomed) this.forget(s);
  }

  private openStream(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    // One stream per session: a new one replaces the old.
    this.endStreams(s);
    s.streamsOpened++;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(':ping\n\n');
    s.streams.add(res);
    const timer = setInterval(() => res.write(':ping\n\n'), this.st.settings.pingMs);
    this.pingTimers.set(res, timer);
    // `res` closes when the client goes away (the request's own 'close' has fired already,
    // once its body was read).
    res.on('close', () => {
      clearInterval(timer);
      this.pingTimers.delete(res);
      s.streams.delete(res);
    });
    this.replay(s, req, res);
    const queued = s.queue.splice(0);
    for (const m of queued) {
      this.writeEvent(s, res, m);
      deliver(s, m);
    }
    if (s.doomed) this.forget(s);
  }

  /** Ends every session's streams and timers (the listener closes). */
  close(): void {
    for (const s of [...this.st.sessions.values()]) this.forget(s);
    for (const t of this.pingTimers.values()) clearInterval(t);
    this.pingTimers.clear();
  }
}

function deliver(s: SimSession, m: IcwsMessage): void {
  s.delivered.push(m);
  if (s.delivered.length > MAX_DELIVERED) s.delivered.shift();
}
