/**
 * A hostile event source: a GWS notification nested far deeper than any real one (1,000 levels; at
 * 5,000 the CometD library itself drops it), with the
 * event node's output wired to two nodes (Node-RED clones the msg for each). It is reported as a
 * warning and not sent (a clone that overflows the stack would end the process); the next
 * notification is delivered. The per-line / per-message byte caps of the streams are the streams
 * branch's tests.
 */
import * as assert from 'node:assert/strict';
import type { GwsSimulator } from '../../simulators/gws';
import { catchNode, collect, helper, nodeSet, onTab, sim, waitFor, type TestNode } from '../helpers';

describe('security: hostile event sources', function () {
  this.timeout(20000);
  let s: GwsSimulator;
  before(async () => {
    s = await sim<GwsSimulator>('gws');
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await s.close();
  });
  afterEach(() => helper.unload());

  it('GWS interaction-events: a notification 1,000 levels deep (over the 64-level bound) is not sent; the next one is', async () => {
    const flow = onTab([
      { id: 'cfg', type: 'gws-config', url: s.url, timeout: 5000 },
      { id: 'events', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions', wires: [['ev', 'ev2']] },
      { id: 'ev', type: 'helper' },
      { id: 'ev2', type: 'helper' },
    ]);
    await helper.load([nodeSet('gws'), catchNode], flow as never, { cfg: { username: 'agent01', password: 'agent01-pass' } });
    const ev = collect(helper.getNode('ev') as unknown as TestNode);
    const ev2 = collect(helper.getNode('ev2') as unknown as TestNode);
    const warnings: string[] = [];
    (helper.getNode('events') as unknown as { on(e: string, f: (m: unknown) => void): void }).on('call:warn', (c: unknown) =>
      warnings.push(String((c as { args: unknown[] }).args[0])),
    );
    await waitFor(() => [...s.bayeux.clients.values()].some((c) => c.subscriptions.size > 0), 8000, 'CometD subscription');
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    s.invite({ id: 'DEEP1', userData: deep });
    await waitFor(() => warnings.length === 1, 5000, 'a warning');
    assert.match(warnings[0], /deeper than 64 levels/);
    s.invite({ id: 'OK1', userData: { Subject: 'fine' } });
    await waitFor(() => ev.length >= 1 && ev2.length >= 1);
    assert.ok(ev.every((m) => ((m.payload as { interaction?: { id?: string } }).interaction?.id ?? '') !== 'DEEP1'));
  });
});
