/**
 * The GWS simulator's in-memory state (docs/vendors/gws.md 8): users, servlet sessions, agents,
 * interactions and the scripted refusals, with the helpers every part shares (the interaction
 * view, the notifications, `invite`, session expiry).
 */
import * as crypto from 'node:crypto';
import type { BayeuxServer } from './bayeux';
import { copyDefined } from '../common';

export interface GwsUser {
  userName: string;
  password: string;
  id: string;
  firstName: string;
  lastName: string;
}

export type InteractionState = 'Invited' | 'Processing' | 'Completed' | 'Revoked' | 'InWorkbin';

export interface GwsInteraction {
  id: string;
  mediaType: string;
  state: InteractionState;
  capabilities: string[];
  userData: Record<string, unknown>;
  queueName?: string;
  workbin?: string;
  receivedDate: string;
  /** userName of the agent it is offered to / owned by ('' when queued). */
  owner: string;
  /** Cancel is only possible after a Reply/ReplyAll (the GWS Interactions API document). */
  replied: boolean;
  /** Voice calls: the caller's number and the number dialled (GWS call resources carry both). */
  ani?: string;
  dnis?: string;
  /** E-mail: `inbound` (raised by a customer) or `outbound` (a draft made by Reply, ReplyAll or Forward). */
  direction?: 'inbound' | 'outbound';
  /** An outbound e-mail: the inbound one it answers or forwards, and how it was made. */
  parentId?: string;
  origin?: 'Reply' | 'ReplyAll' | 'Forward';
}

export interface GwsSession {
  id: string;
  user: GwsUser;
  csrfToken: string;
  lastSeen: number;
}

export interface AgentState {
  loggedIn: boolean;
  channels: string[];
  place: string;
  ready: Record<string, 'Ready' | 'NotReady'>;
}

export interface Refusal {
  interactionId?: string;
  operation?: string;
  httpStatus?: number;
  statusCode?: number;
  statusMessage?: string;
  /** Answer in the GWS Interactions API document's `status:"error"` style instead of statusCode style. */
  seedStyle?: boolean;
  times?: number;
}

export interface AsyncError {
  interactionId?: string;
  operation?: string;
  statusMessage?: string;
}

/** What `Send` sent: the draft's id, its parent, how it was made, its user data, by whom. */
export interface SentEmail {
  id: string;
  parentId?: string;
  origin?: string;
  userData: Record<string, unknown>;
  from: string;
  sentDate: string;
}

export interface InviteOptions {
  id?: string;
  to?: string;
  mediaType?: string;
  userData?: Record<string, unknown>;
  queueName?: string;
  replied?: boolean;
  ani?: string;
  dnis?: string;
  /** An e-mail: `inbound` gives it the e-mail operations once accepted. */
  direction?: 'inbound' | 'outbound';
}

export const DEFAULT_USERS = [
  { userName: 'agent01', password: 'agent01-pass', id: '9d2c0f6e41b84a57', firstName: 'Ann', lastName: 'Lee' },
  { userName: 'agent07', password: 'agent07-pass', id: '5b7e19a2c0d34f88', firstName: 'Bo', lastName: 'Chan' },
];

const PROCESSING_CAPS = ['Complete', 'PlaceInQueue', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'PlaceInWorkbin', 'Transfer'];
/** An inbound e-mail being worked on may also be answered, forwarded, or stopped (docs/vendors/gws.md 3.2). */
const INBOUND_EMAIL_CAPS = ['Reply', 'ReplyAll', 'Forward', 'StopProcessing'];
/** An outbound e-mail draft: sent, or dropped (CancelReply, or Cancel after a Reply/ReplyAll), and annotated. */
const DRAFT_CAPS = ['Send', 'CancelReply', 'AttachUserData', 'UpdateUserData', 'DeleteUserData'];

export function capsFor(i: GwsInteraction): string[] {
  if (i.state === 'Invited') return ['Accept', 'Reject'];
  if (i.state !== 'Processing') return [];
  const caps = i.direction === 'outbound' ? [...DRAFT_CAPS] : [...PROCESSING_CAPS];
  if (i.direction === 'inbound') caps.push(...INBOUND_EMAIL_CAPS);
  if (i.replied) caps.push('Cancel');
  return caps;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface StateOptions {
  users?: Array<Partial<GwsUser> & { userName: string; password: string }>;
  idleTimeoutMs?: number;
  csrf?: boolean;
}

export class GwsState {
  readonly users: GwsUser[];
  readonly sessions = new Map<string, GwsSession>();
  readonly interactions = new Map<string, GwsInteraction>();
  readonly agents = new Map<string, AgentState>();
  readonly refusals: Refusal[] = [];
  readonly asyncErrors: AsyncError[] = [];
  /** Outbound e-mails sent (Send), oldest first. */
  readonly sentEmails: SentEmail[] = [];
  csrf: boolean;
  idleTimeout: number;
  failChannels = new Set<string>();
  referenceId = 10;
  private seq = 0;
  /** Set once the CometD server exists (it needs `alive`). */
  bayeux!: BayeuxServer;

  constructor(
    private opts: StateOptions,
    /** The server's base URL (known once it listens). */
    private baseUrl: () => string,
  ) {
    this.users = (opts.users ?? DEFAULT_USERS).map((u, i) => ({
      id: u.id ?? crypto.createHash('sha1').update(u.userName).digest('hex').slice(0, 16),
      firstName: u.firstName ?? `Agent${i + 1}`,
      lastName: u.lastName ?? 'Sim',
      ...u,
    }));
    this.csrf = opts.csrf ?? true;
    this.idleTimeout = opts.idleTimeoutMs ?? 1800_000;
  }

  /** The session exists and is not idle past the timeout (an idle one is dropped). */
  readonly alive = (sid: string): boolean => {
    const s = this.sessions.get(sid);
    if (!s) return false;
    if (Date.now() - s.lastSeen > this.idleTimeout) {
      this.sessions.delete(sid);
      return false;
    }
    return true;
  };

  agentOf(userName: string): AgentState {
    let a = this.agents.get(userName);
    if (!a) this.agents.set(userName, (a = { loggedIn: false, channels: [], place: '', ready: {} }));
    return a;
  }

  nextId(): string {
    return `0002${(Date.now() % 1e6).toString(36).toUpperCase()}SIM${String(++this.seq).padStart(4, '0')}`;
  }

  get url(): string {
    return this.baseUrl();
  }

  uriOf(id: string): string {
    return `${this.url}/api/v2/interactions/${encodeURIComponent(id)}`;
  }

  view(i: GwsInteraction): Record<string, unknown> {
    const v: Record<string, unknown> = {
      id: i.id,
      mediaType: i.mediaType,
      state: i.state,
      capabilities: capsFor(i),
      userData: { ...i.userData },
      receivedDate: i.receivedDate,
      uri: this.uriOf(i.id),
      path: `/interactions/${encodeURIComponent(i.id)}`,
    };
    copyDefined(v, i, ['queueName', 'workbin', 'ani', 'dnis', 'direction', 'parentId', 'origin']);
    return v;
  }

  /** Notifies an agent on both spellings of the interactions channel. */
  notify(userName: string, data: Record<string, unknown>, channels = ['/v2/me/interactions', '/me/interactions']): void {
    for (const ch of channels) this.bayeux.publish(userName, ch, data);
  }

  stateMessage(i: GwsInteraction, notificationType: string, ref?: number, stateOverride?: InteractionState): Record<string, unknown> {
    const interaction = this.view(i);
    if (stateOverride) {
      interaction.state = stateOverride;
      interaction.capabilities = [];
    }
    const m: Record<string, unknown> = { messageType: 'InteractionStateMessage', notificationType };
    if (ref !== undefined) m.referenceId = ref;
    m.interaction = interaction;
    return m;
  }

  /** Offers a new interaction to an agent (Invited) and notifies it. */
  invite(o: InviteOptions = {}): GwsInteraction {
    const to = o.to ?? this.users[0].userName;
    if (!this.users.some((u) => u.userName === to)) throw new Error(`unknown agent ${to}`);
    const id = o.id ?? this.nextId();
    const i: GwsInteraction = {
      id,
      mediaType: o.mediaType ?? 'email',
      state: 'Invited',
      capabilities: [],
      userData: { ...(o.userData ?? {}) },
      queueName: o.queueName ?? 'Email_Inbound',
      receivedDate: new Date().toISOString(),
      owner: to,
      replied: o.replied ?? false,
    };
    if (typeof o.ani === 'string') i.ani = o.ani;
    if (typeof o.dnis === 'string') i.dnis = o.dnis;
    // An e-mail offered to an agent is an inbound one unless told otherwise.
    if (o.direction === 'inbound' || o.direction === 'outbound') i.direction = o.direction;
    else if (i.mediaType === 'email') i.direction = 'inbound';
    this.interactions.set(id, i);
    this.notify(to, this.stateMessage(i, 'StatusChange', ++this.referenceId));
    return i;
  }

  /** Invalidates HTTP sessions (all, or one user's): the next request meets a fresh one. */
  expireSessions(userName?: string): number {
    let n = 0;
    for (const [sid, s] of [...this.sessions]) {
      if (userName && s.user.userName !== userName) continue;
      this.sessions.delete(sid);
      this.bayeux.dropSession(sid);
      n++;
    }
    return n;
  }

  takeRefusal(id: string, op: string): Refusal | undefined {
    const k = this.refusals.findIndex((r) => (!r.interactionId || r.interactionId === id) && (!r.operation || r.operation === op));
    if (k < 0) return undefined;
    const r = this.refusals[k];
    if (r.times !== undefined && --r.times <= 0) this.refusals.splice(k, 1);
    return r;
  }

  takeAsyncError(id: string, op: string): AsyncError | undefined {
    const k = this.asyncErrors.findIndex((e) => (!e.interactionId || e.interactionId === id) && (!e.operation || e.operation === op));
    return k < 0 ? undefined : this.asyncErrors.splice(k, 1)[0];
  }

  /** Back to the start options: no session, interaction, agent or scripted behaviour. */
  reset(): void {
    this.expireSessions();
    this.interactions.clear();
    this.agents.clear();
    this.refusals.length = 0;
    this.asyncErrors.length = 0;
    this.sentEmails.length = 0;
    this.failChannels = new Set();
    this.csrf = this.opts.csrf ?? true;
    this.idleTimeout = this.opts.idleTimeoutMs ?? 1800_000;
    this.bayeux.forceHandshake = 0;
  }
}
