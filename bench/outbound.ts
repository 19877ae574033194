/**
 * Outbound: messages per second at the node. Node-RED 4.1's runtime runs in this process
 * (node-red-node-test-helper) with the node set loaded from the installed tarball; the first
 * node of each contender is driven with node.receive() under a concurrency window and
 * completions are collected on a helper node (errors on a catch node). The simulator runs in
 * its own process; the plain axios script too.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { demoCredentials, helper, loadFlow, env, figureOf, installedSet, log, eachWithSim, startSim, windowRun } from './common';
import type { Figure, Run, SimProcess } from './common';
import { buildRequest, payloadFor, type OutboundKind, type Session } from './requests';

const run$ = promisify(execFile);

type NodeLike = {
  receive(msg: Record<string, unknown>): void;
  on(ev: string, fn: (msg: Record<string, unknown>) => void): void;
  context(): { global: { set(k: string, v: unknown): void } };
};

export interface OutboundCase {
  kind: OutboundKind;
  set: string;
  subject: string;
  simOptions: Record<string, unknown>;
  config(url: string): Record<string, unknown>;
  credentials(): Record<string, string>;
  node: Record<string, unknown>;
  /** Before each run: fresh simulator state; returns the session the hand-built request uses. */
  prepare(sim: SimProcess, tag: string, count: number): Promise<Session>;
}

export const CASES: OutboundCase[] = [
  {
    kind: 'ameyo',
    set: 'ameyo',
    subject: 'ameyo-click-to-dial',
    simOptions: { delayMs: 0 },
    config: (url) => ({ type: 'ameyo-config', url, requestingHost: 'sim-crm', policyName: '', timeout: 30000, maxSockets: 64 }),
    credentials: () => demoCredentials('ameyo', 'ameyo-config'),
    node: { type: 'ameyo-click-to-dial' },
    prepare: async () => ({ hashKey: demoCredentials('ameyo', 'ameyo-config').hashKey }),
  },
  {
    kind: 'virtualq',
    set: 'virtualq',
    subject: 'virtualq-line-up',
    simOptions: { switches: { autoLifeCycle: false } },
    config: (url) => ({ type: 'virtualq-config', url, timeout: 30000, maxSockets: 64 }),
    credentials: () => demoCredentials('virtualq', 'virtualq-config'),
    node: { type: 'virtualq-line-up' },
    prepare: async (sim) => {
      await sim.control('reset', {});
      await sim.control('switches', { autoLifeCycle: false });
      return { apiKey: demoCredentials('virtualq', 'virtualq-config').apiKey };
    },
  },
  {
    kind: 'gws',
    set: 'gws',
    subject: 'interaction-op (Accept)',
    simOptions: {},
    config: (url) => ({ type: 'gws-config', url, timeout: 30000, maxSockets: 64 }),
    credentials: () => demoCredentials('gws', 'gws-config'),
    node: { type: 'interaction-op', operation: 'Accept' },
    prepare: async (sim, tag, count) => {
      await sim.control('reset', {});
      await sim.control('bench-invite', { prefix: `${tag}-`, count });
      // The hand-built flow signs in once (Basic) and keeps the cookie and CSRF token, as an integrator would.
      const { username, password } = demoCredentials('gws', 'gws-config');
      const r = await fetch(sim.url + '/api/v2/me', { headers: { authorization: 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64') } });
      await r.text();
      const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
      return { cookie, csrf: r.headers.get('x-csrf-token') ?? '' };
    },
  },
];

/**
 * `scale`: messages per timed run, as a multiple of BENCH_MESSAGES. This package runs 6× faster
 * than the core node: at 1× its run lasts under 2 s and one GC pause or scheduling hiccup moves
 * its figure by a quarter (seen: 9,700–14,700 msg/s in one run); 3× makes each run last seconds.
 */
const CONTENDERS = [
  { id: 'ours', variant: 'this package', scale: 3 },
  { id: 'core-off', variant: 'function + core http request (keep-alive off)', scale: 1 },
  { id: 'core-on', variant: 'function + core http request (keep-alive on)', scale: 1 },
  { id: 'plain', variant: 'plain axios script, keep-alive (ceiling)', scale: 1 },
] as const;

function coreFunction(kind: string, base: string): string {
  return `const build = ${buildRequest.toString()};
const r = build(${JSON.stringify(kind)}, ${JSON.stringify(base)}, global.get('benchSession'), msg.payload);
msg.method = r.method;
msg.url = r.url;
msg.headers = r.headers;
msg.payload = r.body;
return msg;`;
}

function flowFor(c: OutboundCase, url: string): Array<Record<string, unknown>> {
  const z = 'bench';
  const n = (o: Record<string, unknown>): Record<string, unknown> => ({ z, x: 100, y: 100, ...o });
  const req = (id: string, persist: boolean, next: string): Record<string, unknown> =>
    n({ id, type: 'http request', method: 'use', ret: 'txt', paytoqs: 'ignore', url: '', persist, wires: [[next]] });
  return [
    { id: z, type: 'tab', label: 'bench' },
    { id: 'cfg', ...c.config(url) },
    n({ id: 'ours', ...c.node, config: 'cfg', wires: [['out-ours']] }),
    n({ id: 'out-ours', type: 'helper' }),
    n({ id: 'core-off', type: 'function', func: coreFunction(c.kind, url), outputs: 1, wires: [['req-off']] }),
    req('req-off', false, 'out-core-off'),
    n({ id: 'out-core-off', type: 'helper' }),
    n({ id: 'core-on', type: 'function', func: coreFunction(c.kind, url), outputs: 1, wires: [['req-on']] }),
    req('req-on', true, 'out-core-on'),
    n({ id: 'out-core-on', type: 'helper' }),
    n({ id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['caught']] }),
    n({ id: 'caught', type: 'helper' }),
  ];
}

let runNo = 0;

/** One contender, one run: `warm` untimed messages then `n` timed ones. */
async function runOnce(c: OutboundCase, sim: SimProcess, contender: string, concurrency: number, warm: number, n: number): Promise<Run> {
  const tag = String(++runNo % 100).padStart(2, '0');
  const session = await c.prepare(sim, tag, warm + n);
  if (contender === 'plain') {
    const args = { kind: c.kind, base: sim.url, session, tag, warm, n, concurrency };
    const { stdout } = await run$(process.execPath, [path.join(__dirname, 'plain.js'), JSON.stringify(args)], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Run;
  }
  const first = helper.getNode(contender) as unknown as NodeLike;
  first.context().global.set('benchSession', session);
  const pass = async (offset: number, count: number): Promise<Run> => {
    const w = windowRun(count, concurrency, (i) => first.receive({ payload: payloadFor(c.kind, tag, offset + i), benchSeq: i, benchPass: offset }));
    current = (msg, failed) => {
      if (msg.benchPass === offset) w.complete(msg.benchSeq as number, failed);
    };
    return w.done;
  };
  await pass(0, warm);
  return pass(warm, n);
}

let current: (msg: Record<string, unknown>, failed: boolean) => void = () => undefined;

export async function outbound(concurrencies = env.concurrencies): Promise<{ figures: Figure[]; unavailable: string[] }> {
  const figures: Figure[] = [];
  const core = (f: string): unknown => require(`@node-red/nodes/core/${f}`);
  const cases = CASES.filter((c) => !env.subjects.length || env.subjects.includes(c.kind));
  const unavailable = await eachWithSim(
    cases,
    (c) => `outbound ${c.subject}`,
    (c) => startSim(c.kind, c.simOptions),
    async (c, sim) => {
      await loadFlow(
        [installedSet(c.set), core('function/10-function.js'), core('network/21-httprequest.js'), core('common/25-catch.js')] as never,
        flowFor(c, sim.url) as never,
        { cfg: c.credentials() } as never,
      );
      for (const id of ['out-ours', 'out-core-off', 'out-core-on'])
        (helper.getNode(id) as unknown as NodeLike).on('input', (msg) =>
          current(msg, id !== 'out-ours' && !(Number(msg.statusCode) >= 200 && Number(msg.statusCode) < 400)),
        );
      (helper.getNode('caught') as unknown as NodeLike).on('input', (msg) => current(msg, true));
      const warm = Math.max(200, Math.round(env.messages / 10));
      // Repetitions interleave the concurrencies and the contenders, so that noise from the machine
      // spreads over all of them (the c=10 → c=100 comparison included).
      const runs = new Map<number, Record<string, Run[]>>(concurrencies.map((n) => [n, {}]));
      for (let rep = 0; rep < env.reps; rep++) {
        for (const concurrency of concurrencies) {
          for (const k of CONTENDERS) {
            const r = await runOnce(c, sim, k.id, concurrency, warm, env.messages * k.scale);
            (runs.get(concurrency)![k.id] ??= []).push(r);
            log(`outbound ${c.subject} c=${concurrency} ${k.id} rep ${rep + 1}: ${Math.round(r.rate)} msg/s, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}`);
          }
        }
      }
      for (const concurrency of concurrencies)
        for (const k of CONTENDERS) figures.push(figureOf('outbound', c.subject, k.variant, concurrency, runs.get(concurrency)![k.id]));
    },
  );
  return { figures, unavailable };
}
