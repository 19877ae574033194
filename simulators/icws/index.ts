/**
 * ICWS (PureConnect / CIC) simulator with Interaction Dialer, written from
 * docs/vendors/icws.md alone (nothing from lib/ or nodes/).
 *
 * Sessions: `POST /icws/connection` (201 + session id, CSRF token, cookie), every session
 * request checks the cookie and the CSRF header (401 without them; the message GET needs no
 * CSRF header), wrong credentials → 400 authenticationFailure (./auth). Messages: short polling
 * (`messagingVersion` 1) or server-sent events (2, the default), chosen by the feature
 * version the connect answer reports (./messaging). Switchover: a second listener runs as the
 * active server; when switched on, this one answers 503 with `alternateHostList` (./routes).
 *
 * Scripting from code (the returned handles) and over HTTP (`POST /__sim/<name>`, ./control):
 * `configure`, `expire`, `drop-session`, `switchover`, `push`, `queue-call`, `set-status`,
 * `state`, `reset`.
 */
import { SimServer, type Simulator } from '../common';
import { registerControl } from './control';
import type { CallScript, IcwsMessage } from './dialer';
import { Messaging } from './messaging';
import { router } from './routes';
import { Subscriptions, type QueueChange } from './subscriptions';
import { IcwsState, copySettings, defaults, zeroStats, type IcwsSettings, type IcwsSimulatorOptions, type IcwsStats, type SimSession } from './state';

export type { IcwsMessage, CallScript, SimCampaign } from './dialer';
export type { IcwsSettings, IcwsSimulatorOptions, IcwsStats, IcwsUser, SimSession } from './state';
export { QUEUE_CONTENTS, USER_STATUS, type QueueChange } from './subscriptions';

export interface IcwsSimulator extends Simulator {
  settings: IcwsSettings;
  sessions: Map<string, SimSession>;
  stats: IcwsStats;
  userStatus: Map<string, string>;
  /** The second listener (the active server in switchover mode), when started. */
  alternate?: IcwsSimulator;
  configure(patch: Partial<IcwsSettings>): void;
  /** Forgets sessions (all, or one): the next request gets 401, SSE streams end. */
  expire(sessionId?: string): number;
  /** Sends connectionStateChangeMessage (down) and then forgets the session(s). */
  dropSession(sessionId?: string, reason?: string): number;
  /** Switchover mode: this server answers 503 pointing at the alternate listener. */
  switchover(on: boolean): { on: boolean; alternateHost: string | null };
  push(message: IcwsMessage, sessionId?: string): number;
  queueCall(script: CallScript): void;
  setStatus(userId: string, statusId: string): void;
  /**
   * An interaction added to, changed in or removed from a queue: a `queueContentsMessage` to each
   * session subscribed to that queue (only those). Answers how many sessions heard it.
   */
  queueInteraction(change: QueueChange): number;
  state(): Record<string, unknown> & { queuedCalls: number };
  reset(): void;
}

export async function start(opts: IcwsSimulatorOptions = {}): Promise<IcwsSimulator> {
  const initial = defaults(opts);
  const st = new IcwsState(copySettings(initial));
  const msg = new Messaging(st);
  const subs = new Subscriptions(st, msg);
  st.onUserStatus = (user) => void subs.statusChanged(user);
  const prefix = (opts.pathPrefix ?? '').replace(/\/+$/, '');
  let alternate: IcwsSimulator | undefined;
  const alternateHost = (): string | null => (alternate ? `127.0.0.1:${alternate.server.port}` : null);

  const server = new SimServer('icws', router({ st, msg, subs, prefix, alternateHost: () => alternateHost() ?? 'cic-b' }), opts);

  const sim: IcwsSimulator = {
    name: 'icws',
    url: '',
    server,
    settings: st.settings,
    sessions: st.sessions,
    stats: st.stats,
    userStatus: st.userStatus,
    alternate: undefined,
    configure(patch) {
      st.settings = { ...st.settings, ...patch };
      sim.settings = st.settings;
      alternate?.configure(patch);
    },
    expire(sessionId) {
      const list = st.pick(sessionId);
      for (const s of list) msg.forget(s);
      st.stats.sessionsExpired += list.length;
      return list.length;
    },
    dropSession(sessionId, reason = 'The session was closed by the server.') {
      const list = st.pick(sessionId);
      for (const s of list) {
        const down: IcwsMessage = {
          __type: 'urn:inin.com:connection:connectionStateChangeMessage',
          isDelta: false,
          previousConnectionState: 1,
          newConnectionState: 2,
          reason,
        };
        msg.emit(s, down);
        s.doomed = true;
        if (s.streams.size) msg.forget(s);
      }
      st.stats.sessionsExpired += list.length;
      return list.length;
    },
    switchover(on) {
      st.switchedOver = on;
      // The backup server knows nothing of the sessions the active one had.
      if (on) for (const s of [...st.sessions.values()]) msg.forget(s);
      return { on, alternateHost: alternateHost() };
    },
    push(message, sessionId) {
      const list = st.pick(sessionId);
      for (const s of list) msg.emit(s, message);
      return list.length;
    },
    queueCall(script) {
      st.scripts.push(script);
    },
    setStatus(userId, statusId) {
      st.setUserStatus(userId, statusId);
    },
    queueInteraction(change) {
      return subs.queueChange(change);
    },
    state() {
      return {
        switchedOver: st.switchedOver,
        alternate: alternate?.url ?? null,
        stats: { ...st.stats },
        activeSessions: st.sessions.size,
        queuedCalls: st.scripts.length,
        userStatus: Object.fromEntries(st.userStatus),
        sessions: [...st.sessions.values()].map((s) => ({
          sessionId: s.id,
          userID: s.userID,
          applicationName: s.applicationName,
          language: s.language,
          station: s.station,
          queued: s.queue.length,
          streams: s.streams.size,
          streamsOpened: s.streamsOpened,
          polls: s.polls,
          delivered: s.delivered.length,
          replayed: s.replayed,
          dialer: s.dialer.summary(),
          subscriptions: { queues: Object.fromEntries(s.subscriptions.queues), users: [...s.subscriptions.users] },
        })),
      };
    },
    reset() {
      for (const s of [...st.sessions.values()]) msg.forget(s);
      st.userStatus.clear();
      st.queueContents.clear();
      st.scripts.length = 0;
      st.switchedOver = false;
      Object.assign(st.stats, zeroStats());
      sim.configure(copySettings(initial));
      alternate?.reset();
    },
    async close() {
      msg.close();
      await server.close();
      if (alternate) await alternate.close();
    },
  };
  registerControl(server, sim);

  sim.url = (await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1')) + prefix;
  if (opts.alternate !== false) {
    try {
      alternate = await start({ ...opts, port: opts.alternatePort ?? 0, alternate: false });
    } catch (e) {
      await server.close();
      throw e;
    }
    sim.alternate = alternate;
  }
  return sim;
}

/** The simulator's default credentials, for the demo (`npm start`) and the examples. */
export const DEMO_CREDENTIALS: Record<string, Record<string, string>> = { 'icws-config': { username: 'agent1', password: 'agent1-secret' } };
