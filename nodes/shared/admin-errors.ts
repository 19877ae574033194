/**
 * The package's admin routes (`<httpAdminRoot>/cc-glue/...`) answer JSON, never Express's HTML
 * error page: a body the admin app's JSON parser refuses (bad JSON, over its size limit, a bad
 * charset) gets `{ok:false, code:"INVALID_INPUT", message}` with a 400 (413 for the size).
 */
import type { ServerResponse } from 'node:http';

type ParserError = { type?: unknown; status?: unknown; statusCode?: unknown };
type Req = { originalUrl?: string; url?: string };
type App = { use(fn: unknown): void; parent?: unknown };

const guarded = new WeakSet<object>();

export function guardAdminRoutes(runtimeAdmin: App, settings: Record<string, unknown>): void {
  // Errors of the editor API's parser never enter the runtime's mounted admin app: use its parent.
  const parent = runtimeAdmin.parent as { use?: unknown } | undefined;
  const admin = parent && typeof parent.use === 'function' ? (parent as App) : runtimeAdmin;
  if (guarded.has(admin)) return;
  guarded.add(admin);
  const root = String(settings.httpAdminRoot ?? '/').replace(/\/+$/, '');
  admin.use((err: ParserError, req: Req, res: ServerResponse, next: (e?: unknown) => void): void => {
    const full = (req.originalUrl ?? req.url ?? '/').split('?')[0];
    if (!full.startsWith(`${root}/cc-glue/`)) return next(err);
    if (res.headersSent) return next(err);
    const type = typeof err?.type === 'string' ? err.type : '';
    const status =
      type === 'entity.too.large' ? 413 : Number(err?.status ?? err?.statusCode) >= 400 && Number(err?.status ?? err?.statusCode) < 500 ? 400 : 500;
    const message =
      type === 'entity.too.large'
        ? 'the request body is too large'
        : type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : status === 400
            ? 'the request body could not be read'
            : 'the request failed';
    const text = JSON.stringify({ ok: false, code: status === 500 ? 'VENDOR_ERROR' : 'INVALID_INPUT', message });
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
}
