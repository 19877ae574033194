/**
 * virtualQ simulator scripting (`POST /__sim/<name>`, JSON body): the vendor-specific control
 * endpoints listed in ./index.ts, each a thin call on the simulator's API or its world.
 */
import type { SimServer } from '../common';
import type { ApiGate, RateLimit } from './auth';
import type { VirtualQSwitches } from './routes';
import type { CallCenter, Line, LineGroup, VirtualQState, Waiter, WaiterState } from './state';

export type WaiterRef = { id: number | string } | { lineId: number | string; phone: string };

/** What the control endpoints drive (the simulator's public API). */
export interface Controllable {
  state: VirtualQState;
  switches: VirtualQSwitches;
  notify(who: WaiterRef): Waiter;
  setWaiterState(who: WaiterRef, state: WaiterState): Waiter;
  setRateLimit(r: RateLimit | null): void;
  reset(seed?: boolean): void;
}

export function registerControls(sim: SimServer, api: Controllable, gate: ApiGate): void {
  const { state, switches } = api;
  function control<T>(name: string, fn: (body: T) => unknown): void {
    sim.onControl(name, (b) => fn((b ?? {}) as T));
  }
  control<WaiterRef>('notify', (b) => summary(api.notify(b)));
  control<WaiterRef & { state: WaiterState }>('setWaiterState', (b) => summary(api.setWaiterState(b, b.state)));
  control<{ seconds: number }>('advanceClock', (b) => {
    state.clockOffsetMs += Number(b.seconds) * 1000;
    state.autoLifeCycle = switches.autoLifeCycle;
    state.tick(true);
    return { clockOffsetMs: state.clockOffsetMs };
  });
  control<Partial<VirtualQSwitches>>('switches', (b) => {
    if (b.writeResponses !== undefined && b.writeResponses !== 'body' && b.writeResponses !== 'empty') throw new Error('writeResponses must be body or empty');
    if (b.lineUpStatus !== undefined && b.lineUpStatus !== 200 && b.lineUpStatus !== 201) throw new Error('lineUpStatus must be 200 or 201');
    Object.assign(switches, b);
    return { ...switches };
  });
  control<RateLimit & { off?: boolean }>('rateLimit', (b) => {
    api.setRateLimit(b.off || b.times === 0 ? null : b);
    return gate.rateLimit;
  });
  control<{ apiKeys?: string[]; forbiddenKeys?: string[] }>('keys', (b) => {
    gate.setKeys(b.apiKeys, b.forbiddenKeys);
    return { apiKeys: gate.apiKeys.size, forbiddenKeys: gate.forbiddenKeys.size };
  });
  control<CallCenter>('addCallCenter', (b) => state.addCallCenter(b));
  control<LineGroup>('addLineGroup', (b) => state.addLineGroup(b));
  control<Line>('addLine', (b) => state.addLine(b));
  control<{ id: number; state: string }>('setLine', (b) => {
    const l = state.lines.get(Number(b.id));
    if (!l) throw new Error(`no line ${b.id}`);
    l.state = b.state;
    return { id: l.id, state: l.state };
  });
  control<{ seed?: boolean }>('reset', (b) => {
    api.reset(b.seed !== false);
    return null;
  });
  control('dump', () => ({
    callCenters: [...state.callCenters.values()],
    lineGroups: [...state.lineGroups.values()],
    lines: [...state.lines.values()],
    waiters: [...state.waiters.values()].map(summary),
    switches,
  }));
}

function summary(w: Waiter): Record<string, unknown> {
  return { ...w };
}
