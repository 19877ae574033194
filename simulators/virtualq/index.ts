/**
 * virtualQ REST API v2 simulator (waiters, lines, line groups), written from
 * docs/vendors/virtualq.md alone. JSON:API envelopes, `X-Api-Key` auth,
 * dashed response keys (underscored with `X-Keys-Format: underscore`), JSON:API errors.
 *
 * Vendor-specific scripting (also over HTTP, `POST /__sim/<name>`):
 *   notify {id | lineId+phone}           waiter → Notified (verify then finds it "up")
 *   setWaiterState {id | lineId+phone, state}
 *   advanceClock {seconds}               waiters have waited longer (and move on: see autoLifeCycle)
 *   switches {notFoundOnEmpty, writeResponses, lineUpStatus, autoLifeCycle}
 *   rateLimit {retryAfter, times, path}  429 + Retry-After with a JSON:API error
 *   keys {apiKeys, forbiddenKeys}        which keys are accepted (401 / 403 otherwise)
 *   addCallCenter / addLineGroup / addLine {…}, setLine {id, state}
 *   reset {seed?}, dump {}               back to the seeded world / read the world
 *
 * Layout: ./routes.ts (the API), ./resources.ts (what a resource shows), ./auth.ts (API key and
 * rate limit), ./control.ts (the scripting above), ./wire.ts (JSON:API documents), ./state.ts (the world).
 */
import type * as http from 'node:http';
import { SimServer, sendJson, type SimRequest, type Simulator, type SimulatorOptions } from '../common';
import { ApiGate, type RateLimit } from './auth';
import { registerControls, type WaiterRef } from './control';
import { DEFAULT_SWITCHES, Routes, type VirtualQSwitches } from './routes';
import { ACTIVE_STATES, VirtualQState, type Waiter, type WaiterState } from './state';
import { ApiError, MEDIA_TYPE, errorBody, keyFormat, normalisePhone } from './wire';

export { VirtualQState } from './state';
export type { Waiter, Line, LineGroup, CallCenter, WaiterState } from './state';
export type { RateLimit } from './auth';
export type { WaiterRef } from './control';
export type { VirtualQSwitches } from './routes';
export { MEDIA_TYPE } from './wire';

export const DEFAULT_API_KEY = 'sim-virtualq-key';
/** Config node type → the credentials the demo (`npm start`) gives it for the example flows. */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'virtualq-config': { apiKey: DEFAULT_API_KEY } };

export interface VirtualQSimulatorOptions extends SimulatorOptions {
  /** Accepted API keys (default: [DEFAULT_API_KEY]). */
  apiKeys?: string[];
  /** Keys that are known but lack rights (403). */
  forbiddenKeys?: string[];
  /** Start with an empty world instead of the seeded one. */
  empty?: boolean;
  switches?: Partial<VirtualQSwitches>;
}

export interface VirtualQSimulator extends Simulator {
  state: VirtualQState;
  switches: VirtualQSwitches;
  apiKeys: Set<string>;
  forbiddenKeys: Set<string>;
  /** Turns an active waiter Notified ("up"); by id or by line + phone. */
  notify(who: WaiterRef): Waiter;
  setWaiterState(who: WaiterRef, state: WaiterState): Waiter;
  setRateLimit(r: RateLimit | null): void;
  reset(seed?: boolean): void;
}

const WAITER_STATES: readonly WaiterState[] = ['Waiting', 'Notified', 'Connected', 'Finished', 'TimeOut'];

export async function start(opts: VirtualQSimulatorOptions = {}): Promise<VirtualQSimulator> {
  const state = new VirtualQState(!opts.empty);
  const switches: VirtualQSwitches = { ...DEFAULT_SWITCHES, ...(opts.switches ?? {}) };
  const gate = new ApiGate(new Set(opts.apiKeys ?? [DEFAULT_API_KEY]), new Set(opts.forbiddenKeys ?? []));
  const routes = new Routes(state, switches);

  const handler = async (req: SimRequest, res: http.ServerResponse): Promise<void> => {
    const fmt = keyFormat(req);
    state.autoLifeCycle = switches.autoLifeCycle;
    state.tick();
    try {
      if (gate.admit(req, res)) routes.route(req, res, fmt);
    } catch (err) {
      if (err instanceof ApiError) {
        sendJson(res, err.status, errorBody(err), { 'content-type': MEDIA_TYPE });
        return;
      }
      throw err;
    }
  };

  function findWaiter(who: WaiterRef): Waiter {
    if ('id' in who) {
      const w = state.waiters.get(Number(who.id));
      if (!w) throw new Error(`no waiter ${who.id}`);
      return w;
    }
    const w = state.findActive(Number(who.lineId), normalisePhone(who.phone));
    if (!w) throw new Error(`no active waiter ${who.phone} on line ${who.lineId}`);
    return w;
  }

  const sim = new SimServer('virtualq', handler, opts);
  await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');

  const api: VirtualQSimulator = {
    name: 'virtualq',
    url: sim.url,
    server: sim,
    state,
    switches,
    apiKeys: gate.apiKeys,
    forbiddenKeys: gate.forbiddenKeys,
    close: () => sim.close(),
    notify(who) {
      const w = findWaiter(who);
      if (!ACTIVE_STATES.includes(w.state)) throw new Error(`waiter ${w.id} is ${w.state}, not active`);
      state.setState(w, 'Notified');
      return w;
    },
    setWaiterState(who, s) {
      if (!WAITER_STATES.includes(s)) throw new Error(`state must be one of ${WAITER_STATES.join(', ')}`);
      const w = findWaiter(who);
      state.setState(w, s);
      return w;
    },
    setRateLimit(r) {
      gate.setRateLimit(r);
    },
    reset(seed = true) {
      state.reset(seed);
      gate.setRateLimit(null);
      Object.assign(switches, DEFAULT_SWITCHES, opts.switches ?? {});
      sim.clearFaults();
    },
  };
  registerControls(sim, api, gate);
  return api;
}
