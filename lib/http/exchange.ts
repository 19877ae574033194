/**
 * One request on undici's dispatcher, as a handler of undici's dispatch API: it knows whether
 * the request ever reached a socket (undici calls `onConnect` just before writing it), counts and
 * caps the answer's bytes, decodes it, and hands an event stream on as a Readable with an idle
 * timeout between chunks. What ends it early (deadline, cancel, close) comes from the transport.
 */
import { Readable, type Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { TooLarge, decodeAll, encodingOf, streamDecoder, type Encoding } from './decode';
import type { CancelSignal } from './cancel';
import type { Waiter } from './queue';

export type EndReason = 'timeout' | 'cancel' | 'close';

/** What the transport learns of an exchange's end. */
export interface Host {
  /** Undici is done with a request that held a connection slot. */
  release(x: Exchange): void;
  /** A request gave up while waiting for a slot. */
  leave(x: Exchange): void;
  /** An event stream ended (normally or not). */
  streamEnded(x: Exchange): void;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  text: string;
  stream?: Readable;
}

const EMPTY = Buffer.alloc(0);

export class Exchange implements Waiter, Dispatcher.DispatchHandler {
  queued = false;
  /** Undici began writing the request (before that, nothing of it left this process). */
  sent = false;
  /** Held a connection slot (undici was given the request). */
  dispatched = false;
  why: EndReason | undefined;
  /** The answer passed `maxResponseBytes` (raw or decoded). */
  tooLarge = false;
  stream: Readable | undefined;
  private abortWire: ((err?: Error) => void) | undefined;
  private settled = false;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private onCancel: (() => void) | undefined;
  private signal: CancelSignal | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private setCookie: string[] = [];
  private encoding: Encoding | undefined;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private resumeWire: (() => void) | undefined;
  private paused = false;
  private decoder: Transform | undefined;
  resolve!: (r: Reply) => void;
  reject!: (err: Error) => void;

  constructor(
    private readonly host: Host,
    private readonly dispatcher: Dispatcher,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly limit: number,
    private readonly streaming: boolean,
    private readonly idleMs: number,
  ) {}

  /** Arms the deadline and the cancel signal; false when the request is already cancelled. */
  watch(timeoutMs: number, signal: CancelSignal | undefined): boolean {
    if (signal) {
      if (signal.aborted) return false;
      this.signal = signal;
      this.onCancel = (): void => this.end('cancel');
      signal.addEventListener('abort', this.onCancel, { once: true });
    }
    if (timeoutMs > 0) this.timer = setTimeout(deadline, timeoutMs, this);
    return true;
  }

  /** It holds a connection slot (or needs none): hand it to undici. */
  go(): void {
    this.dispatched = true;
    this.dispatcher.dispatch(this.opts, this);
  }

  /** Ends the request early: it fails at once; on the wire, its connection is cut. */
  end(why: EndReason): void {
    if (this.stream) {
      // close() ends an event stream cleanly (no error), as the reader ending it would.
      if (why === 'close') this.stream.destroy();
      return;
    }
    if (this.settled) return;
    this.why = why;
    const err = new Error(`request ended (${why})`);
    this.fail(err);
    if (this.queued) this.host.leave(this);
    else if (this.abortWire) this.abortWire(err);
    // Dispatched but not yet on a socket: onConnect aborts it before anything is written.
  }

  // ---- undici's handler ----------------------------------------------------------------

  onConnect(abort: (err?: Error) => void): void {
    this.abortWire = abort;
    if (this.why) abort(new Error(`request ended (${this.why})`));
    else this.sent = true;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    this.status = status;
    const headers = this.headers;
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i].toString('latin1').toLowerCase();
      const v = raw[i + 1].toString('latin1');
      if (k === 'set-cookie') this.setCookie.push(v);
      headers[k] = Object.prototype.hasOwnProperty.call(headers, k) ? `${headers[k]}, ${v}` : v;
    }
    const enc = status === 204 || status === 304 || this.opts.method === 'HEAD' ? undefined : encodingOf(headers['content-encoding']);
    if (enc) {
      this.encoding = enc;
      delete headers['content-encoding'];
    }
    if (this.streaming) {
      this.resumeWire = resume;
      this.openStream();
      return true;
    }
    // Raw bytes are capped too (a decoded answer is never smaller than its encoding, in practice).
    if (Number(headers['content-length']) > this.limit) this.capped();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.stream) return this.streamData(chunk);
    if (this.settled) return true;
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.capped();
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish();
    if (this.stream) {
      if (this.decoder) this.decoder.end();
      else this.stream.push(null);
      return;
    }
    if (this.settled) return;
    const chunks = this.chunks;
    this.chunks = [];
    let body = chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, this.bytes);
    if (this.encoding) {
      try {
        body = decodeAll(body, this.encoding, this.limit);
      } catch (err) {
        if (err instanceof TooLarge) this.tooLarge = true;
        this.fail(err as Error);
        return;
      }
    }
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, setCookie: this.setCookie, text: body.toString('utf8') });
  }

  onError(err: Error): void {
    this.finish();
    if (this.stream) this.stream.destroy(err);
    else this.fail(err);
  }

  // ---- event streams -------------------------------------------------------------------

  private openStream(): void {
    const self = this;
    const stream = new Readable({
      read(): void {
        self.flowing();
      },
      destroy(err, cb): void {
        self.streamClosed();
        cb(err);
      },
    });
    this.stream = stream;
    if (this.idleMs > 0) this.idle = setTimeout(idleOut, this.idleMs, this);
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, setCookie: this.setCookie, text: '', stream });
  }

  private streamData(chunk: Buffer): boolean {
    const stream = this.stream as Readable;
    if (stream.destroyed) return false;
    this.idle?.refresh();
    if (this.encoding) {
      const d = (this.decoder ??= this.makeDecoder(chunk[0]));
      if (d.write(chunk)) return true;
      this.paused = true;
      d.once('drain', () => this.flowing());
      return false;
    }
    if (stream.push(chunk)) return true;
    this.paused = true;
    return false;
  }

  private makeDecoder(firstByte: number): Transform {
    const d = streamDecoder(this.encoding as Encoding, firstByte);
    const stream = this.stream as Readable;
    d.on('data', (out: Buffer) => {
      if (!stream.push(out)) d.pause();
    });
    d.once('end', () => stream.push(null));
    d.once('error', (err) => stream.destroy(err));
    return d;
  }

  /** The reader wants more: let the decoder and the socket go on. */
  private flowing(): void {
    this.decoder?.resume();
    if (this.paused && !(this.decoder && this.decoder.writableNeedDrain)) {
      this.paused = false;
      this.resumeWire?.();
    }
  }

  /** The stream was destroyed (by its reader, idle timeout, close or an error): cut the request. */
  private streamClosed(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    this.decoder?.destroy();
    if (!this.finished) this.abortWire?.(new Error('the stream was closed'));
    this.host.streamEnded(this);
  }

  idleExpired(): void {
    this.stream?.destroy(Object.assign(new Error(`no data for ${this.idleMs} ms (idleTimeout): the stream was ended`), { code: 'ETIMEDOUT' }));
  }

  // ---- ends ----------------------------------------------------------------------------

  private capped(): void {
    this.tooLarge = true;
    const err = new TooLarge(this.limit);
    this.fail(err);
    // Stop reading: the connection is cut rather than drained.
    this.abortWire?.(err);
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.chunks = [];
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.onCancel) this.signal?.removeEventListener('abort', this.onCancel);
  }

  /** Undici is done with the request: its connection slot is free. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.streaming && this.dispatched) this.host.release(this);
  }
}

function deadline(x: Exchange): void {
  x.end('timeout');
}

function idleOut(x: Exchange): void {
  x.idleExpired();
}
