/**
 * The ICWS simulator's state: its settings, the sessions it holds (each with its message queue,
 * its streams and its Dialer), the users' statuses and the scripted calls. Written from
 * docs/vendors/icws.md alone (nothing from lib/ or nodes/).
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import type { SimulatorOptions } from '../common';
import { DEFAULT_CAMPAIGNS, SimDialer, type CallScript, type IcwsMessage, type SimCampaign } from './dialer';
import { noSubscriptions, type SessionSubscriptions } from './subscriptions';

export interface IcwsUser {
  password: string;
  displayName?: string;
}

/** Everything `configure` can change at run time. */
export interface IcwsSettings {
  /** Reported `messaging` feature version: ≥ 2 offers SSE, 1 forces short polling. */
  messagingVersion: number;
  /** Reported `dialer` feature version (gates log-in 2, preview/update-call-data 3, campaignIds 4). */
  dialerVersion: number;
  users: Record<string, IcwsUser>;
  stations: string[];
  /** With the right, log-in lists campaigns and the agent picks them; without, all are joined. */
  logonCampaignRight: boolean;
  dialerLicence: boolean;
  /** What data pops are unless a queued call says otherwise. */
  callType: 'preview' | 'regular';
  campaigns: SimCampaign[];
  /** A user's status when the simulator first sees the user. */
  initialStatus: string;
  statuses: string[];
  /** Interval of `:ping` comments on SSE streams. */
  pingMs: number;
  /** `alternateHostList` of a successful connect answer. */
  alternateHosts: string[];
  /** Answer every session request with 429 + `Retry-After` (not documented for ICWS; a test switch). */
  rateLimit: boolean;
  /** Seconds in the `Retry-After` of a rate-limited answer. */
  retryAfter: number;
}

export interface IcwsSimulatorOptions extends SimulatorOptions, Partial<IcwsSettings> {
  /** Path prefix of a reverse proxy in front of `/icws` (e.g. `/api/sessionmanager`). */
  pathPrefix?: string;
  /** Start the second (switchover) listener (default true). */
  alternate?: boolean;
  alternatePort?: number;
}

export interface SimSession {
  id: string;
  csrf: string;
  cookieName: string;
  cookieValue: string;
  userID: string;
  language: string;
  applicationName: string;
  station: string | null;
  queue: IcwsMessage[];
  streams: Set<http.ServerResponse>;
  nextEventId: number;
  /** SSE events written and not yet confirmed by a `Last-Event-ID`: a reopened stream gets them again. */
  sent: Array<{ id: string; m: IcwsMessage }>;
  /** Events sent again on a reopened stream (not confirmed by its Last-Event-ID). */
  replayed: number;
  /** Every message handed to the client (SSE write or poll answer), in order. */
  delivered: IcwsMessage[];
  polls: number;
  streamsOpened: number;
  /** Sent connectionStateChange down; gone once the client has read it. */
  doomed: boolean;
  dialer: SimDialer;
  /** Queue and user-status subscriptions (messages outside Dialer). */
  subscriptions: SessionSubscriptions;
}

export interface IcwsStats {
  connectAttempts: number;
  failedLogins: number;
  sessionsCreated: number;
  sessionsDeleted: number;
  sessionsExpired: number;
}

const DEFAULT_STATUSES = ['Available', 'Follow Up', 'Do Not Disturb', 'Away from desk', 'At Lunch', 'Gone Home', 'Available, No ACD'];

export function defaults(o: IcwsSimulatorOptions): IcwsSettings {
  return {
    messagingVersion: o.messagingVersion ?? 2,
    dialerVersion: o.dialerVersion ?? 7,
    users: o.users ?? { agent1: { password: 'agent1-secret', displayName: 'Agent One' }, agent2: { password: 'agent2-secret', displayName: 'Agent Two' } },
    stations: o.stations ?? ['7001', '7002'],
    logonCampaignRight: o.logonCampaignRight ?? false,
    dialerLicence: o.dialerLicence ?? true,
    callType: o.callType ?? 'preview',
    campaigns: o.campaigns ?? DEFAULT_CAMPAIGNS.map((c) => ({ ...c })),
    initialStatus: o.initialStatus ?? 'Do Not Disturb',
    statuses: o.statuses ?? DEFAULT_STATUSES,
    pingMs: o.pingMs ?? 15000,
    alternateHosts: o.alternateHosts ?? [],
    rateLimit: o.rateLimit ?? false,
    retryAfter: o.retryAfter ?? 1,
  };
}

/** A copy of settings deep enough that changing it leaves the original alone. */
export const copySettings = (s: IcwsSettings): IcwsSettings => ({ ...s, users: { ...s.users }, campaigns: s.campaigns.map((c) => ({ ...c })) });

export const zeroStats = (): IcwsStats => ({ connectAttempts: 0, failedLogins: 0, sessionsCreated: 0, sessionsDeleted: 0, sessionsExpired: 0 });

/** The sessions, users and scripted calls of one listener. */
export class IcwsState {
  readonly sessions = new Map<string, SimSession>();
  readonly userStatus = new Map<string, string>();
  readonly scripts: CallScript[] = [];
  readonly stats: IcwsStats = zeroStats();
  /** Interactions per queue name (what a queue subscription reports), changed by the control API. */
  readonly queueContents = new Map<string, Map<string, Record<string, string>>>();
  switchedOver = false;
  /** Told of every status change (the user-status subscriptions). */
  onUserStatus: (user: string) => void = () => undefined;

  constructor(public settings: IcwsSettings) {}

  statusOf(user: string): string {
    return this.userStatus.get(user) ?? this.settings.initialStatus;
  }

  setUserStatus(user: string, statusId: string): void {
    this.userStatus.set(user, statusId);
    this.onUserStatus(user);
    if (statusId === 'Available') for (const s of this.sessions.values()) if (s.userID === user) s.dialer.maybePop();
  }

  /** The named session, or all of them. */
  pick(sessionId?: string): SimSession[] {
    return sessionId ? [this.sessions.get(sessionId)].filter((s): s is SimSession => !!s) : [...this.sessions.values()];
  }

  /** A new session; `emit` is how its messages leave (the messaging of index.ts). */
  newSession(userID: string, language: string, applicationName: string, emit: (s: SimSession, m: IcwsMessage) => void): SimSession {
    let id: string;
    do id = String(1000000000 + crypto.randomInt(0, 999999999));
    while (this.sessions.has(id));
    const s: SimSession = {
      id,
      csrf: crypto.randomBytes(18).toString('base64'),
      cookieName: `icws_${id}`,
      cookieValue: `${crypto.randomUUID()}|languageId=${language}`,
      userID,
      language,
      applicationName,
      station: null,
      queue: [],
      streams: new Set(),
      nextEventId: 1,
      sent: [],
      replayed: 0,
      delivered: [],
      polls: 0,
      streamsOpened: 0,
      doomed: false,
      dialer: undefined as unknown as SimDialer,
      subscriptions: noSubscriptions(),
    };
    s.dialer = new SimDialer(
      () => this.settings,
      (m) => emit(s, m),
      () => this.statusOf(userID),
      (st) => this.setUserStatus(userID, st),
      () => this.scripts.shift(),
    );
    this.sessions.set(id, s);
    this.stats.sessionsCreated++;
    return s;
  }
}
