/**
 * Messages outside Dialer (a blended agent's ACD messages, docs/vendors/icws.md 4.1): the server
 * sends them only to a session that subscribed to them. `icws-dialer-events` names `__type`
 * prefixes (`passTypes`); this keeps, per session, the subscriptions those prefixes need, makes
 * them when the session connects (again after every reconnect: a new session has none) and
 * deletes one once no listener needs it.
 *
 *   urn:inin.com:queues:  PUT messaging/subscriptions/queues/{id}  {queueIds: [{queueType: 1, queueName: user}], attributeNames}
 *   urn:inin.com:status:  PUT messaging/subscriptions/status/user-statuses  {userIds: [user]}
 *
 * Other prefixes need no subscription (the server sends those messages anyway).
 */
import { invalidInput } from '../errors';
import { VENDOR, icwsError } from './answer';
import type { IcwsSession } from './session';

export const ICWS_NS = 'urn:inin.com:';

/** The queue subscription's id on the server (one per session). */
export const QUEUE_SUBSCRIPTION_ID = 'node-red-my-interactions';

/** The interaction attributes a queue subscription asks for. */
export const QUEUE_ATTRIBUTES = [
  'Eic_State',
  'Eic_ObjectType',
  'Eic_CallDirection',
  'Eic_RemoteAddress',
  'Eic_RemoteName',
  'Eic_WorkgroupName',
  'Eic_UserName',
  'Eic_CallIdKey',
];

interface Kind {
  /** The `__type` prefix of its messages. */
  prefix: string;
  rest: string;
  body(user: string): unknown;
}

export const SUBSCRIPTION_KINDS: Kind[] = [
  {
    prefix: 'urn:inin.com:queues:',
    rest: `messaging/subscriptions/queues/${QUEUE_SUBSCRIPTION_ID}`,
    body: (user) => ({ queueIds: [{ queueType: 1, queueName: user }], attributeNames: QUEUE_ATTRIBUTES }),
  },
  {
    prefix: 'urn:inin.com:status:',
    rest: 'messaging/subscriptions/status/user-statuses',
    body: (user) => ({ userIds: [user] }),
  },
];

/**
 * `passTypes` of `icws-dialer-events`: a comma- or space-separated list (or array) of `__type`
 * prefixes, each beginning `urn:inin.com:`. Throws INVALID_INPUT naming the field.
 */
export function parsePassTypes(value: unknown): string[] {
  const list = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/)).map((t) => t.trim()).filter(Boolean);
  for (const t of list) {
    if (!t.startsWith(ICWS_NS) || t.length === ICWS_NS.length) {
      throw invalidInput(VENDOR, 'events', 'passTypes', `"${t}" is not an ICWS message type prefix (urn:inin.com:…, e.g. urn:inin.com:queues:)`);
    }
  }
  return list;
}

/** Does a message `__type` begin with one of the prefixes? */
export function passes(type: string, prefixes: string[]): boolean {
  return prefixes.some((p) => type.startsWith(p));
}

/** The subscriptions a list of prefixes needs: a prefix names a kind's messages or all of a wider set. */
export function kindsFor(prefixes: string[]): Kind[] {
  return SUBSCRIPTION_KINDS.filter((k) => prefixes.some((p) => k.prefix.startsWith(p) || p.startsWith(k.prefix)));
}

export class IcwsSubscriptions {
  private readonly wanted = new Map<object, string[]>();
  /** The session id the subscriptions in `made` were made on. */
  private madeOn: string | undefined;
  private made = new Set<Kind>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly session: IcwsSession) {
    session.on('state', (s: { phase: string }) => {
      if (s.phase === 'connected') void this.sync();
    });
  }

  /** A listener wants the messages of these prefixes (replaces what it wanted before). */
  want(owner: object, prefixes: string[]): Promise<void> {
    this.wanted.set(owner, prefixes);
    return this.sync();
  }

  /** A listener is gone: a subscription nobody needs any more is deleted. */
  drop(owner: object): Promise<void> {
    if (!this.wanted.delete(owner)) return this.queue;
    return this.sync();
  }

  /** The kinds made on the current session (for status and tests). */
  get active(): string[] {
    return [...this.made].map((k) => k.prefix);
  }

  /** Brings the server in line with what is wanted; one run at a time. */
  private sync(): Promise<void> {
    this.queue = this.queue
      .then(() => this.syncOnce())
      .catch((err: unknown) => {
        // A session closing (redeploy) or going down: the next connect syncs again.
        if (this.session.getStatus().phase === 'connected') this.session.emit('warning', `subscriptions: ${(err as Error).message}`);
      });
    return this.queue;
  }

  private async syncOnce(): Promise<void> {
    const s = this.session;
    const sid = s.sessionId;
    if (!sid || s.getStatus().phase !== 'connected') return;
    if (sid !== this.madeOn) {
      this.madeOn = sid;
      this.made = new Set();
    }
    const need = new Set(kindsFor([...this.wanted.values()].flat()));
    for (const k of need) {
      if (this.made.has(k)) continue;
      const res = await s.request('subscribe', 'PUT', k.rest, k.body(s.userID));
      if (res.status >= 200 && res.status < 300) this.made.add(k);
      else s.emit('warning', `subscribing to ${k.prefix} messages: ${icwsError('subscribe', res, (t) => s.transport.redact(t)).message}`);
    }
    for (const k of [...this.made]) {
      if (need.has(k)) continue;
      this.made.delete(k);
      const res = await s.request('unsubscribe', 'DELETE', k.rest);
      if (res.status >= 300 && res.status !== 404) s.emit('warning', `unsubscribing from ${k.prefix} messages: HTTP ${res.status}`);
    }
  }
}
