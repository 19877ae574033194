/**
 * In-memory virtualQ world: call centers, line groups, lines and waiters with the waiter
 * life cycle of virtualQ's .NET SDK wiki (Waiting → Notified → Connected → Finished, or TimeOut) and EWT
 * figures. Written from docs/vendors/virtualq.md alone.
 */
import { copyDefined } from '../common';

export type WaiterState = 'Waiting' | 'Notified' | 'Connected' | 'Finished' | 'TimeOut';

export interface CallCenter {
  id: number;
  name: string;
  open: boolean;
  virtualqActive: boolean;
}

export interface LineGroup {
  id: number;
  name: string;
  callCenterId: number;
  allowCallback: boolean;
  allowSms: boolean;
  ccType: string;
  foresightClosingInMinutes: number;
  minAgentCount: number;
  minWaitingTime: number;
  noticeTime: number;
  timeoutTime: number;
  /** The figures the connector pushes with `PUT line_groups/<id>` (service_*). */
  service: {
    ewt: number;
    agentsCount: number;
    idleAgentsCount: number;
    averageTalkTime: number;
    waitersCount: number;
    open: boolean;
    agentList: string[];
    callsPerHour: number;
  };
  updatedAt: string;
}

export interface Line {
  id: number;
  name: string;
  lineGroupId: number;
  category: string;
  direct: boolean;
  info: string;
  fastDialDescription: string;
  openingTimesDescription: string;
  privateLineKey: string;
  ratingsAverage: number;
  servicePhoneNumber: string;
  telephoneChargeDescription: string;
  state: string;
  stateMode: string;
  virtualqPhoneNumber: string;
  forwardingPhoneNumber: string;
  /** Counted by `POST lines/<id>/log_call_offered`. */
  callsOffered: number;
}

export interface Waiter {
  id: number;
  lineId: number;
  phone: string;
  channel: string;
  source: string;
  lang: string | null;
  skills: string[];
  properties: Record<string, unknown>;
  state: WaiterState;
  serviceState: string | null;
  ewt: number;
  waitTimeWhenUp: number | null;
  talkTime: number | null;
  agentId: string | null;
  createdAt: number;
  /** When the caller (re)joined the queue: creation, or a Deferred call back. */
  queuedAt: number;
  updatedAt: number;
  notifiedAt: number | null;
  connectedAt: number | null;
  token: string;
}

/** Active waiters are the ones `PUT waiters/0` can address. */
export const ACTIVE_STATES: readonly WaiterState[] = ['Waiting', 'Notified', 'Connected'];
/** Service states the simulator accepts: virtualQ's .NET SDK wiki's four plus what other clients send. */
export const SERVICE_STATES = ['Connected', 'Deferred', 'Canceled', 'Finished', 'Waiting', 'Transferred', 'Timeout', 'Notified', 'Disconnected'];

export class VirtualQState {
  callCenters = new Map<number, CallCenter>();
  lineGroups = new Map<number, LineGroup>();
  lines = new Map<number, Line>();
  waiters = new Map<number, Waiter>();
  /** Active waiters by `lineId|phone`, and Waiting ones per line group in queue order (kept O(1) for benchmarks). */
  private active = new Map<string, Waiter>();
  private queues = new Map<number, Set<Waiter>>();
  private nextWaiterId = 70001;
  /** Seconds added to the wall clock (lets tests make waiters wait). */
  clockOffsetMs = 0;

  constructor(seed = true) {
    if (seed) this.seed();
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  reset(seed = true): void {
    this.callCenters.clear();
    this.lineGroups.clear();
    this.lines.clear();
    this.waiters.clear();
    this.active.clear();
    this.queues.clear();
    this.nextWaiterId = 70001;
    this.clockOffsetMs = 0;
    this.lastTick = 0;
    if (seed) this.seed();
  }

  /** The world of the examples of docs/vendors/virtualq.md: Berlin (12) → Consumer (77) → Hotline DE (418). */
  seed(): void {
    this.addCallCenter({ id: 12, name: 'Berlin' });
    this.addCallCenter({ id: 13, name: 'Hamburg', open: false });
    this.addLineGroup({ id: 77, name: 'Consumer', callCenterId: 12 });
    this.addLineGroup({ id: 78, name: 'Business', callCenterId: 12, allowSms: true });
    this.addLineGroup({ id: 90, name: 'Nord', callCenterId: 13 });
    this.addLine({ id: 418, name: 'Hotline DE', lineGroupId: 77, servicePhoneNumber: '+4930123456' });
    this.addLine({ id: 419, name: 'Hotline EN', lineGroupId: 77, servicePhoneNumber: '+4930123457', state: 'inactive' });
    this.addLine({ id: 420, name: 'Business Line', lineGroupId: 78, servicePhoneNumber: '+4930123458' });
    this.addLine({ id: 501, name: 'Nord Hotline', lineGroupId: 90, servicePhoneNumber: '+4940123456' });
  }

  addCallCenter(c: Partial<CallCenter> & { id: number; name: string }): CallCenter {
    const cc: CallCenter = { open: true, virtualqActive: true, ...c };
    this.callCenters.set(cc.id, cc);
    return cc;
  }

  addLineGroup(g: Partial<LineGroup> & { id: number; name: string; callCenterId: number }): LineGroup {
    if (!this.callCenters.has(g.callCenterId)) throw new Error(`no call center ${g.callCenterId}`);
    const lg: LineGroup = {
      allowCallback: true,
      allowSms: false,
      ccType: 'inbound',
      foresightClosingInMinutes: 15,
      minAgentCount: 1,
      minWaitingTime: 60,
      noticeTime: 120,
      timeoutTime: 300,
      updatedAt: new Date(this.now()).toISOString(),
      ...g,
      service: {
        ewt: 300,
        agentsCount: 4,
        idleAgentsCount: 0,
        averageTalkTime: 180,
        waitersCount: 4,
        open: true,
        agentList: [],
        callsPerHour: 40,
        ...(g.service ?? {}),
      },
    };
    this.lineGroups.set(lg.id, lg);
    return lg;
  }

  addLine(l: Partial<Line> & { id: number; name: string; lineGroupId: number }): Line {
    if (!this.lineGroups.has(l.lineGroupId)) throw new Error(`no line group ${l.lineGroupId}`);
    const line: Line = {
      category: 'hotline',
      direct: false,
      info: '',
      fastDialDescription: '',
      openingTimesDescription: 'Mo-Fr 08:00-20:00',
      privateLineKey: `plk-${l.id}`,
      ratingsAverage: 4.5,
      servicePhoneNumber: '',
      telephoneChargeDescription: 'local rate',
      state: 'active',
      stateMode: 'auto',
      virtualqPhoneNumber: '+4930999000',
      forwardingPhoneNumber: '',
      callsOffered: 0,
      ...l,
    };
    this.lines.set(line.id, line);
    return line;
  }

  lineGroupOf(line: Line): LineGroup {
    return this.lineGroups.get(line.lineGroupId) as LineGroup;
  }

  callCenterOf(group: LineGroup): CallCenter {
    return this.callCenters.get(group.callCenterId) as CallCenter;
  }

  /** Waiters still waiting for their turn in a line group, oldest first. */
  queueOf(groupId: number): Waiter[] {
    return [...(this.queues.get(groupId) ?? [])];
  }

  private queueSet(w: Waiter): Set<Waiter> {
    const g = this.lines.get(w.lineId)?.lineGroupId ?? -1;
    let q = this.queues.get(g);
    if (!q) this.queues.set(g, (q = new Set()));
    return q;
  }

  /** Keeps the indexes in step with a waiter's state. */
  private index(w: Waiter): void {
    const key = `${w.lineId}|${w.phone}`;
    if (ACTIVE_STATES.includes(w.state)) this.active.set(key, w);
    else if (this.active.get(key) === w) this.active.delete(key);
    const q = this.queueSet(w);
    if (w.state === 'Waiting') q.add(w);
    else q.delete(w);
  }

  /**
   * EWT in seconds for a caller who has `ahead` callers before them: the call center's own
   * figure (service_ewt) plus one average talk time per agent-round of callers ahead.
   */
  ewtFor(group: LineGroup, ahead: number): number {
    const agents = Math.max(1, group.service.agentsCount);
    return group.service.ewt + Math.ceil((ahead * group.service.averageTalkTime) / agents);
  }

  /** The EWT a new waiter of this group would get now. */
  groupEwt(group: LineGroup): number {
    return this.ewtFor(group, this.queues.get(group.id)?.size ?? 0);
  }

  /** Recomputes the EWT of every waiting caller of a group (after a line-up, an update, a departure). */
  recomputeEwt(groupId: number): void {
    const group = this.lineGroups.get(groupId);
    if (!group) return;
    this.queueOf(groupId).forEach((w, i) => {
      w.ewt = this.ewtFor(group, i);
    });
  }

  lineUp(a: {
    lineId: number;
    phone: string;
    channel: string;
    source: string;
    lang?: string | null;
    skills?: string[];
    properties?: Record<string, unknown>;
  }): Waiter {
    const line = this.lines.get(a.lineId);
    if (!line) throw new Error(`no line ${a.lineId}`);
    const group = this.lineGroupOf(line);
    const t = this.now();
    const w: Waiter = {
      id: this.nextWaiterId++,
      lineId: a.lineId,
      phone: a.phone,
      channel: a.channel,
      source: a.source,
      lang: a.lang ?? null,
      skills: a.skills ?? [],
      properties: a.properties ?? {},
      state: 'Waiting',
      serviceState: null,
      ewt: this.groupEwt(group),
      waitTimeWhenUp: null,
      talkTime: null,
      agentId: null,
      createdAt: t,
      queuedAt: t,
      updatedAt: t,
      notifiedAt: null,
      connectedAt: null,
      token: Math.random().toString(36).slice(2, 12),
    };
    this.waiters.set(w.id, w);
    this.index(w);
    return w;
  }

  /** The one active waiter of a line with this phone (what `PUT waiters/0` addresses). */
  findActive(lineId: number, phone: string): Waiter | undefined {
    return this.active.get(`${lineId}|${phone}`);
  }

  /** Moves a waiter along its life cycle, stamping the times virtualQ reports. */
  setState(w: Waiter, state: WaiterState): void {
    const t = this.now();
    const wasWaiting = w.state === 'Waiting';
    w.state = state;
    w.updatedAt = t;
    if (state === 'Waiting' && !wasWaiting) w.queuedAt = t;
    this.index(w);
    if (state === 'Notified' && w.notifiedAt === null) w.notifiedAt = t;
    if (state === 'Connected' && w.connectedAt === null) w.connectedAt = t;
    if (wasWaiting !== (state === 'Waiting')) this.recomputeEwt(this.lines.get(w.lineId)?.lineGroupId ?? -1);
  }

  /** Applies the attributes of `PUT waiters/0` (already validated). */
  applyServiceUpdate(
    w: Waiter,
    u: {
      serviceState?: string;
      ewt?: number;
      waitTimeWhenUp?: number;
      talkTime?: number;
      agentId?: string;
      skills?: string[];
      properties?: Record<string, unknown>;
    },
  ): void {
    if (u.serviceState !== undefined) {
      w.serviceState = u.serviceState;
      const next = SERVICE_TO_WAITER[u.serviceState];
      if (next && next !== w.state) this.setState(w, next);
      // A deferred call back rejoins the queue, whatever the state was.
      if (u.serviceState === 'Deferred') w.queuedAt = this.now();
    }
    // After the state change, so that an EWT the call center sends wins over the recomputed one.
    if (u.ewt !== undefined) w.ewt = u.ewt;
    copyDefined(w, u, ['skills', 'properties', 'talkTime', 'agentId']);
    if (u.waitTimeWhenUp !== undefined) w.waitTimeWhenUp = u.waitTimeWhenUp;
    else if (w.state === 'Finished' && w.waitTimeWhenUp === null && w.connectedAt !== null) {
      // Seed: after NotifyCallerConnected virtualQ computes WaitTimeWhenUp itself.
      w.waitTimeWhenUp = Math.round((w.connectedAt - w.createdAt) / 1000);
    }
    w.updatedAt = this.now();
  }

  /** Moves waiters on by themselves (switch off with `autoLifeCycle = false`). */
  autoLifeCycle = true;
  private lastTick = 0;

  /**
   * virtualQ's own steps of the life cycle: a waiting caller is Notified when their estimated
   * up time is reached, and a notified caller who has not called in (Connected) within the
   * line group's timeout goes to TimeOut. Runs at most once a second unless forced.
   */
  tick(force = false): void {
    const t = this.now();
    if (!this.autoLifeCycle || (!force && t - this.lastTick < 1000)) return;
    this.lastTick = t;
    for (const w of [...this.active.values()].sort((a, b) => a.queuedAt - b.queuedAt || a.id - b.id)) {
      const line = this.lines.get(w.lineId);
      const timeout = line ? this.lineGroupOf(line).timeoutTime : 300;
      if (w.state === 'Waiting' && t >= this.estimatedUpTime(w)) this.setState(w, 'Notified');
      else if (w.state === 'Notified' && w.notifiedAt !== null && t >= w.notifiedAt + timeout * 1000) this.setState(w, 'TimeOut');
    }
  }

  /** When the caller is expected to be up (ms): EWT after (re)joining the queue. */
  estimatedUpTime(w: Waiter): number {
    return w.queuedAt + w.ewt * 1000;
  }

  /** Seconds a waiter has waited: until connected, or until now while still active. */
  waitTime(w: Waiter): number {
    const end = w.connectedAt ?? (ACTIVE_STATES.includes(w.state) ? this.now() : w.updatedAt);
    return Math.max(0, Math.round((end - w.createdAt) / 1000));
  }
}

/** How a connector's service state moves virtualQ's waiter state. */
const SERVICE_TO_WAITER: Record<string, WaiterState> = {
  Connected: 'Connected',
  Finished: 'Finished',
  Transferred: 'Finished',
  Canceled: 'Finished',
  Disconnected: 'Finished',
  Deferred: 'Waiting',
  Waiting: 'Waiting',
  Notified: 'Notified',
  Timeout: 'TimeOut',
};
