/**
 * What the reliability suites share: the node sets registered in package.json, counts of
 * every msg sent and how it ended (through Node-RED's `onComplete` hook, so a msg that ends
 * twice or never is seen), open-handle counts, unhandled rejections, and the run report that
 * docs/counts/ quotes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root, sleep } from '../helpers';

/** Small counts in `npm test`; `CC_SOAK=1` (npm run test:soak) multiplies them. */
export const SOAK = process.env.CC_SOAK === '1' || process.env.CC_SOAK === 'true';
export const N = Number(process.env.CC_REL_N) > 0 ? Number(process.env.CC_REL_N) : SOAK ? 100 : 4;
export const FUZZ_RUNS = Number(process.env.CC_FUZZ_RUNS) > 0 ? Number(process.env.CC_FUZZ_RUNS) : SOAK ? 1000 : 40;

/** The node sets package.json registers, in its order (the suites cover whatever has landed). */
export function registeredSets(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  const only = (process.env.CC_REL_SETS ?? '').split(',').filter(Boolean);
  return Object.keys(pkg['node-red'].nodes).filter((s) => !only.length || only.includes(s));
}

type Msg = Record<string, unknown>;

interface Ending {
  node: string;
  code?: string;
}

/** Records every completion (done()) of a msg carrying `_rel`, by Node-RED's onComplete hook. */
export class Endings {
  private ends = new Map<string, Ending[]>();
  private hooks: { add(name: string, fn: (ev: unknown) => void): void; remove(name: string): void };
  private seq = 0;

  constructor(private label = 'rel') {
    this.hooks = (require('@node-red/util') as { hooks: Endings['hooks'] }).hooks;
  }

  start(): this {
    this.hooks.add(`onComplete.${this.label}`, (ev: unknown) => {
      const e = ev as { msg?: Msg; error?: { code?: string }; node?: { id: string } };
      const id = e.msg?._rel;
      if (typeof id !== 'string') return;
      const list = this.ends.get(id) ?? [];
      list.push({ node: e.node?.id ?? '?', code: e.error ? String(e.error.code ?? 'NO_CODE') : undefined });
      this.ends.set(id, list);
    });
    return this;
  }

  stop(): void {
    this.hooks.remove(`*.${this.label}`);
  }

  /** A fresh msg id. */
  id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  /** Endings of the msg at the node it was given to. */
  of(id: string, node: string): Ending[] {
    return (this.ends.get(id) ?? []).filter((e) => e.node === node);
  }

  /** Waits (bounded) until every msg ended at `node`, then counts: a msg never ended is lost. */
  async settle(ids: string[], node: string, ms = 20000): Promise<Tally> {
    const end = Date.now() + ms;
    while (Date.now() < end && ids.some((id) => this.of(id, node).length === 0)) await sleep(20);
    await sleep(50); // a second ending would show up now
    const t: Tally = { sent: ids.length, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
    for (const id of ids) {
      const e = this.of(id, node);
      if (e.length === 0) t.lost++;
      if (e.length > 1) t.duplicated++;
      if (e.length === 0) continue;
      if (e[0].code) {
        t.errored++;
        t.codes[e[0].code] = (t.codes[e[0].code] ?? 0) + 1;
      } else t.delivered++;
    }
    return t;
  }
}

export interface Tally {
  sent: number;
  delivered: number;
  errored: number;
  lost: number;
  duplicated: number;
  codes: Record<string, number>;
}

export function assertNoneLost(t: Tally, what: string): void {
  assert.equal(t.lost, 0, `${what}: ${t.lost} of ${t.sent} msgs never ended (${JSON.stringify(t)})`);
  assert.equal(t.duplicated, 0, `${what}: ${t.duplicated} msgs ended more than once (${JSON.stringify(t)})`);
}

/** Every error code of `t` is one of `codes`. */
export function assertCodes(t: Tally, codes: string[], what: string): void {
  for (const c of Object.keys(t.codes)) assert.ok(codes.includes(c), `${what}: unexpected error code ${c} (${JSON.stringify(t)}; expected ${codes.join('|')})`);
}

/** The report of this run: one row per vendor and fault or input class. */
const report: Array<{ suite: string; set: string; klass: string } & Omit<Tally, 'codes'> & { codes: string }> = [];

export function record(suite: string, set: string, klass: string, t: Tally): void {
  report.push({
    suite,
    set,
    klass,
    ...t,
    codes: Object.entries(t.codes)
      .map(([k, v]) => `${k}×${v}`)
      .join(' '),
  });
}

/** Writes the report to .cache/reliability/last-run.json (scripts/soak.js turns it into a table). */
export function writeReport(): void {
  if (!report.length) return;
  const dir = path.join(root, '.cache', 'reliability');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'last-run.json');
  let rows: typeof report = [];
  try {
    // Rows of suites not run by this process stay from the last run with the same counts
    // (a soak of one suite keeps the others' soak rows).
    const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows: typeof report; pid: number; soak: boolean };
    if (prev.pid === process.pid || prev.soak === SOAK) rows = prev.rows;
  } catch {
    // first run
  }
  const suites = new Set(report.map((r) => r.suite));
  rows = rows.filter((r) => !suites.has(r.suite)).concat(report);
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, date: new Date().toISOString(), soak: SOAK, n: N, fuzzRuns: FUZZ_RUNS, rows }, null, 2));
}

/** Unhandled rejections and uncaught exceptions while a suite runs. */
export class Crashes {
  list: string[] = [];
  private onRejection = (r: unknown): void => void this.list.push(`unhandledRejection: ${String((r as Error)?.stack ?? r)}`);
  start(): this {
    process.on('unhandledRejection', this.onRejection);
    return this;
  }
  stop(): void {
    process.off('unhandledRejection', this.onRejection);
  }
  assertNone(what: string): void {
    assert.deepEqual(this.list, [], `${what}: unhandled rejections`);
  }
}

/** Counts of sockets, servers, timers and process listeners (what a leak leaves behind). */
export function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'TTYWrap' || r === 'FSReqCallback' || r === 'PipeWrap' || r === 'ProcessWrap' || r === 'SignalWrap') continue;
    out[r] = (out[r] ?? 0) + 1;
  }
  // Listeners a node could leave on the process (exit, signals, unhandled rejections, warnings).
  out['process listeners'] = process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
  return out;
}

/** Waits until no kind of handle exceeds its count at `base`; fails naming the excess. */
export async function assertHandlesBack(base: Record<string, number>, what: string, ms = 10000): Promise<void> {
  const excess = (): string[] =>
    Object.entries(handles())
      .filter(([k, v]) => v > (base[k] ?? 0))
      .map(([k, v]) => `${k} ${base[k] ?? 0}→${v}`);
  const end = Date.now() + ms;
  while (excess().length && Date.now() < end) await sleep(50);
  assert.deepEqual(excess(), [], `${what}: handles left after close`);
}

/** Text of everything a flow or a user could see (errors with their message and stack). */
export function visible(v: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Error) return { ...x, message: x.message, stack: x.stack };
    if (x && typeof x === 'object') {
      if (seen.has(x)) return undefined;
      seen.add(x);
    }
    return x;
  });
}
