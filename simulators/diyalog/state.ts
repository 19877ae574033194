/**
 * In-memory state shared by the Diyalog simulator's roles: the interactions its queueing
 * service holds and the customers waiting in the app (what the application API checks).
 * Written from docs/vendors/diyalog.md alone.
 */

export interface SimInteraction {
  interactionId: string;
  customerId: string;
  identityNumber?: string;
  /** attachedData as received, flattened (both documented shapes end up here). */
  attachedData: Record<string, unknown>;
  /** The raw attachedData shape the caller used. */
  attachedDataShape: 'array' | 'object' | 'none';
  sessionId?: string;
  /** Every top-level field of the request body as parsed. */
  body: Record<string, unknown>;
  createdAt: number;
  /** Set once an agent took the interaction: a DELETE of it is refused from then on (docs/vendors/diyalog.md 3.2). */
  deliveredTo?: string;
  deliveredAt?: number;
}

/** A customer on the app's waiting screen, waiting on one interaction. */
export interface WaitingCustomer {
  interactionId?: string;
  sessionId?: string;
  customerId?: string;
}

export type QueueMode = 'ok' | 'fail' | 'malformed' | 'unauthorized';

export interface QueueSettings {
  /** ok: normal answers; fail: HTTP 200 success:false; malformed: Diyalog's queueing-service document's `=` body; unauthorized: 401. */
  mode: QueueMode;
  /** Message used by `fail` (and carried in the malformed body when set). */
  errorMessage: string;
  /** Wait this long before every queue answer. */
  delayMs: number;
  /** Status of a successful DELETE: 200 with the envelope, 202 with the envelope, 204 empty. */
  deleteStatus: 200 | 202 | 204;
  /** When non-empty, the `Auth-Token` header must equal it (else 401 envelope). */
  authToken: string;
}

export interface ApiSettings {
  /** accessKeyId → accessKeySecret. */
  keys: Map<string, string>;
  /** Allowed clock difference in ms (Diyalog: ±15 min). */
  skewMs: number;
  /** Added to the simulator's clock (to script clock skew). */
  clockOffsetMs: number;
  /** HMAC failure bodies: plain text, or the same text as a JSON string. */
  errorTextStyle: 'plain' | 'quoted';
  /** When false, any id is accepted as having a waiting customer (demo without a queue). */
  requireWaiting: boolean;
}

export class DiyalogState {
  readonly interactions = new Map<string, SimInteraction>();
  readonly waiting: WaitingCustomer[] = [];
  /** Interactions removed by DELETE, in order (so tests can see delete-before-delivery). */
  readonly deleted: string[] = [];
  /** Calls to interactionisnotdelivered that were accepted. */
  readonly notDelivered: Array<{ interactionId?: string; sessionId?: string; message?: string; requesterUserId: string }> = [];
  private seq = 0;

  nextInteractionId(now = Date.now()): string {
    this.seq += 1;
    const d = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
    return `IX-${d}-${String(this.seq).padStart(4, '0')}`;
  }

  addWaiting(w: WaitingCustomer): void {
    if (!w.interactionId && !w.sessionId) throw new Error('a waiting customer needs interactionId or sessionId');
    this.waiting.push({ ...w });
  }

  /**
   * An agent takes an interaction: the given one, else the oldest not yet delivered. The
   * customer leaves the waiting screen. Throws when there is no such interaction.
   */
  deliver(interactionId?: string, agent = 'agent-1', now = Date.now()): SimInteraction {
    const ix = interactionId !== undefined ? this.interactions.get(interactionId) : [...this.interactions.values()].find((i) => i.deliveredTo === undefined);
    if (!ix) throw new Error(interactionId !== undefined ? `interaction ${interactionId} not found` : 'no interaction waits for an agent');
    if (ix.deliveredTo !== undefined) throw new Error(`interaction ${ix.interactionId} is already with ${ix.deliveredTo}`);
    ix.deliveredTo = agent;
    ix.deliveredAt = now;
    for (const w of this.waiting.filter((x) => x.interactionId === ix.interactionId)) this.removeWaiting(w);
    return ix;
  }

  removeWaiting(w: WaitingCustomer): void {
    const i = this.waiting.indexOf(w);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  reset(): void {
    this.interactions.clear();
    this.waiting.length = 0;
    this.deleted.length = 0;
    this.notDelivered.length = 0;
    this.seq = 0;
  }

  snapshot(): { interactions: SimInteraction[]; waiting: WaitingCustomer[]; deleted: string[]; notDelivered: DiyalogState['notDelivered'] } {
    return { interactions: [...this.interactions.values()], waiting: [...this.waiting], deleted: [...this.deleted], notDelivered: [...this.notDelivered] };
  }
}
