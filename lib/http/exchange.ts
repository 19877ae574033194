/**
 * One request/answer exchange on an undici dispatcher, driven by a dispatch handler (no
 * body stream object per request): the answer's bytes are counted as they arrive and the
 * request is ended at the byte cap; the body is decoded (capped) once complete, or handed on
 * as a Readable for event streams, with backpressure through undici's pause/resume.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ACCEPT_ENCODING, codingOf, decodeBody, streamDecoder, TooLarge } from './decode';
import type { HttpRequest } from './transport';

const USER_AGENT = 'node-red-contact-center';

/** Where a request goes, parsed once per URL. */
export interface Target {
  origin: string;
  path: string;
  /** `Basic …` from credentials in the URL, if any. */
  auth: string | undefined;
}

export interface Exchanged {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  text: string;
  stream?: Readable;
}

export interface ExchangeSpec {
  dispatcher: Dispatcher;
  options: Dispatcher.DispatchOptions;
  /** Largest body in bytes, before and after decoding. */
  max: number;
  stream: boolean;
}

type Controller = Dispatcher.DispatchController;

/** The handler of one exchange; `abort()` ends it from outside (timeout, cancel, close). */
export class Exchange implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  private ended: Error | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private setCookie: string[] = [];
  private coding: string | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private body: Readable | undefined;
  private resolve!: (r: Exchanged) => void;
  private reject!: (e: Error) => void;
  /** True once the answer's headers arrived (the request was certainly sent). */
  answered = false;
  readonly done: Promise<Exchanged>;

  constructor(private readonly spec: ExchangeSpec) {
    this.done = new Promise<Exchanged>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    try {
      spec.dispatcher.dispatch(spec.options, this);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  abort(err: Error): void {
    if (this.ended) return;
    this.ended = err;
    if (this.controller && !this.controller.aborted) this.controller.abort(err);
    this.fail(err);
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.ended) controller.abort(this.ended);
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.answered = true;
    this.status = status;
    const out = this.headers;
    for (const k in headers) {
      const v = headers[k];
      if (v === undefined) continue;
      // undici hands the names in lower case.
      const name = k;
      if (name === 'set-cookie') this.setCookie = Array.isArray(v) ? v : [v];
      out[name] = Array.isArray(v) ? v.join(', ') : v;
    }
    const empty = status === 204 || status === 304 || this.spec.options.method === 'HEAD';
    this.coding = empty ? undefined : codingOf(headers['content-encoding']);
    if (this.coding) delete out['content-encoding'];
    if (this.spec.stream) {
      const body = new Readable({
        read: () => {
          if (this.controller?.paused) this.controller.resume();
        },
        destroy: (err, cb) => {
          if (!this.ended) {
            this.ended = err ?? new Error('stream closed');
            if (!controller.aborted) controller.abort(this.ended);
          }
          cb(err);
        },
      });
      this.body = body;
      let stream: Readable = body;
      if (this.coding) {
        const decoder = streamDecoder(this.coding);
        body.on('error', (e) => decoder.destroy(e));
        decoder.on('close', () => body.destroy());
        stream = body.pipe(decoder);
      }
      this.resolve({ status, headers: out, setCookie: this.setCookie, text: '', stream });
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.ended) return;
    if (this.body) {
      if (!this.body.push(chunk)) controller.pause();
      return;
    }
    this.size += chunk.length;
    if (this.size > this.spec.max) {
      this.abort(new TooLarge(`answer larger than ${this.spec.max} bytes`));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.ended) return;
    if (this.body) {
      this.body.push(null);
      return;
    }
    const raw = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    const answer = (buf: Buffer): void => {
      if (this.ended) return;
      this.ended = new Error('done');
      this.resolve({ status: this.status, headers: this.headers, setCookie: this.setCookie, text: buf.toString('utf8') });
    };
    if (!this.coding) return answer(raw);
    decodeBody(this.coding, raw, this.spec.max).then(answer, (err: Error) => this.fail(err));
  }

  onResponseError(_controller: Controller, err: Error): void {
    if ((err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT') {
      err = Object.assign(new Error(`event stream idle for more than ${this.spec.options.bodyTimeout} ms`), { code: 'STREAM_IDLE' });
    }
    if (this.body) {
      this.ended ??= err;
      this.body.destroy(err);
      return;
    }
    this.fail(err);
  }

  private fail(err: Error): void {
    this.ended ??= err;
    this.chunks = [];
    this.reject(err);
  }
}

/** undici's dispatch options: the headers axios and browsers send by default, no redirects followed. */
export function dispatchOptions(target: Target, req: HttpRequest, timeoutMs: number): Dispatcher.DispatchOptions {
  const headers: string[] = [];
  let accept = false;
  let userAgent = false;
  let encoding = false;
  let contentType = false;
  let authorization = false;
  const given = req.headers;
  if (given) {
    for (const k in given) {
      const v = given[k];
      if (v === undefined || v === null) continue;
      headers.push(k, v);
      switch (k.toLowerCase()) {
        case 'accept':
          accept = true;
          break;
        case 'user-agent':
          userAgent = true;
          break;
        case 'accept-encoding':
          encoding = true;
          break;
        case 'content-type':
          contentType = true;
          break;
        case 'authorization':
          authorization = true;
          break;
      }
    }
  }
  if (!accept) headers.push('accept', 'application/json, text/plain, */*');
  if (!userAgent) headers.push('user-agent', USER_AGENT);
  if (!encoding) headers.push('accept-encoding', ACCEPT_ENCODING);
  if (target.auth && !authorization) headers.push('authorization', target.auth);
  if (req.body !== undefined && !contentType) headers.push('content-type', 'application/x-www-form-urlencoded');
  const options: Dispatcher.DispatchOptions = { origin: target.origin, path: target.path, method: req.method, headers, body: req.body ?? null };
  if (req.stream) {
    options.headersTimeout = timeoutMs > 0 ? timeoutMs : 0;
    options.bodyTimeout = req.idleTimeout && req.idleTimeout > 0 ? req.idleTimeout : 0;
  } else {
    // The deadline above ends the exchange; undici's own timers stay out of the way.
    options.headersTimeout = 0;
    options.bodyTimeout = 0;
  }
  return options;
}
