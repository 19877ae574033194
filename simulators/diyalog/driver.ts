/**
 * Role (a) of the Diyalog simulator: Diyalog's server as a *client* of a queueing service.
 * It sends CreateInteraction (either documented attachedData shape) and DELETE to an
 * endpoint (e.g. a flow's `diyalog-interaction-in`), as Diyalog would
 * (docs/vendors/diyalog.md 3.1, 3.2). Usable from code and from the command line:
 *
 *   node dist/simulators/diyalog/driver.js create --endpoint http://127.0.0.1:1880/diyalog \
 *        --customer CUS-77812 [--identity 10000000146] [--data ProcessType=VideoCall ...] [--shape array|object]
 *   node dist/simulators/diyalog/driver.js delete --endpoint http://127.0.0.1:1880/diyalog --id IX-1
 *
 * The Auth-Token is read from `--token` or, better (not visible in `ps`), `DIYALOG_AUTH_TOKEN`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { exchange } from '../common';

export type AttachedDataShape = 'array' | 'object';

export interface DriveCreateOptions {
  /** Queueing service base URL (the route is `<endpoint>/CreateInteraction`). */
  endpoint: string;
  customerId?: string | number;
  identityNumber?: string | number;
  /** Flat key/value pairs; sent in `shape`. */
  attachedData?: Record<string, unknown>;
  /** array (Diyalog's queueing-service document, default): `[{"k":"v"},…]`; object: `{"k":"v",…}`. */
  shape?: AttachedDataShape;
  /** Further top-level fields (e.g. `sessionId`). */
  extra?: Record<string, unknown>;
  /** Send this text as the body instead of building one (to drive error paths). */
  rawBody?: string;
  /** Content-Type header; `null` sends none. Diyalog does not document it; default application/json. */
  contentType?: string | null;
  authToken?: string;
  timeoutMs?: number;
}

export interface DriveDeleteOptions {
  endpoint: string;
  interactionId: string;
  authToken?: string;
  timeoutMs?: number;
}

export interface DriveResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  ms: number;
}

export function buildCreateBody(o: DriveCreateOptions): string {
  if (o.rawBody !== undefined) return o.rawBody;
  const body: Record<string, unknown> = {};
  if (o.identityNumber !== undefined) body.identityNumber = o.identityNumber;
  if (o.customerId !== undefined) body.customerId = o.customerId;
  const ad = o.attachedData ?? {};
  body.attachedData = (o.shape ?? 'array') === 'array' ? Object.entries(ad).map(([k, v]) => ({ [k]: v })) : { ...ad };
  Object.assign(body, o.extra ?? {});
  return JSON.stringify(body);
}

function join(base: string, segment: string): URL {
  const u = new URL(base);
  u.pathname = u.pathname.replace(/\/+$/, '') + '/' + segment;
  return u;
}

/** A driver with its own keep-alive connection pool (for load); `close()` releases it. */
export class DiyalogDriver {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  create(o: DriveCreateOptions): Promise<DriveResult> {
    const headers: Record<string, string> = {};
    const ct = o.contentType === undefined ? 'application/json' : o.contentType;
    if (ct !== null) headers['content-type'] = ct;
    if (o.authToken) headers['auth-token'] = o.authToken;
    return this.send('POST', join(o.endpoint, 'CreateInteraction'), headers, buildCreateBody(o), o.timeoutMs);
  }

  delete(o: DriveDeleteOptions): Promise<DriveResult> {
    const headers: Record<string, string> = {};
    if (o.authToken) headers['auth-token'] = o.authToken;
    return this.send('DELETE', join(o.endpoint, encodeURIComponent(o.interactionId)), headers, undefined, o.timeoutMs);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async send(method: string, url: URL, headers: Record<string, string>, body: string | undefined, timeoutMs = 30000): Promise<DriveResult> {
    const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    const r = await exchange(url, { method, headers, body, agent, timeoutMs });
    return { status: r.status, headers: r.headers, body: r.text, json: r.json, ms: r.ms };
  }
}

/** One-shot helpers (a fresh driver per call, closed afterwards). */
async function once<T>(run: (d: DiyalogDriver) => Promise<T>): Promise<T> {
  const d = new DiyalogDriver();
  try {
    return await run(d);
  } finally {
    d.close();
  }
}

export function driveCreate(o: DriveCreateOptions): Promise<DriveResult> {
  return once((d) => d.create(o));
}

export function driveDelete(o: DriveDeleteOptions): Promise<DriveResult> {
  return once((d) => d.delete(o));
}

const USAGE = `usage:
  driver create --endpoint URL --customer ID [--identity N] [--data KEY=VALUE]... [--shape array|object] [--session ID] [--token T]
  driver delete --endpoint URL --id INTERACTION_ID [--token T]
  (the Auth-Token may also come from the environment variable DIYALOG_AUTH_TOKEN)`;

export async function cli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const [cmd, ...rest] = argv;
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--') || i + 1 >= rest.length) {
      out(USAGE);
      return 2;
    }
    (flags[a.slice(2)] ??= []).push(rest[++i]);
  }
  const one = (k: string): string | undefined => flags[k]?.[flags[k].length - 1];
  const endpoint = one('endpoint');
  const authToken = one('token') ?? process.env.DIYALOG_AUTH_TOKEN ?? undefined;
  if (!endpoint || (cmd !== 'create' && cmd !== 'delete')) {
    out(USAGE);
    return 2;
  }
  let r: DriveResult;
  if (cmd === 'create') {
    const attachedData: Record<string, string> = {};
    for (const kv of flags.data ?? []) {
      const i = kv.indexOf('=');
      if (i <= 0) {
        out(`--data expects KEY=VALUE, got "${kv}"`);
        return 2;
      }
      attachedData[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const shape = one('shape') === 'object' ? 'object' : 'array';
    const session = one('session');
    r = await driveCreate({
      endpoint,
      customerId: one('customer'),
      identityNumber: one('identity'),
      attachedData,
      shape,
      authToken,
      extra: session ? { sessionId: session } : undefined,
    });
  } else {
    const id = one('id');
    if (!id) {
      out(USAGE);
      return 2;
    }
    r = await driveDelete({ endpoint, interactionId: id, authToken });
  }
  out(`HTTP ${r.status} (${r.ms} ms)`);
  out(r.body);
  return r.status >= 200 && r.status < 300 ? 0 : 1;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
