/**
 * Events: messages from the simulator (its own process) into a flow, in-process Node-RED 4.1
 * with the node set from the tarball. Each message carries its send time; the helper node
 * behind the events node takes the delivery latency. Two loads per stream: a burst (all
 * messages at once: messages per second) and a paced stream at 2,000/s (p99 latency).
 */
import { demoCredentials, helper, loadFlow, env, figureOf, installedSet, log, eachWithSim, sleep, startSim, waitFor } from './common';
import type { Figure, Run, SimProcess } from './common';

export const PACED_RATE = 2000;

interface Stream {
  set: string;
  subject: string;
  variant: string;
  simOptions: Record<string, unknown>;
  flow(url: string): Array<Record<string, unknown>>;
  credentials(): Record<string, string>;
  note?: string;
  /** Short polling: the protocol's own wait between polls. */
  pollIntervalMs?: number;
}

const STREAMS: Stream[] = [
  {
    set: 'icws',
    subject: 'icws-dialer-events',
    variant: 'server-sent events (messaging v2)',
    simOptions: { alternate: false },
    flow: (url) => [
      { id: 'cfg', type: 'icws-config', url, applicationName: 'bench', language: 'en-us', station: '', restoreDialer: false },
      { id: 'ev', type: 'icws-dialer-events', config: 'cfg', types: '' },
    ],
    credentials: () => demoCredentials('icws', 'icws-config'),
  },
  {
    set: 'icws',
    subject: 'icws-dialer-events',
    variant: 'short polling every second (messaging v1)',
    simOptions: { alternate: false, messagingVersion: 1 },
    flow: (url) => [
      { id: 'cfg', type: 'icws-config', url, applicationName: 'bench', language: 'en-us', station: '', restoreDialer: false },
      { id: 'ev', type: 'icws-dialer-events', config: 'cfg', types: '' },
    ],
    credentials: () => demoCredentials('icws', 'icws-config'),
    note: 'the vendor polls every 1,000 ms (docs/vendors/icws.md 5): a message waits at the server until the next poll',
    pollIntervalMs: 1000,
  },
  {
    set: 'gws',
    subject: 'interaction-events',
    variant: 'CometD long polling',
    simOptions: {},
    flow: (url) => [
      { id: 'cfg', type: 'gws-config', url },
      { id: 'ev', type: 'interaction-events', config: 'cfg', channels: '/v2/me/interactions' },
    ],
    credentials: () => demoCredentials('gws', 'gws-config'),
  },
];

type NodeLike = { on(ev: string, fn: (msg: Record<string, unknown>) => void): void };

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** One load: end to end (from publishing) and from the moment the simulator wrote the message out. */
async function measure(sim: SimProcess, arrivals: number[], sent: number[], served: number[], count: number, rate: number): Promise<[Run, Run]> {
  arrivals.length = 0;
  sent.length = 0;
  served.length = 0;
  await sim.control('bench-publish', { count, rate });
  await waitFor(() => arrivals.length >= count, 60000 + (rate ? (count / rate) * 1000 : 0), `${count} events (got ${arrivals.length})`);
  const run = (from: number[]): Run => {
    const lat = Float64Array.from(arrivals.map((a, i) => a - from[i])).sort();
    const ms = Math.max(...arrivals) - Math.min(...from);
    return { n: count, ms, rate: (count / ms) * 1000, p50: lat[Math.floor(count * 0.5)], p99: lat[Math.min(count - 1, Math.floor(count * 0.99))], errors: 0 };
  };
  return [run(sent), run(served)];
}

export async function events(): Promise<{ figures: Figure[]; unavailable: string[] }> {
  const figures: Figure[] = [];
  const count = Math.min(env.messages, 10000);
  const unavailable = await eachWithSim(
    STREAMS,
    (s) => `events ${s.subject} (${s.variant})`,
    (s) => startSim(s.set, s.simOptions),
    async (s, sim) => {
      const flow = [
        { id: 'tab', type: 'tab', label: 'bench events' },
        ...s.flow(sim.url).map((n) => (n.type === 'tab' || String(n.type).endsWith('-config') ? n : { z: 'tab', x: 100, y: 100, ...n })),
      ];
      (flow.find((n) => n.id === 'ev') as Record<string, unknown>).wires = [['out']];
      flow.push({ id: 'out', z: 'tab', x: 300, y: 100, type: 'helper' });
      await loadFlow([installedSet(s.set)] as never, flow as never, { cfg: s.credentials() } as never);
      const arrivals: number[] = [];
      const sent: number[] = [];
      const served: number[] = [];
      (helper.getNode('out') as unknown as NodeLike).on('input', (msg) => {
        const p = msg.payload as { sentAt?: number; servedAt?: number } | undefined;
        if (typeof p?.sentAt !== 'number') return;
        arrivals.push(now());
        sent.push(p.sentAt);
        served.push(typeof p.servedAt === 'number' ? p.servedAt : p.sentAt);
      });
      // Until the session is up and subscribed, a probe is lost; keep probing.
      const end = Date.now() + 30000;
      while (!arrivals.length) {
        if (Date.now() > end) throw new Error(`${s.subject}: no event reached the flow within 30 s`);
        await sim.control('bench-publish', { count: 1, rate: 0 });
        await sleep(300);
      }
      await sleep(1500);
      await measure(sim, arrivals, sent, served, Math.min(count, 1000), 0); // warm-up
      const burst: Run[] = [];
      const paced: Run[] = [];
      const pacedServed: Run[] = [];
      for (let rep = 0; rep < env.reps; rep++) {
        burst.push((await measure(sim, arrivals, sent, served, count, 0))[0]);
        const [all, own] = await measure(sim, arrivals, sent, served, count, PACED_RATE);
        paced.push(all);
        pacedServed.push(own);
        log(
          `events ${s.subject} ${s.variant} rep ${rep + 1}: burst ${Math.round(burst[rep].rate)} msg/s; paced ${PACED_RATE}/s p99 ${all.p99.toFixed(1)} ms` +
            (s.pollIntervalMs ? ` (${own.p99.toFixed(1)} ms from the poll answer)` : ''),
        );
      }
      figures.push(figureOf('events', s.subject, `${s.variant}, burst`, 1, burst));
      figures.push({ ...figureOf('events', s.subject, `${s.variant}, paced ${PACED_RATE}/s`, 1, paced, s.note), pollIntervalMs: s.pollIntervalMs });
      if (s.pollIntervalMs) {
        figures.push(
          figureOf(
            'events',
            s.subject,
            `${s.variant}, paced ${PACED_RATE}/s, from the poll answer`,
            1,
            pacedServed,
            'from the moment the simulator wrote the poll answer: the package’s own share',
          ),
        );
      }
    },
  );
  return { figures, unavailable };
}
