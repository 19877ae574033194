/**
 * The ICWS simulator's control API over HTTP (`POST /__sim/<name>`, JSON body): the same
 * scripting the returned handle offers from code.
 *
 *   configure     {…IcwsSettings}                 → {settings}
 *   expire        {sessionId?}                    → {expired}
 *   drop-session  {sessionId?, reason?}           → {dropped}
 *   switchover    {on?: boolean}                  → {on, alternateHost}
 *   push          {message: {__type, …}, sessionId?} → {sessions}
 *   queue-call    {…CallScript}                   → {queued}
 *   set-status    {userId, statusId}               (a userStatusMessage to sessions watching the user)
 *   queue-interaction {queueName, interactionId, attributes?, removed?} → {sessions}
 *                 (a queueContentsMessage to sessions subscribed to the queue, only those)
 *   state                                         → sessions, stats, statuses
 *   reset
 */
import type { SimServer } from '../common';
import type { CallScript, IcwsMessage } from './dialer';
import type { IcwsSimulator } from './index';
import type { IcwsSettings } from './state';

const obj = (b: unknown): Record<string, unknown> => (typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
const optString = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function registerControl(server: SimServer, sim: IcwsSimulator): void {
  server.onControl('configure', (b) => {
    sim.configure(obj(b) as Partial<IcwsSettings>);
    return { settings: { ...sim.settings, users: Object.keys(sim.settings.users) } };
  });
  server.onControl('expire', (b) => ({ expired: sim.expire(optString(obj(b).sessionId)) }));
  server.onControl('drop-session', (b) => ({ dropped: sim.dropSession(optString(obj(b).sessionId), optString(obj(b).reason)) }));
  server.onControl('switchover', (b) => sim.switchover(obj(b).on !== false));
  server.onControl('push', (b) => {
    const m = obj(obj(b).message);
    if (typeof m.__type !== 'string') throw new Error('push needs {message: {__type, ...}}');
    return { sessions: sim.push(m as IcwsMessage, optString(obj(b).sessionId)) };
  });
  server.onControl('queue-call', (b) => {
    sim.queueCall(obj(b) as CallScript);
    return { queued: sim.state().queuedCalls };
  });
  server.onControl('set-status', (b) => {
    const { userId, statusId } = obj(b);
    if (typeof userId !== 'string' || typeof statusId !== 'string') throw new Error('set-status needs {userId, statusId}');
    sim.setStatus(userId, statusId);
    return null;
  });
  server.onControl('queue-interaction', (b) => {
    const { queueName, interactionId, attributes, removed } = obj(b);
    if (typeof queueName !== 'string' || !queueName || typeof interactionId !== 'string' || !interactionId)
      throw new Error('queue-interaction needs {queueName, interactionId, attributes?, removed?}');
    const attrs = Object.fromEntries(Object.entries(obj(attributes)).map(([k, v]) => [k, String(v)]));
    return { sessions: sim.queueInteraction({ queueName, interactionId, attributes: attrs, removed: removed === true }) };
  });
  server.onControl('state', () => sim.state());
  server.onControl('reset', () => {
    sim.reset();
    return null;
  });
}
