/**
 * The GWS simulator's control API (docs/vendors/gws.md 8): `POST /__sim/<name>` hooks that
 * script the server (the same hooks the in-process handles call).
 */
import type { SimServer } from '../common';
import { raiseEmail, type EmailOptions } from './email';
import { isPlainObject, type AsyncError, type GwsState, type InviteOptions, type Refusal } from './state';

const obj = (b: unknown): Record<string, unknown> => (isPlainObject(b) ? b : {});

/** The next `count` CometD connects are answered `402::Unknown client` + reconnect handshake. */
export function handshakeAdvice(state: GwsState, count = 1): void {
  const bayeux = state.bayeux;
  bayeux.forceHandshake = count;
  // Held connects are answered now so that the advice reaches waiting clients promptly.
  for (const c of [...bayeux.clients.values()])
    if (c.pending && bayeux.forceHandshake > 0) {
      bayeux.forceHandshake--;
      bayeux.drop(c.id);
    }
}

export function registerControl(sim: SimServer, state: GwsState): void {
  sim.onControl('invite', (b) => state.view(state.invite(obj(b) as InviteOptions)));
  sim.onControl('email', (b) => state.view(raiseEmail(state, obj(b) as EmailOptions)));
  sim.onControl('expireSessions', (b) => ({ expired: state.expireSessions(obj(b).userName as string | undefined) }));
  sim.onControl('handshakeAdvice', (b) => {
    handshakeAdvice(state, typeof obj(b).count === 'number' ? (obj(b).count as number) : 1);
    return { pending: state.bayeux.forceHandshake };
  });
  sim.onControl('csrf', (b) => {
    state.csrf = obj(b).enabled !== false;
    return { enabled: state.csrf };
  });
  sim.onControl('idleTimeout', (b) => {
    const ms = obj(b).ms;
    if (typeof ms !== 'number' || ms <= 0) throw new Error('ms must be a positive number');
    state.idleTimeout = ms;
    return { ms };
  });
  sim.onControl('refuse', (b) => {
    state.refusals.push(obj(b) as Refusal);
    return { refusals: state.refusals.length };
  });
  sim.onControl('asyncError', (b) => {
    state.asyncErrors.push(obj(b) as AsyncError);
    return { pending: state.asyncErrors.length };
  });
  sim.onControl('failChannels', (b) => {
    const ch = obj(b).channels;
    state.failChannels = new Set(Array.isArray(ch) ? ch.filter((c): c is string => typeof c === 'string') : []);
    return { channels: [...state.failChannels] };
  });
  sim.onControl('publish', (b) => {
    const o = obj(b);
    if (typeof o.channel !== 'string') throw new Error('channel is required');
    return { delivered: state.bayeux.publish(typeof o.userName === 'string' ? o.userName : state.users[0].userName, o.channel, o.data) };
  });
  sim.onControl('state', () => ({
    sessions: [...state.sessions.values()].map((s) => ({ id: s.id, userName: s.user.userName })),
    cometdClients: [...state.bayeux.clients.values()].map((c) => ({ id: c.id, userName: c.user, subscriptions: [...c.subscriptions] })),
    interactions: [...state.interactions.values()].map((i) => ({ ...state.view(i), owner: i.owner })),
    agents: Object.fromEntries(state.agents),
    sentEmails: state.sentEmails,
  }));
  sim.onControl('reset', () => {
    state.reset();
    return null;
  });
}
