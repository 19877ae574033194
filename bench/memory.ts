/**
 * Memory (in-process Node-RED 4.1, ameyo-click-to-dial, simulator in its own process):
 * heap and RSS before, during (peak) and after 200,000 messages at concurrency 100; then
 * 5,000 messages in flight against a slowed simulator: heap per pending request, and the
 * sockets the simulator saw at once never above the config node's cap.
 */
import { demoCredentials, helper, loadFlow, env, gc, installedSet, log, registeredSets, sleep, startSim, waitFor, windowRun } from './common';
import { payloadFor } from './requests';

export const SOCKET_CAP = 64;
const SLOW_MS = 8000;

export interface MemoryFigures {
  messages: number;
  heapBeforeMB: number;
  heapPeakMB: number;
  heapAfterMB: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssAfterMB: number;
  /** (after − before) / before. */
  heapGrowth: number;
  inFlight: number;
  heapPerPendingKB: number;
  socketCap: number;
  maxSocketsOpen: number;
  maxRequestsInProgress: number;
  errors: number;
}

type NodeLike = { receive(msg: Record<string, unknown>): void; on(ev: string, fn: (msg: Record<string, unknown>) => void): void };

const MB = 1024 * 1024;
const mb = (n: number): number => Math.round((n / MB) * 10) / 10;

async function settledHeap(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(200);
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

export async function memory(): Promise<MemoryFigures | null> {
  if (!registeredSets().includes('ameyo')) return null;
  const sim = await startSim('ameyo', { delayMs: 0 });
  await helper.startServer();
  try {
    const flow = [
      { id: 'tab', type: 'tab', label: 'bench memory' },
      { id: 'cfg', type: 'ameyo-config', url: sim.url, requestingHost: 'sim-crm', policyName: '', timeout: 60000, maxSockets: SOCKET_CAP },
      { id: 'ours', z: 'tab', x: 100, y: 100, type: 'ameyo-click-to-dial', config: 'cfg', wires: [['out']] },
      { id: 'out', z: 'tab', x: 300, y: 100, type: 'helper' },
      { id: 'catch', z: 'tab', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', x: 300, y: 200, type: 'helper' },
    ];
    await loadFlow(
      [installedSet('ameyo'), require('@node-red/nodes/core/common/25-catch.js')] as never,
      flow as never,
      { cfg: demoCredentials('ameyo', 'ameyo-config') } as never,
    );
    const first = helper.getNode('ours') as unknown as NodeLike;
    let current: (msg: Record<string, unknown>, failed: boolean) => void = () => undefined;
    (helper.getNode('out') as unknown as NodeLike).on('input', (m) => current(m, false));
    (helper.getNode('caught') as unknown as NodeLike).on('input', (m) => current(m, true));
    const drive = (count: number, concurrency: number): Promise<{ errors: number }> => {
      const w = windowRun(count, concurrency, (i) => first.receive({ payload: payloadFor('ameyo', '', i), benchSeq: i }));
      current = (m, failed) => w.complete(m.benchSeq as number, failed);
      return w.done;
    };

    await drive(5000, 100); // warm-up
    await sim.control('bench-sockets', { reset: true });
    const before = await settledHeap();
    let heapPeak = before.heap;
    let rssPeak = before.rss;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed);
      rssPeak = Math.max(rssPeak, m.rss);
    }, 100);
    const big = await drive(env.memoryMessages, 100);
    clearInterval(sampler);
    await sleep(1000);
    const after = await settledHeap();
    log(`memory: ${env.memoryMessages} messages, heap ${mb(before.heap)} → peak ${mb(heapPeak)} → ${mb(after.heap)} MB`);

    // In flight: the simulator holds every answer; requests beyond the cap wait in the agent's queue.
    await sim.control('config', { delayMs: SLOW_MS });
    const base = await settledHeap();
    let ended = 0;
    current = () => ended++;
    const t0 = Date.now();
    for (let i = 0; i < env.inFlight; i++) first.receive({ payload: payloadFor('ameyo', '', i), benchSeq: i });
    await waitFor(() => Date.now() - t0 > 1500, 5000, 'messages to reach the node');
    const loaded = await settledHeap();
    const inFlight = env.inFlight - ended;
    const sockets = await sim.control<{ maxOpen: number; maxActive: number }>('bench-sockets');
    if (Date.now() - t0 >= SLOW_MS) log('memory: the in-flight measurement took longer than the simulator delay; figure is approximate');
    const perPending = (loaded.heap - base.heap) / Math.max(1, inFlight) / 1024;
    log(`memory: ${inFlight} in flight, ${perPending.toFixed(2)} KB heap each; sockets at once ${sockets.maxOpen} (cap ${SOCKET_CAP})`);
    await helper.unload(); // closes the transport: aborts what is still queued
    return {
      messages: env.memoryMessages,
      heapBeforeMB: mb(before.heap),
      heapPeakMB: mb(heapPeak),
      heapAfterMB: mb(after.heap),
      rssBeforeMB: mb(before.rss),
      rssPeakMB: mb(rssPeak),
      rssAfterMB: mb(after.rss),
      heapGrowth: Math.round(((after.heap - before.heap) / before.heap) * 1000) / 1000,
      inFlight,
      heapPerPendingKB: Math.round(perPending * 100) / 100,
      socketCap: SOCKET_CAP,
      maxSocketsOpen: sockets.maxOpen,
      maxRequestsInProgress: sockets.maxActive,
      errors: big.errors,
    };
  } finally {
    await helper.stopServer();
    await sim.stop();
  }
}
