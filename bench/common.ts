/**
 * What every bench section shares: figures and statistics, the simulator host processes, the
 * node sets registered in package.json, and the in-process Node-RED 4.1 runtime loading the
 * node sets from the packed tarball (as a user installs them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import helper from 'node-red-node-test-helper';
import { ROOT, freePort, makeUserDir, pack } from '../test/support/nodered';

helper.init(require.resolve('node-red'));

export { helper };

export { ROOT, freePort };

/** One line of a result table. */
export interface Figure {
  section: string;
  subject: string;
  variant: string;
  concurrency: number;
  /** Messages (or requests) per second, median of the repetitions. */
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  messages: number;
  note?: string;
  /** Events by short polling: the protocol's wait between polls, which bounds the end-to-end latency. */
  pollIntervalMs?: number;
  /** Transport rows: the client process's CPU (user + system) per request, median of the repetitions. */
  cpuUsPerRequest?: number;
  /** Transport rows: each repetition's figures. */
  runs?: Array<{ rate: number; cpuUsPerRequest: number }>;
  /** A figure carried over from an earlier run (sections not run this time): that run's date. */
  carriedFrom?: string;
}

export interface Target {
  target: string;
  value: number | null;
  /** How the value is compared: at least / at most `limit`. */
  op: '>=' | '<=';
  limit: number;
  unit?: string;
  pass: boolean | null;
  note?: string;
}

export function target(name: string, value: number | null | undefined, op: '>=' | '<=', limit: number, unit = '', note?: string): Target {
  const v = value === undefined || value === null || !Number.isFinite(value) ? null : value;
  return { target: name, value: v, op, limit, unit, pass: v === null ? null : op === '>=' ? v >= limit : v <= limit, note };
}

export const env = {
  messages: Number(process.env.BENCH_MESSAGES) || 20000,
  reps: Math.max(1, Number(process.env.BENCH_REPS) || 3),
  /** Sections to run (comma list of transport, outbound, inbound, events, memory; default all). */
  only: (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean),
  memoryMessages: Number(process.env.BENCH_MEMORY_MESSAGES) || 200000,
  inFlight: Number(process.env.BENCH_IN_FLIGHT) || 5000,
  /** Outbound subjects (ameyo, virtualq, gws) and concurrencies to run (default all). */
  subjects: (process.env.BENCH_SUBJECTS ?? '').split(',').filter(Boolean),
  concurrencies: (process.env.BENCH_CONCURRENCY ?? '1,10,100')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
};

export function wanted(section: string): boolean {
  return env.only.length === 0 || env.only.includes(section);
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** p-th quantile (0..1) of already sorted values. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** One timed run of `n` messages: throughput and latency quantiles (ms). */
export interface Run {
  n: number;
  ms: number;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

export function runOf(latencies: Float64Array, count: number, ms: number, errors: number): Run {
  const l = latencies.subarray(0, count).sort();
  return { n: count, ms, rate: (count / ms) * 1000, p50: quantile(l, 0.5), p99: quantile(l, 0.99), errors };
}

export function figureOf(section: string, subject: string, variant: string, concurrency: number, runs: Run[], note?: string): Figure {
  return {
    section,
    subject,
    variant,
    concurrency,
    rate: Math.round(median(runs.map((r) => r.rate))),
    p50: round(median(runs.map((r) => r.p50))),
    p99: round(median(runs.map((r) => r.p99))),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    messages: runs[0]?.n ?? 0,
    note,
  };
}

/** Node sets registered in package.json `node-red.nodes` (vendors land during the project). */
export function registeredSets(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  return Object.keys(pkg['node-red'].nodes);
}

/** The user directory with the packed tarball installed (made once per bench run). */
let userDir: string | undefined;
export function installedPackage(): { userDir: string; pkgDir: string } {
  if (!userDir) userDir = makeUserDir(path.join(ROOT, '.cache', 'bench-user'), pack());
  return { userDir, pkgDir: path.join(userDir, 'node_modules', '@cc-glue', 'node-red-contact-center') };
}

/** A node set module as the installed package has it (not the working tree's dist). */
export function installedSet(set: string): unknown {
  return require(path.join(installedPackage().pkgDir, 'dist', 'nodes', set, `${set}.js`));
}

/**
 * Loads a flow into the in-process runtime, then takes away the test helper's sinon spies on
 * Node.prototype (send, status, log…): they record every call, which would cost time and
 * memory no real Node-RED spends.
 */
export async function loadFlow(modules: unknown[], flow: unknown[], credentials: Record<string, Record<string, string>>): Promise<void> {
  await helper.load(modules as never, flow as never, credentials as never);
  const h = helper as unknown as { _sandbox: { restore(): void }; _NodePrototype: Record<string, { restore?(): void }> };
  h._sandbox.restore();
  const proto = h._NodePrototype;
  for (const m of ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send']) {
    for (let i = 0; i < 3 && typeof proto[m]?.restore === 'function'; i++) proto[m].restore?.();
  }
  // Node.updateWires copies the (then spied) prototype send onto each node that has wires.
  for (const n of flow as Array<{ id: string }>) {
    const node = helper.getNode(n.id) as unknown as Record<string, unknown> | null;
    if (node && Object.prototype.hasOwnProperty.call(node, 'send') && typeof (node.send as { getCall?: unknown }).getCall === 'function')
      node.send = proto.send;
  }
}

/** The credentials a simulator accepts by default for a config node type (its DEMO_CREDENTIALS). */
export function demoCredentials(vendor: string, configType: string): Record<string, string> {
  const mod = require(path.join(__dirname, '..', 'simulators', vendor)) as { DEMO_CREDENTIALS?: Record<string, Record<string, string>> };
  const creds = mod.DEMO_CREDENTIALS?.[configType];
  if (!creds) throw new Error(`simulator ${vendor} has no demo credentials for ${configType}`);
  return creds;
}

/** Garbage collection on demand (the bench is started with plain `node`). */
let gcFn: (() => void) | undefined;
export function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A simulator running in its own process (bench/sim-host.ts), so it does not take the bench's event loop. */
export interface SimProcess {
  vendor: string;
  url: string;
  proc: ChildProcess;
  control<T = unknown>(name: string, body?: unknown, method?: string): Promise<T>;
  stop(): Promise<void>;
}

/** The URL a child process prints as its line `ready <url>` (the simulator host and the plain server do). */
export function readyUrl(proc: ChildProcess, what: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^ready (\S+)$/m.exec(buf);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`${what()} exited (${code})`)));
  });
}

/**
 * Runs `body` once per case against the case's own simulator process, inside one helper server;
 * the flow is unloaded and the simulator stopped after each case. A case whose node set is not
 * registered is named in `unavailable` and skipped.
 */
export async function eachWithSim<C extends { set: string }>(
  cases: C[],
  label: (c: C) => string,
  start: (c: C) => Promise<SimProcess>,
  body: (c: C, sim: SimProcess) => Promise<void>,
): Promise<string[]> {
  const sets = registeredSets();
  const unavailable: string[] = [];
  await helper.startServer();
  try {
    for (const c of cases) {
      if (!sets.includes(c.set)) {
        unavailable.push(`${label(c)}: node set "${c.set}" not registered`);
        log(`${label(c)}: not available`);
        continue;
      }
      const sim = await start(c);
      try {
        await body(c, sim);
        await helper.unload();
      } finally {
        await sim.stop();
      }
    }
  } finally {
    await helper.stopServer();
  }
  return unavailable;
}

export async function startSim(vendor: string, options: Record<string, unknown> = {}): Promise<SimProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(__dirname, 'sim-host.js'), vendor, String(port), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await readyUrl(proc, () => `simulator ${vendor}: ${out}`);
  const control = async <T>(name: string, body?: unknown, method = 'POST'): Promise<T> => {
    const r = await fetch(`${url}/__sim/${name}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`simulator ${vendor} control ${name}: HTTP ${r.status} ${text}`);
    const j = JSON.parse(text) as { result?: T };
    return (j.result ?? j) as T;
  };
  return {
    vendor,
    url,
    proc,
    control,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

export function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/**
 * Sends `total` messages keeping `concurrency` in flight: `fire(i)` starts message i, and the
 * caller reports its end with `complete(i, failed)`. Resolves with throughput and latencies.
 */
export function windowRun(total: number, concurrency: number, fire: (i: number) => void): { complete(i: number, failed: boolean): void; done: Promise<Run> } {
  const t0 = new Float64Array(total);
  const lat = new Float64Array(total);
  let next = 0;
  let finished = 0;
  let errors = 0;
  let start = 0;
  let resolve!: (r: Run) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<Run>((res, rej) => ((resolve = res), (reject = rej)));
  let last = performance.now();
  const watchdog = setInterval(() => {
    if (performance.now() - last > 60000) {
      clearInterval(watchdog);
      reject(new Error(`stalled: ${finished} of ${total} messages completed, none in 60 s`));
    }
  }, 1000);
  const launch = (): void => {
    const i = next++;
    t0[i] = performance.now();
    fire(i);
  };
  const ended = new Uint8Array(total);
  const complete = (i: number, failed: boolean): void => {
    // The core http request node reports a failure twice (catch and output): count a message once.
    if (ended[i]) return;
    ended[i] = 1;
    const t = performance.now();
    last = t;
    lat[i] = t - t0[i];
    if (failed) errors++;
    finished++;
    if (next < total) launch();
    if (finished === total) {
      clearInterval(watchdog);
      resolve(runOf(lat, total, t - start, errors));
    }
  };
  start = performance.now();
  if (total === 0) {
    clearInterval(watchdog);
    resolve(runOf(lat, 0, 1, 0));
  }
  for (let k = 0; k < Math.min(concurrency, total); k++) launch();
  return { complete, done };
}
