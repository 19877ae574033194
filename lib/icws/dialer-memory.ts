/**
 * What an ICWS session remembers of the agent's Dialer state, from two sources only: the
 * requests that succeeded (`remember`) and the messages the server sent (`observe`). Read-only
 * from outside: the current and the last call (for the disposition and update-call-data
 * checks), and the steps that restore the agent on a new session (restoreDialer).
 */
import { T, applyDataPop, logoutGrant, type IcwsMessage, type KnownCall } from './messages';

/** What the agent did that a new session must redo. */
interface AgentState {
  globalLogIn: boolean;
  campaigns: string[];
  ready?: Record<string, unknown>;
  status?: { userId: string; statusId: string };
}

export type RestoreStep = [operation: string, method: 'POST' | 'PUT', rest: string, body: unknown];

export class DialerMemory {
  private agent: AgentState = { globalLogIn: false, campaigns: [] };
  private known: KnownCall | undefined;
  private last: KnownCall | undefined;

  /** The agent's current Dialer call as its data pop described it. */
  get call(): KnownCall | undefined {
    return this.known;
  }

  /** The last call dispositioned (for update-call-data after the disposition). */
  get lastCall(): KnownCall | undefined {
    return this.last;
  }

  /** A successful Dialer/status request; `callAtSend` is the current call's id when it was sent. */
  remember(operation: string, body: Record<string, unknown>, ownUserId: string, callAtSend?: string): void {
    const m = this.agent;
    if (operation === 'logIn') {
      if (typeof body.campaignId === 'string') {
        if (!m.campaigns.includes(body.campaignId)) m.campaigns.push(body.campaignId);
      } else m.globalLogIn = true;
    } else if (operation === 'logOff') {
      const ids = Array.isArray(body.campaignIds) ? (body.campaignIds as string[]) : [];
      if (ids.length === 0) this.agent = { globalLogIn: false, campaigns: [], status: m.status };
      else m.campaigns = m.campaigns.filter((c) => !ids.includes(c));
    } else if (operation === 'readyForCalls') {
      m.ready = body;
    } else if (operation === 'setStatus' && typeof body.userId === 'string' && typeof body.statusId === 'string') {
      if (body.userId === ownUserId) m.status = { userId: body.userId, statusId: body.statusId };
    } else if (operation === 'disposition') {
      // Only the call the request was about: Dialer may have popped the next one meanwhile.
      if (this.known && this.known.interactionId === callAtSend) {
        this.last = this.known;
        this.known = undefined;
      }
    } else if (operation === 'placePreviewCall' && this.known && this.known.interactionId === callAtSend) {
      this.known = { ...this.known, callPlaced: true };
    }
  }

  /** A message from the server (data pops and log-off grants change what is known). */
  observe(m: IcwsMessage): void {
    if (m.__type === T.dataPop) this.known = applyDataPop(this.known, m);
    if (m.__type === T.logoutGranted) {
      const g = logoutGrant(m);
      if (g.all) this.agent = { globalLogIn: false, campaigns: [], status: this.agent.status };
      else this.agent.campaigns = this.agent.campaigns.filter((c) => !g.ids.includes(c));
    }
  }

  /** The requests that put a new session where the agent was: log-in, campaigns, ready, status. */
  restoreSteps(): RestoreStep[] {
    const m = this.agent;
    const steps: RestoreStep[] = [];
    if (m.globalLogIn) steps.push(['logIn', 'POST', 'dialer/log-in', {}]);
    for (const c of m.campaigns) steps.push(['logIn', 'POST', 'dialer/log-in', { campaignId: c }]);
    if (m.ready && (m.globalLogIn || m.campaigns.length)) steps.push(['readyForCalls', 'POST', 'dialer/ready-for-calls', m.ready]);
    if (m.status) steps.push(['setStatus', 'PUT', `status/user-statuses/${encodeURIComponent(m.status.userId)}`, { statusId: m.status.statusId }]);
    return steps;
  }
}
