/**
 * Shared set-up of the GWS node tests (gws.test.ts, gws-events.test.ts): the agents, the flow
 * (gws-agent, interaction-op, interaction-events), one simulator per test and the suite's helpers.
 */
import { catchNode, collect, helper, onTab, LogCapture, nodeRedHooks, nodeSet, sim, waitFor, type TestNode } from '../helpers';
import type { GwsSimulator } from '../../simulators/gws';

export const PASSWORD = 'S3cret-Agent01!';
export const PASSWORD7 = 'S3cret-Agent07!';
export const USERS = [
  { userName: 'agent01', password: PASSWORD, id: '9d2c0f6e41b84a57' },
  { userName: 'agent07', password: PASSWORD7, id: '5b7e19a2c0d34f88' },
];
export const b64 = (u: string, p: string): string => Buffer.from(`${u}:${p}`).toString('base64');

export type Json = Record<string, unknown>;

export function flow(url: string, nodes: Array<Record<string, unknown>> = []): unknown[] {
  return onTab([
    { id: 'cfg', type: 'gws-config', url, timeout: 5000 },
    { id: 'agent', type: 'gws-agent', config: 'cfg', operation: 'msg', wires: [['out']] },
    { id: 'op', type: 'interaction-op', config: 'cfg', operation: 'msg', wires: [['out']] },
    { id: 'events', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions', wires: [['ev']] },
    { id: 'out', type: 'helper' },
    { id: 'ev', type: 'helper' },
    ...nodes,
  ]);
}

/**
 * Registers the suite's hooks (call inside a `describe`, with its `this`): Node-RED once, a fresh simulator per test.
 * `get` and `set` are the suite's simulator variable (a test may restart the simulator).
 */
export function gwsHarness(suite: Mocha.Suite, { get: current, set }: { get: () => GwsSimulator; set: (s: GwsSimulator) => void }) {
  suite.timeout(20000);
  const log = new LogCapture();

  nodeRedHooks(log);
  beforeEach(async () => {
    set(await sim<GwsSimulator>('gws', { users: USERS, cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 }));
  });
  afterEach(async () => {
    await helper.unload();
    await current().close();
  });

  async function load(nodes: Array<Record<string, unknown>> = [], creds: Record<string, Record<string, string>> = {}, url = current().url) {
    await helper.load([nodeSet('gws'), catchNode], flow(url, nodes) as never, { cfg: { username: 'agent01', password: PASSWORD }, ...creds });
    const get = (id: string): TestNode => helper.getNode(id) as unknown as TestNode;
    return {
      agent: get('agent'),
      op: get('op'),
      events: get('events'),
      out: collect(get('out')),
      ev: collect(get('ev')),
      caught: collect(get('caught')),
      get,
    };
  }
  const subscribed = (n = 1): Promise<void> =>
    waitFor(() => [...current().bayeux.clients.values()].filter((c) => c.subscriptions.size > 0).length >= n, 8000, 'CometD subscription');
  const wire = () => current().server.requests.filter((r) => !r.path.startsWith('/api/v2/notifications'));
  const evIds = (ev: Json[]): string[] => ev.map((m) => String(((m.payload as Json).interaction as Json | undefined)?.id ?? ''));
  return { log, load, subscribed, wire, evIds };
}
