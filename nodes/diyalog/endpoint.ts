/**
 * The HTTP side of `diyalog-interaction-in`: one dispatcher per Node-RED HTTP node app
 * (`RED.httpNode`, so httpNodeRoot and httpNodeAuth apply; httpNodeMiddleware is applied here
 * as core `http in` does), mounted once, with a map from base path to endpoint. A node adds
 * its endpoint on start and removes it on close, so a redeploy never leaves a stale route
 * and no Express stack surgery is needed. Each endpoint keeps its pending responses in a map
 * keyed by a request id that the msg carries; `respond()` answers exactly that request, once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  MAX_INBOUND_BODY,
  RESPONSE_CONTENT_TYPE,
  failureEnvelope,
  interactionIdFromSegment,
  normaliseCreateInteraction,
  parseCreateInteraction,
  type TokenCheck,
} from '../../lib/diyalog';

export type InteractionKind = 'create' | 'delete';

/** What a msg from `diyalog-interaction-in` carries so the response node can answer it. */
export interface Carrier {
  node: string;
  request: number;
  kind: InteractionKind;
}

export const CARRIER = '_diyalog';

export function isCarrier(v: unknown): v is Carrier {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return typeof c.node === 'string' && typeof c.request === 'number' && (c.kind === 'create' || c.kind === 'delete');
}

type Req = IncomingMessage & { path?: string; body?: unknown; _body?: boolean };
type Next = (err?: unknown) => void;
export type Middleware = (req: Req, res: ServerResponse, next: Next) => void;

export function write(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': RESPONSE_CONTENT_TYPE, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const UNAUTHORIZED = failureEnvelope('Auth-Token header is missing or wrong');
const NO_ROUTE = failureEnvelope('no such route; use <path>/CreateInteraction or <path>/<interactionId>');
const TOO_LARGE = failureEnvelope(`request body is larger than ${MAX_INBOUND_BODY / 1024} KB`);

interface Pending {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export interface EndpointOptions {
  nodeId: string;
  base: string;
  responseTimeout: number;
  token: TokenCheck | null;
  /** Hands a parsed request to the flow. */
  emit(kind: InteractionKind, payload: Record<string, unknown>, request: number): void;
  /** Called when a request is accepted, answered, or not answered in time (for the status). */
  onChange?(event: 'accept' | 'answer' | 'timeout' | 'reject', status?: number): void;
}

export class Endpoint {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly timeoutText: string;
  private closed = false;

  constructor(readonly opts: EndpointOptions) {
    this.timeoutText = failureEnvelope(`no answer from the flow within ${opts.responseTimeout} ms`);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** `segment` is what follows `<base>/` ('' for the base itself). */
  handle(req: Req, res: ServerResponse, segment: string): void {
    if (this.closed) return write(res, 503, failureEnvelope('the endpoint is stopping'));
    if (this.opts.token && !this.opts.token.matches(req.headers['auth-token'])) return this.reject(res, 401, UNAUTHORIZED);
    if (segment === 'CreateInteraction') {
      if (req.method !== 'POST')
        return this.reject(res, 405, failureEnvelope(`method ${req.method ?? ''} is not allowed on CreateInteraction`), { Allow: 'POST' });
      return this.readCreate(req, res);
    }
    if (segment === '') {
      if (req.method === 'DELETE') return this.reject(res, 400, failureEnvelope('interaction id is empty'));
      return this.reject(res, 404, NO_ROUTE);
    }
    if (req.method !== 'DELETE')
      return this.reject(res, 405, failureEnvelope(`method ${req.method ?? ''} is not allowed on an interaction`), { Allow: 'DELETE' });
    const id = interactionIdFromSegment(segment);
    if (!id.ok) return this.reject(res, 400, failureEnvelope(id.message));
    this.accept('delete', { interactionId: id.value }, res);
  }

  /** A path deeper under the base: checked like any other request, then 404. */
  notFound(req: Req, res: ServerResponse): void {
    if (this.opts.token && !this.opts.token.matches(req.headers['auth-token'])) return this.reject(res, 401, UNAUTHORIZED);
    this.reject(res, 404, NO_ROUTE);
  }

  private readCreate(req: Req, res: ServerResponse): void {
    // A middleware (httpNodeMiddleware) may already have read the body.
    if (req._body === true || (req.body !== undefined && req.readableEnded)) {
      // Pre-read (by httpNodeMiddleware, or by the admin app's 5 MB JSON parser when
      // httpAdminRoot and httpNodeRoot share a prefix): the 100 KB limit still holds.
      if (Number(req.headers['content-length']) > MAX_INBOUND_BODY || approximateSize(req.body) > MAX_INBOUND_BODY) {
        return this.reject(res, 400, TOO_LARGE, { Connection: 'close' });
      }
      const b = req.body;
      const parsed =
        typeof b === 'string'
          ? parseCreateInteraction(b, req.headers['content-type'])
          : Buffer.isBuffer(b)
            ? parseCreateInteraction(b.toString('utf8'), req.headers['content-type'])
            : normaliseCreateInteraction(b);
      if (!parsed.ok) return this.reject(res, 400, failureEnvelope(parsed.message));
      return this.accept('create', parsed.value, res);
    }
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_INBOUND_BODY) {
      req.resume();
      return this.reject(res, 400, TOO_LARGE, { Connection: 'close' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > MAX_INBOUND_BODY) {
        refused = true;
        chunks.length = 0;
        this.reject(res, 400, TOO_LARGE, { Connection: 'close' });
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (refused) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const parsed = parseCreateInteraction(text, req.headers['content-type']);
      if (!parsed.ok) return this.reject(res, 400, failureEnvelope(parsed.message));
      this.accept('create', parsed.value, res);
    });
    req.on('error', () => {
      refused = true;
    });
  }

  private accept(kind: InteractionKind, payload: Record<string, unknown>, res: ServerResponse): void {
    const request = ++this.seq;
    const timer = setTimeout(this.expire, this.opts.responseTimeout, request);
    this.pending.set(request, { res, timer });
    this.opts.onChange?.('accept');
    try {
      this.opts.emit(kind, payload, request);
    } catch (err) {
      // Whatever the flow's send throws stays an answer of this request, never the process's.
      this.pending.delete(request);
      clearTimeout(timer);
      this.reject(res, 500, failureEnvelope(`the flow could not take the request: ${(err as Error)?.message ?? String(err)}`));
    }
  }

  private readonly expire = (request: number): void => {
    const p = this.pending.get(request);
    if (!p) return;
    this.pending.delete(request);
    write(p.res, 504, this.timeoutText);
    this.opts.onChange?.('timeout');
  };

  /** Answers a request the flow never sees (400/401/404/405) and reports it for the status. */
  private reject(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
    write(res, status, text, headers);
    this.opts.onChange?.('reject', status);
  }

  /** Answers one pending request; false when it was already answered or timed out. */
  respond(request: number, status: number, text: string): boolean {
    const p = this.pending.get(request);
    if (!p) return false;
    this.pending.delete(request);
    clearTimeout(p.timer);
    write(p.res, status, text);
    this.opts.onChange?.('answer');
    return true;
  }

  /** Releases every pending request (503) and its timer. */
  close(): void {
    this.closed = true;
    const text = failureEnvelope('the endpoint was stopped before the flow answered');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      write(p.res, 503, text);
    }
    this.pending.clear();
  }
}

function approximateSize(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  try {
    return Buffer.byteLength(JSON.stringify(body) ?? '');
  } catch {
    return Infinity;
  }
}

function pathOf(req: Req): string {
  if (typeof req.path === 'string') return req.path;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** One per HTTP node app: finds the endpoint of a request by its base path. */
export class Dispatcher {
  private readonly routes = new Map<string, Endpoint>();

  constructor(private readonly middleware: Middleware[]) {}

  add(ep: Endpoint): boolean {
    if (this.routes.has(ep.opts.base)) return false;
    this.routes.set(ep.opts.base, ep);
    return true;
  }

  remove(ep: Endpoint): void {
    if (this.routes.get(ep.opts.base) === ep) this.routes.delete(ep.opts.base);
  }

  owner(base: string): Endpoint | undefined {
    return this.routes.get(base);
  }

  /** True when `path` (relative to the HTTP node root) is served by an endpoint. */
  covers(path: string): boolean {
    if (this.routes.has(path)) return true;
    for (const base of this.routes.keys()) if (path.startsWith(base + '/')) return true;
    return false;
  }

  readonly handle = (req: Req, res: ServerResponse, next: Next): void => {
    if (this.routes.size === 0) return next();
    const path = pathOf(req);
    let ep = this.routes.get(path);
    let segment = '';
    if (!ep) {
      const slash = path.lastIndexOf('/');
      ep = slash > 0 ? this.routes.get(path.slice(0, slash)) : undefined;
      segment = path.slice(slash + 1);
      if (!ep) {
        // Deeper paths under a base: a 404 envelope rather than someone else's route.
        for (const [base, e] of this.routes) {
          if (path.startsWith(base + '/')) return this.run(req, res, next, () => e.notFound(req, res));
        }
        return next();
      }
    }
    if (this.middleware.length === 0) return ep.handle(req, res, segment);
    const target = ep;
    this.run(req, res, next, () => target.handle(req, res, segment));
  };

  private run(req: Req, res: ServerResponse, next: Next, fn: () => void): void {
    const mw = this.middleware;
    if (mw.length === 0) return fn();
    let i = 0;
    const step = (err?: unknown): void => {
      // A middleware's failure (e.g. a body parser's) is answered in the envelope, not as HTML.
      if (err) return middlewareFailed(res, err);
      if (i >= mw.length) return fn();
      const m = mw[i++];
      try {
        m(req, res, step);
      } catch (e) {
        middlewareFailed(res, e);
      }
    };
    step();
  }
}

function middlewareFailed(res: ServerResponse, err: unknown): void {
  const e = err as ParserError;
  const type = typeof e?.type === 'string' ? e.type : '';
  const status = Number(e?.status);
  if (type === 'entity.too.large') return write(res, 400, TOO_LARGE, { Connection: 'close' });
  if (type === 'entity.parse.failed') return write(res, 400, failureEnvelope('the body is not valid JSON'));
  write(
    res,
    status >= 400 && status < 500 ? 400 : 500,
    failureEnvelope(status >= 400 && status < 500 ? 'the body could not be read' : 'the request could not be handled'),
  );
}

/** The dispatcher of an HTTP node app, mounted on first use. */
const dispatchers = new WeakMap<object, Dispatcher>();

export function dispatcherFor(app: { use(fn: unknown): void }, settings: Record<string, unknown>): Dispatcher {
  let d = dispatchers.get(app);
  if (!d) {
    const m = settings.httpNodeMiddleware;
    const list = typeof m === 'function' ? [m as Middleware] : Array.isArray(m) ? (m.filter((x) => typeof x === 'function') as Middleware[]) : [];
    d = new Dispatcher(list);
    app.use(d.handle);
    dispatchers.set(app, d);
  }
  return d;
}

/** `/diyalog/`, `diyalog` → `/diyalog`; null for an empty or root path. */
export function normaliseBase(path: unknown): string | null {
  if (typeof path !== 'string') return null;
  let p = path.trim();
  if (!p.startsWith('/')) p = '/' + p;
  p = p.replace(/\/+$/, '');
  if (p === '' || p === '/') return null;
  return p;
}

type ParserError = { type?: unknown; status?: unknown };

/**
 * Node-RED mounts the admin app, with its own JSON body parser, before the HTTP node app; when
 * httpAdminRoot is a prefix of httpNodeRoot (both `/` by default) that parser reads our requests
 * first and answers malformed or oversize bodies with its HTML error page. This error handler on
 * the admin app answers those for Diyalog endpoint paths with the documented envelope instead
 * (other paths keep Node-RED's answer).
 */
export function guardAdminParser(runtimeAdmin: { use(fn: unknown): void; parent?: unknown }, settings: Record<string, unknown>, dispatcher: Dispatcher): void {
  // Nodes see the runtime's admin app; the parser sits in the editor API's app that mounts it
  // (express sets `parent` on mount). Errors never enter a mounted sub-app, so the handler goes there.
  const parent = runtimeAdmin.parent as { use?: unknown } | undefined;
  const admin = parent && typeof parent.use === 'function' ? (parent as { use(fn: unknown): void }) : runtimeAdmin;
  if (guarded.has(admin)) return;
  guarded.add(admin);
  const root = String(settings.httpNodeRoot ?? '/').replace(/\/+$/, '');
  admin.use((err: ParserError, req: Req & { originalUrl?: string }, res: ServerResponse, next: Next): void => {
    const type = typeof err?.type === 'string' ? err.type : '';
    if (!/^(entity\.|encoding\.|charset\.|request\.)/.test(type)) return next(err);
    const full = (req.originalUrl ?? req.url ?? '/').split('?')[0];
    if (root && !full.startsWith(root + '/')) return next(err);
    if (!dispatcher.covers(root ? full.slice(root.length) : full)) return next(err);
    const text =
      type === 'entity.too.large'
        ? TOO_LARGE
        : type === 'entity.parse.failed'
          ? failureEnvelope('the body is not valid JSON')
          : failureEnvelope('the body could not be read');
    write(res, 400, text, type === 'entity.too.large' ? { Connection: 'close' } : undefined);
  });
}

const guarded = new WeakSet<object>();
