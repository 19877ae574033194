/**
 * Diyalog simulator (docs/vendors/diyalog.md 5.4). One server offers:
 *  - the queueing service role at `queuePath` (default `/queue`): `POST /queue/CreateInteraction`,
 *    `DELETE /queue/<interactionId>`; what `diyalog-create-interaction` / `-delete-interaction` call;
 *  - the application API at `[any prefix]/v1/application/interactionisnotdelivered`, HMAC-checked;
 *  - the driver role (Diyalog calling *your* endpoint) from code (`sim.driver`, `./driver`),
 *    from the command line (`node dist/simulators/diyalog/driver.js`) and over HTTP
 *    (`POST /__sim/drive`, then `POST /__sim/drive-result`).
 *
 * Vendor-specific control endpoints (all `POST /__sim/<name>`, JSON body):
 *   queue        {mode?: ok|fail|malformed|unauthorized, errorMessage?, delayMs?, deleteStatus?: 200|202|204, authToken?}
 *   api          {errorTextStyle?: plain|quoted, requireWaiting?, skewMs?, clockOffsetMs?}
 *   api-keys     {accessKeyId, accessKeySecret}          add/replace an HMAC key
 *   waiting      {interactionId?, sessionId?, customerId?} put a customer on the waiting screen
 *   deliver      {interactionId?, agent?} an agent takes that interaction (else the oldest waiting):
 *                a DELETE of it is refused from then on → {interactionId, deliveredTo}
 *   state        → {interactions, waiting, deleted, notDelivered, acceptedSignatureForms}
 *   reset        → clears state and restores the start options
 *   drive        {op: create|delete, endpoint, ...DriveCreateOptions|DriveDeleteOptions} → {jobId}
 *   drive-result {jobId} → {done: false} | {done: true, result} | {done: true, error}
 */
import type * as http from 'node:http';
import { SimServer, type Simulator, type SimulatorOptions, type SimRequest } from '../common';
import { ApplicationApi } from './appapi';
import { DiyalogDriver, type DriveCreateOptions, type DriveDeleteOptions, type DriveResult } from './driver';
import { QueueService } from './queue';
import { DiyalogState, type ApiSettings, type QueueMode, type QueueSettings, type SimInteraction } from './state';

export { NOT_DELIVERED_PATH, parseDlgDate, sign, stringsToSign } from './appapi';
export { buildCreateBody, driveCreate, driveDelete, DiyalogDriver } from './driver';
export type { DriveCreateOptions, DriveDeleteOptions, DriveResult } from './driver';
export { malformedCreateBody } from './queue';
export { DiyalogState } from './state';
export type { SimInteraction, WaitingCustomer, QueueSettings, ApiSettings } from './state';

/** The project's demo credentials (docs/vendors/diyalog.md 3.4 example); the CLI simulator accepts them. */
export const DEMO_ACCESS_KEY_ID = 'AK-7f3e21';
export const DEMO_ACCESS_KEY_SECRET = 'demo-secret-key';

/** Config node type → credentials the simulator accepts by default (used by the demo). */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = {
  'diyalog-api-config': { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET },
};

export interface DiyalogSimulatorOptions extends SimulatorOptions {
  /** Base path of the queueing-service role (default `/queue`). */
  queuePath?: string;
  /** Auth-Token the queueing service requires (default: none). */
  authToken?: string;
  /** accessKeyId → accessKeySecret for the application API (default: the demo key). */
  apiKeys?: Record<string, string>;
  /** Allowed clock skew of `x-dlg-date` in ms (default 15 min). */
  skewMs?: number;
  /** When false, the application API accepts any id as having a waiting customer (default true). */
  requireWaiting?: boolean;
}

export interface DiyalogSimulator extends Simulator {
  state: DiyalogState;
  queue: QueueSettings;
  api: ApiSettings;
  /** Which string-to-sign form each accepted application-API call used. */
  acceptedSignatureForms: ApplicationApi['acceptedForms'];
  /** Role (a): Diyalog calling a queueing endpoint. */
  driver: DiyalogDriver;
  queueUrl: string;
  setQueue(s: Partial<QueueSettings>): void;
  setApi(s: Partial<Omit<ApiSettings, 'keys'>>): void;
  /** An agent takes the interaction (else the oldest not delivered); a DELETE of it is refused from then on. */
  deliver(interactionId?: string, agent?: string): SimInteraction;
  reset(): void;
}

const QUEUE_MODES: QueueMode[] = ['ok', 'fail', 'malformed', 'unauthorized'];

function obj(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${what}: body must be a JSON object`);
  return body as Record<string, unknown>;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${what} must be a string`);
  return v;
}

export async function start(opts: DiyalogSimulatorOptions = {}): Promise<DiyalogSimulator> {
  const queuePath = '/' + (opts.queuePath ?? '/queue').replace(/^\/+|\/+$/g, '');
  const defaults = (): { queue: QueueSettings; api: Omit<ApiSettings, 'keys'> } => ({
    queue: { mode: 'ok', errorMessage: 'Video queue is closed', delayMs: 0, deleteStatus: 200, authToken: opts.authToken ?? '' },
    api: { skewMs: opts.skewMs ?? 15 * 60 * 1000, clockOffsetMs: 0, errorTextStyle: 'plain', requireWaiting: opts.requireWaiting ?? true },
  });
  const initialKeys = opts.apiKeys ?? { [DEMO_ACCESS_KEY_ID]: DEMO_ACCESS_KEY_SECRET };
  const state = new DiyalogState();
  const d = defaults();
  const queueSettings: QueueSettings = { ...d.queue };
  const apiSettings: ApiSettings = { ...d.api, keys: new Map(Object.entries(initialKeys)) };

  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const queue = new QueueService(queuePath, state, queueSettings, wait);
  const api = new ApplicationApi(state, apiSettings);
  const handler = async (req: SimRequest, res: http.ServerResponse): Promise<void> => {
    if (queue.handles(req.path)) return queue.handle(req, res);
    if (api.handles(req.path)) return api.handle(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
  };
  const server = new SimServer('diyalog', handler, opts);
  const driver = new DiyalogDriver();

  const setQueue = (s: Partial<QueueSettings>): void => {
    if (s.mode !== undefined && !QUEUE_MODES.includes(s.mode)) throw new Error(`queue mode must be one of ${QUEUE_MODES.join(', ')}`);
    if (s.deleteStatus !== undefined && ![200, 202, 204].includes(s.deleteStatus)) throw new Error('deleteStatus must be 200, 202 or 204');
    if (s.delayMs !== undefined && !(typeof s.delayMs === 'number' && s.delayMs >= 0)) throw new Error('delayMs must be a number >= 0');
    for (const [k, v] of Object.entries(s)) if (v !== undefined) (queueSettings as unknown as Record<string, unknown>)[k] = v;
  };
  const setApi = (s: Partial<Omit<ApiSettings, 'keys'>>): void => {
    if (s.errorTextStyle !== undefined && s.errorTextStyle !== 'plain' && s.errorTextStyle !== 'quoted')
      throw new Error('errorTextStyle must be plain or quoted');
    for (const [k, v] of Object.entries(s)) if (v !== undefined) (apiSettings as unknown as Record<string, unknown>)[k] = v;
  };
  const reset = (): void => {
    state.reset();
    const fresh = defaults();
    Object.assign(queueSettings, fresh.queue);
    Object.assign(apiSettings, fresh.api);
    apiSettings.keys = new Map(Object.entries(initialKeys));
    api.acceptedForms.length = 0;
    server.clearFaults();
  };

  server.onControl('queue', (body) => {
    const b = obj(body, 'queue');
    setQueue({
      mode: str(b.mode, 'mode') as QueueMode | undefined,
      errorMessage: str(b.errorMessage, 'errorMessage'),
      delayMs: b.delayMs as number | undefined,
      deleteStatus: b.deleteStatus as QueueSettings['deleteStatus'] | undefined,
      authToken: str(b.authToken, 'authToken'),
    });
    const { authToken, ...visible } = queueSettings;
    return { ...visible, authTokenSet: authToken !== '' };
  });
  server.onControl('api', (body) => {
    const b = obj(body, 'api');
    for (const k of ['skewMs', 'clockOffsetMs'] as const) if (b[k] !== undefined && typeof b[k] !== 'number') throw new Error(`${k} must be a number`);
    if (b.requireWaiting !== undefined && typeof b.requireWaiting !== 'boolean') throw new Error('requireWaiting must be a boolean');
    setApi({
      errorTextStyle: str(b.errorTextStyle, 'errorTextStyle') as ApiSettings['errorTextStyle'] | undefined,
      requireWaiting: b.requireWaiting as boolean | undefined,
      skewMs: b.skewMs as number | undefined,
      clockOffsetMs: b.clockOffsetMs as number | undefined,
    });
    const { keys, ...visible } = apiSettings;
    return { ...visible, keyIds: [...keys.keys()] };
  });
  server.onControl('api-keys', (body) => {
    const b = obj(body, 'api-keys');
    const id = str(b.accessKeyId, 'accessKeyId');
    const secret = str(b.accessKeySecret, 'accessKeySecret');
    if (!id || !secret) throw new Error('accessKeyId and accessKeySecret are required');
    apiSettings.keys.set(id, secret);
    return { keyIds: [...apiSettings.keys.keys()] };
  });
  server.onControl('waiting', (body) => {
    const b = obj(body, 'waiting');
    state.addWaiting({
      interactionId: str(b.interactionId, 'interactionId'),
      sessionId: str(b.sessionId, 'sessionId'),
      customerId: str(b.customerId, 'customerId'),
    });
    return { waiting: state.waiting.length };
  });
  server.onControl('deliver', (body) => {
    const b = obj(body, 'deliver');
    const ix = state.deliver(str(b.interactionId, 'interactionId'), str(b.agent, 'agent'));
    return { interactionId: ix.interactionId, deliveredTo: ix.deliveredTo };
  });
  server.onControl('state', () => ({ ...state.snapshot(), acceptedSignatureForms: [...api.acceptedForms] }));
  server.onControl('reset', () => {
    reset();
    return null;
  });

  // SimServer control handlers answer synchronously, so a drive is a job polled for its result.
  const jobs = new Map<number, { done: boolean; result?: DriveResult; error?: string }>();
  let jobSeq = 0;
  server.onControl('drive', (body) => {
    const b = obj(body, 'drive');
    const endpoint = str(b.endpoint, 'endpoint');
    if (!endpoint) throw new Error('endpoint is required');
    let p: Promise<DriveResult>;
    if (b.op === 'create') {
      if (b.shape !== undefined && b.shape !== 'array' && b.shape !== 'object') throw new Error('shape must be array or object');
      p = driver.create(b as unknown as DriveCreateOptions);
    } else if (b.op === 'delete') {
      if (!str(b.interactionId, 'interactionId')) throw new Error('interactionId is required');
      p = driver.delete(b as unknown as DriveDeleteOptions);
    } else throw new Error('op must be create or delete');
    const jobId = ++jobSeq;
    const job: { done: boolean; result?: DriveResult; error?: string } = { done: false };
    jobs.set(jobId, job);
    if (jobs.size > 1000) jobs.delete(jobs.keys().next().value as number);
    p.then(
      (r) => Object.assign(job, { done: true, result: r }),
      (e: Error) => Object.assign(job, { done: true, error: e.message }),
    );
    return { jobId };
  });
  server.onControl('drive-result', (body) => {
    const b = obj(body, 'drive-result');
    const job = jobs.get(Number(b.jobId));
    if (!job) throw new Error(`no drive job ${String(b.jobId)}`);
    return job;
  });

  const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    name: 'diyalog',
    url,
    server,
    state,
    queue: queueSettings,
    api: apiSettings,
    acceptedSignatureForms: api.acceptedForms,
    driver,
    queueUrl: url + queuePath,
    setQueue,
    setApi,
    deliver: (interactionId, agent) => state.deliver(interactionId, agent),
    reset,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      driver.close();
      await server.close();
    },
  };
}
