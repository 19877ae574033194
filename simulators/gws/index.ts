/**
 * Genesys Web Services v2 simulator (docs/vendors/gws.md): HTTP Basic, `JSESSIONID`
 * servlet sessions with idle expiry, CSRF enforcement (403 `text/plain`), the agent
 * session (`/api/v2/me`), the multimedia Interactions API with a life cycle
 * (Invited → Processing → Completed / queued / transferred / in a workbin), and a CometD
 * long-polling server on `/api/v2/notifications` delivering the resulting notifications.
 *
 * Parts: `state.ts` (what the server holds), `auth.ts` (sessions, CSRF, answers), `routes.ts`
 * (paths), `interactions.ts` (the Interactions API), `email.ts` (e-mail drafts), `control.ts` (scripting), `bayeux.ts` (CometD).
 *
 * Scripting (in process through the returned handles, over HTTP through `POST /__sim/<name>`):
 * `invite` (a voice call with `ani`/`dnis`, the caller's and the dialled number, when given), `email` (an inbound
 * e-mail, `email.ts`), `expireSessions`, `handshakeAdvice`, `csrf`, `idleTimeout`, `refuse`,
 * `asyncError`, `failChannels`, `publish`, `state`, `reset`.
 */
import { SimServer, type Simulator, type SimulatorOptions } from '../common';
import { BayeuxServer } from './bayeux';
import { handshakeAdvice, registerControl } from './control';
import { raiseEmail, type EmailOptions } from './email';
import { createHandler } from './routes';
import { GwsState, type AgentState, type GwsInteraction, type GwsSession, type GwsUser, type InviteOptions, type Refusal, type SentEmail } from './state';

export type { AgentState, GwsInteraction, GwsSession, GwsUser, InteractionState, InviteOptions, Refusal, SentEmail } from './state';
export type { EmailOptions } from './email';

export interface GwsSimOptions extends SimulatorOptions {
  users?: Array<Partial<GwsUser> & { userName: string; password: string }>;
  /** HTTP session idle timeout in ms (GWS default 1800 s). */
  idleTimeoutMs?: number;
  csrf?: boolean;
  /** CometD long-poll hold (advice.timeout), ms. */
  cometdTimeoutMs?: number;
  /** Extra time before a silent CometD client is dropped, ms. */
  cometdMaxIntervalMs?: number;
}

export interface GwsSimulator extends Simulator {
  users: GwsUser[];
  sessions: Map<string, GwsSession>;
  interactions: Map<string, GwsInteraction>;
  agents: Map<string, AgentState>;
  bayeux: BayeuxServer;
  refusals: Refusal[];
  /** Offers a new interaction to an agent (Invited) and notifies it. */
  invite(o?: InviteOptions): GwsInteraction;
  /** Raises an inbound e-mail (an invite with `userData.FromAddress` / `Subject`). */
  email(o?: EmailOptions): GwsInteraction;
  /** Outbound e-mails sent with `Send`, oldest first. */
  sentEmails: SentEmail[];
  /** Invalidates HTTP sessions (all, or one user's): the next request meets a fresh one. */
  expireSessions(userName?: string): number;
  /** The next `count` CometD connects are answered `402::Unknown client` + reconnect handshake. */
  handshakeAdvice(count?: number): void;
  setCsrf(enabled: boolean): void;
  setIdleTimeout(ms: number): void;
  publish(userName: string, channel: string, data: unknown): number;
}

/** Config node type → credentials the simulator accepts by default (used by the demo). */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'gws-config': { username: 'agent01', password: 'agent01-pass' } };

export async function start(opts: GwsSimOptions = {}): Promise<GwsSimulator> {
  const state: GwsState = new GwsState(opts, () => sim.url);
  const bayeux = new BayeuxServer(state.alive, { timeout: opts.cometdTimeoutMs, maxInterval: opts.cometdMaxIntervalMs });
  state.bayeux = bayeux;
  const sim = new SimServer('gws', createHandler(state), opts);
  registerControl(sim, state);

  const url = await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    name: 'gws',
    url,
    server: sim,
    users: state.users,
    sessions: state.sessions,
    interactions: state.interactions,
    agents: state.agents,
    bayeux,
    refusals: state.refusals,
    invite: (o) => state.invite(o),
    email: (o) => raiseEmail(state, o),
    sentEmails: state.sentEmails,
    expireSessions: (userName) => state.expireSessions(userName),
    handshakeAdvice: (count) => handshakeAdvice(state, count),
    setCsrf: (e) => void (state.csrf = e),
    setIdleTimeout: (ms) => void (state.idleTimeout = ms),
    publish: (userName, channel, data) => bayeux.publish(userName, channel, data),
    async close() {
      bayeux.close();
      await sim.close();
    },
  };
}
