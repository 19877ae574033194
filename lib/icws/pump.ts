/**
 * The message pump of one ICWS session (docs/vendors/icws.md 4, 5): short polling (a poll 1 s after
 * each answer, never two at once) or one server-sent-events stream, chosen by the `messaging`
 * feature version.
 *
 * What ends the session and what does not: only a 401, a 503 (switchover) or a
 * connectionStateChange "down" message (seen by the session) means the server session is gone.
 * A poll or a stream that fails at the network (reset, timeout, refused) or answers another
 * status (500, 502, 504, …) is repeated on the SAME session with backoff: the server keeps the
 * session and its queue, so nothing queued is lost. A stream that ends, goes silent past
 * `streamIdleMs` or exceeds the SSE bounds is reopened on the same session with `Last-Event-ID`.
 * Event ids are opaque: no event is ever dropped by comparing ids.
 */
import type { Readable } from 'node:stream';
import { parseJsonOrText, type HttpResponse, type Transport } from '../http';
import { sessionHeaders, type Live } from './connect';
import { SseParser, type SseLimits } from './sse';

export interface PumpHost {
  readonly transport: Transport;
  readonly language: string;
  readonly pollIntervalMs: number;
  /** Waits between repeated failed polls / stream opens; the last repeats. */
  readonly backoffMs: number[];
  readonly streamIdleMs: number;
  readonly sseLimits: SseLimits;
  send(live: Live, operation: string, method: 'GET', rest: string): Promise<HttpResponse>;
  /** A message the server delivered. */
  dispatch(live: Live, m: unknown): void;
  /** The server session is gone (401, 503). */
  lost(live: Live, reason: string): void;
  warn(text: string): void;
}

const gone = (status: number): boolean => status === 401 || status === 503;

export function startMessages(h: PumpHost, live: Live): void {
  const run = live.messagingVersion >= 2 ? runSse(h, live) : runPoll(h, live);
  run.catch((err: unknown) => h.lost(live, (err as Error).message));
}

export function stopMessages(live: Live): void {
  live.stopped = true;
  if (live.pollTimer) clearTimeout(live.pollTimer);
  live.pollTimer = undefined;
  live.wake?.();
  live.stream?.destroy();
  live.stream = undefined;
}

function pause(live: Live, ms: number): Promise<void> {
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

/** Counts failures in a row on one session and waits the backoff step (warning once per streak). */
class Retry {
  failures = 0;
  constructor(
    private h: PumpHost,
    private what: string,
  ) {}
  async after(live: Live, problem: string): Promise<void> {
    const b = this.h.backoffMs;
    const wait = b[Math.min(this.failures, b.length - 1)];
    this.failures++;
    if (this.failures === 1) this.h.warn(`${problem}: ${this.what} again on the same session in ${wait} ms`);
    await pause(live, wait);
  }
  ok(): void {
    if (this.failures > 0) this.h.warn(`${this.what}: working again after ${this.failures} failed attempt(s), on the same session`);
    this.failures = 0;
  }
}

async function runPoll(h: PumpHost, live: Live): Promise<void> {
  const retry = new Retry(h, 'polling');
  while (!live.stopped) {
    let res: HttpResponse | undefined;
    let problem: string | undefined;
    try {
      res = await h.send(live, 'messages', 'GET', 'messaging/messages');
    } catch (err) {
      problem = `polling failed: ${(err as Error).message}`;
    }
    if (res && res.status === 200) {
      retry.ok();
      // Delivered by the server: dispatch even if the session was stopped meanwhile.
      const list = parseJsonOrText(res.text);
      if (Array.isArray(list)) for (const m of list) h.dispatch(live, m);
      if (live.stopped) return;
      await pause(live, h.pollIntervalMs);
      continue;
    }
    if (live.stopped) return;
    if (res && gone(res.status)) {
      h.lost(live, `polling answered HTTP ${res.status}`);
      return;
    }
    await retry.after(live, problem ?? `polling answered HTTP ${res?.status}`);
  }
}

async function runSse(h: PumpHost, live: Live): Promise<void> {
  const retry = new Retry(h, 'opening the message stream');
  let quickEnds = 0;
  while (!live.stopped) {
    const headers = sessionHeaders(live, h.language, 'text/event-stream');
    if (live.lastEventId) headers['Last-Event-ID'] = live.lastEventId;
    let res: HttpResponse | undefined;
    let problem: string | undefined;
    try {
      res = await h.transport.request({
        operation: 'messages',
        method: 'GET',
        baseUrl: live.base,
        path: `/icws/${live.id}/messaging/messages`,
        headers,
        stream: true,
        idleTimeout: h.streamIdleMs,
      });
    } catch (err) {
      problem = `message stream failed: ${(err as Error).message}`;
    }
    const stream = res?.stream;
    if (live.stopped) {
      stream?.destroy();
      return;
    }
    if (res && gone(res.status)) {
      stream?.destroy();
      h.lost(live, `message stream answered HTTP ${res.status}`);
      return;
    }
    if (!res || res.status !== 200 || !stream) {
      stream?.destroy();
      await retry.after(live, problem ?? `message stream answered HTTP ${res?.status}`);
      continue;
    }
    retry.ok();
    const started = Date.now();
    if (!/event-stream/i.test(res.headers['content-type'] ?? '')) {
      // The server ignored the SSE request and answered the poll's JSON array: poll instead.
      const list = parseJsonOrText(await readAll(stream));
      if (Array.isArray(list)) for (const m of list) h.dispatch(live, m);
      live.messagingVersion = 1;
      return runPoll(h, live);
    }
    live.stream = stream;
    await consume(h, live, stream);
    live.stream = undefined;
    if (live.stopped) return;
    // The stream ended: reopen it (a 401 then tells us the session is gone). A server that
    // keeps ending streams at once gets a pause instead of a tight loop.
    quickEnds = Date.now() - started < 1000 ? quickEnds + 1 : 0;
    if (quickEnds > 1) await pause(live, h.backoffMs[Math.min(quickEnds - 2, h.backoffMs.length - 1)]);
  }
}

function consume(h: PumpHost, live: Live, stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    const parser = new SseParser((e) => {
      // Opaque: remembered for Last-Event-ID, never compared.
      if (e.id !== undefined) live.lastEventId = e.id;
      let m: unknown;
      try {
        m = JSON.parse(e.data);
      } catch {
        h.warn('a message of the event stream is not JSON');
        return;
      }
      h.dispatch(live, m);
    }, h.sseLimits);
    // Silence is watched by the transport (idleTimeout): it ends the stream with ETIMEDOUT.
    stream.on('data', (chunk: Buffer | string) => {
      const over = parser.push(chunk);
      if (over) {
        h.warn(`${over}: reopening the message stream`);
        stream.destroy();
      }
    });
    const done = (): void => {
      stream.removeAllListeners('data');
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ETIMEDOUT') h.warn(`the message stream was silent for ${h.streamIdleMs} ms: reopening it`);
      done();
    });
  });
}

/** A JSON answer where a stream was asked for (bounded: 4 MiB). */
function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => {
      text += c;
      if (text.length > 4 * 1024 * 1024) {
        text = '';
        stream.destroy();
      }
    });
    stream.once('end', () => resolve(text));
    stream.once('close', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}
