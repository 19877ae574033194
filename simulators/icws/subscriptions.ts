/**
 * The ICWS simulator's message subscriptions (docs/vendors/icws.md 4.1): a blended agent's ACD
 * messages reach a session only once it subscribed to them. Written from docs/vendors/icws.md alone.
 *
 *   PUT|DELETE messaging/subscriptions/queues/{subscriptionId}  {queueIds: [{queueType, queueName}], attributeNames}
 *     → 204; then `urn:inin.com:queues:queueContentsMessage` (first the queue's contents, isDelta
 *       false; later deltas: interactionsAdded / interactionsChanged / interactionsRemoved)
 *   PUT|DELETE messaging/subscriptions/status/user-statuses  {userIds: [..]}
 *     → 204; then `urn:inin.com:status:userStatusMessage` (first the users' statuses, isDelta
 *       false; later one per status change)
 *
 * The simulator models queue contents as interactions per queue name, changed from its control
 * API (`queue-interaction`); statuses change by `PUT status/user-statuses/{user}` or `set-status`.
 */
import type * as http from 'node:http';
import type { SimRequest } from '../common';
import { isAnswer, notFound, objectBody, send } from './auth';
import { err, type IcwsMessage } from './dialer';
import type { Messaging } from './messaging';
import type { IcwsState, SimSession } from './state';

export const QUEUE_CONTENTS = 'urn:inin.com:queues:queueContentsMessage';
export const USER_STATUS = 'urn:inin.com:status:userStatusMessage';

/** What one session subscribed to. */
export interface SessionSubscriptions {
  /** subscriptionId → the queue names it watches and the attributes it wants. */
  queues: Map<string, { queueNames: string[]; attributeNames: string[] }>;
  /** Users whose status the session watches. */
  users: Set<string>;
}

export const noSubscriptions = (): SessionSubscriptions => ({ queues: new Map(), users: new Set() });

/** A change to a queue: an interaction added or changed (attributes), or removed. */
export interface QueueChange {
  queueName: string;
  interactionId: string;
  attributes?: Record<string, string>;
  removed?: boolean;
}

const bad = (message: string) => err(400, message, 'error.request.invalidRepresentation');

function pickAttributes(all: Record<string, string>, names: string[]): Record<string, string> {
  if (!names.length) return { ...all };
  return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
}

export class Subscriptions {
  constructor(
    private readonly st: IcwsState,
    private readonly msg: Messaging,
  ) {}

  /** Answers `messaging/subscriptions/...`; false when the path is not one of them. */
  handle(s: SimSession, rest: string, req: SimRequest, res: http.ServerResponse): boolean {
    const q = /^messaging\/subscriptions\/queues\/([^/]+)$/.exec(rest);
    if (q) {
      this.queue(s, decodeURIComponent(q[1]), req, res);
      return true;
    }
    if (rest === 'messaging/subscriptions/status/user-statuses') {
      this.statuses(s, req, res);
      return true;
    }
    return false;
  }

  private queue(s: SimSession, id: string, req: SimRequest, res: http.ServerResponse): void {
    if (req.method === 'DELETE') {
      s.subscriptions.queues.delete(id);
      return send(res, { status: 204 });
    }
    if (req.method !== 'PUT') return send(res, notFound());
    const body = objectBody(req);
    if (isAnswer(body)) return send(res, body);
    const ids = body.queueIds;
    if (!Array.isArray(ids) || !ids.length) return send(res, bad('queueIds is required.'));
    const queueNames: string[] = [];
    for (const q of ids as Array<Record<string, unknown>>) {
      if (typeof q !== 'object' || q === null || typeof q.queueName !== 'string' || typeof q.queueType !== 'number') {
        return send(res, bad('Each queueId needs a queueType and a queueName.'));
      }
      queueNames.push(q.queueName);
    }
    const names = Array.isArray(body.attributeNames) ? body.attributeNames.filter((n): n is string => typeof n === 'string') : [];
    s.subscriptions.queues.set(id, { queueNames, attributeNames: names });
    send(res, { status: 204 });
    const added = queueNames.flatMap((name) =>
      [...(this.st.queueContents.get(name) ?? new Map<string, Record<string, string>>())].map(([interactionId, a]) => ({
        interactionId,
        attributes: pickAttributes(a, names),
      })),
    );
    this.msg.emit(s, {
      __type: QUEUE_CONTENTS,
      isDelta: false,
      subscriptionId: id,
      interactionsAdded: added,
      interactionsChanged: [],
      interactionsRemoved: [],
    });
  }

  private statuses(s: SimSession, req: SimRequest, res: http.ServerResponse): void {
    if (req.method === 'DELETE') {
      s.subscriptions.users.clear();
      return send(res, { status: 204 });
    }
    if (req.method !== 'PUT') return send(res, notFound());
    const body = objectBody(req);
    if (isAnswer(body)) return send(res, body);
    const users = body.userIds;
    if (!Array.isArray(users) || !users.length || !users.every((u) => typeof u === 'string' && u)) return send(res, bad('userIds is required.'));
    s.subscriptions.users = new Set(users as string[]);
    send(res, { status: 204 });
    this.msg.emit(s, { __type: USER_STATUS, isDelta: false, userStatusList: (users as string[]).map((u) => this.statusEntry(u)) });
  }

  private statusEntry(userId: string): Record<string, unknown> {
    const statusId = this.st.statusOf(userId);
    return { userId, statusId, isAcdStatus: statusId === 'Available', statusChanged: new Date().toISOString() };
  }

  /** A user's status changed: every session watching the user hears it. Answers how many. */
  statusChanged(userId: string): number {
    let n = 0;
    for (const s of this.st.sessions.values()) {
      if (!s.subscriptions.users.has(userId)) continue;
      this.msg.emit(s, { __type: USER_STATUS, isDelta: true, userStatusList: [this.statusEntry(userId)] });
      n++;
    }
    return n;
  }

  /** Applies a queue change; every subscription watching the queue hears it. Answers how many sessions. */
  queueChange(c: QueueChange): number {
    let contents = this.st.queueContents.get(c.queueName);
    if (!contents) this.st.queueContents.set(c.queueName, (contents = new Map()));
    const known = contents.has(c.interactionId);
    const attributes = { ...(contents.get(c.interactionId) ?? {}), ...(c.attributes ?? {}) };
    if (c.removed) contents.delete(c.interactionId);
    else contents.set(c.interactionId, attributes);
    let n = 0;
    for (const s of this.st.sessions.values()) {
      let heard = false;
      for (const [subscriptionId, sub] of s.subscriptions.queues) {
        if (!sub.queueNames.includes(c.queueName)) continue;
        const item = { interactionId: c.interactionId, attributes: pickAttributes(attributes, sub.attributeNames) };
        const m: IcwsMessage = {
          __type: QUEUE_CONTENTS,
          isDelta: true,
          subscriptionId,
          interactionsAdded: !c.removed && !known ? [item] : [],
          interactionsChanged: !c.removed && known ? [item] : [],
          interactionsRemoved: c.removed ? [c.interactionId] : [],
        };
        this.msg.emit(s, m);
        heard = true;
      }
      if (heard) n++;
    }
    return n;
  }
}
