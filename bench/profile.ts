/**
 * Where the time goes, for one outbound node at the node (no http in):
 *   node --cpu-prof --cpu-prof-dir=.cache/prof dist/bench/profile.js <ameyo|virtualq|gws> [messages] [concurrency]
 *   node dist/bench/profile.js --summary .cache/prof/<file>.cpuprofile
 *   node dist/bench/profile.js --folded .cache/prof/<file>.cpuprofile > stacks.folded
 * The first drives the package's node (in-process Node-RED 4.1, simulator in its own process);
 * the second prints self and inclusive time by function and self time by package/file, counting
 * only the samples from the first message on (not the install and start-up); the third writes
 * the same samples as folded stacks, the input of flame graph tools (flamegraph.pl, speedscope).
 */
import * as fs from 'node:fs';
import { helper, installedSet, loadFlow, startSim, windowRun } from './common';
import { CASES } from './outbound';
import { payloadFor } from './requests';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: Array<ProfileNode & { children?: number[] }>;
  samples: number[];
}

/** The functions the outbound nodes' work starts in: samples before the first of them are start-up. */
const MARKERS = new Set(['clickToDial', 'lineUp', 'interaction']);

function load(file: string): { name(id: number): string; where(id: number): string; stack(id: number): number[]; samples: number[] } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const where = (id: number): string => {
    const url = (byId.get(id) as ProfileNode).callFrame.url.replace(/^file:\/\//, '');
    return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/dist/') ? url.slice(url.indexOf('/dist/') + 1) : url || '(native)');
  };
  const name = (id: number): string => {
    const f = (byId.get(id) as ProfileNode).callFrame;
    const url = f.url.replace(/^file:\/\//, '');
    return `${f.functionName || '(anonymous)'} ${where(id)}${url.includes('node_modules') ? '/' + url.split('/').slice(-2).join('/') : ''}:${f.lineNumber + 1}`;
  };
  const stack = (id: number): number[] => {
    const out: number[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(at);
    return out.reverse();
  };
  const first = p.samples.findIndex((s) => stack(s).some((id) => MARKERS.has((byId.get(id) as ProfileNode).callFrame.functionName)));
  return { name, where, stack, samples: p.samples.slice(Math.max(0, first)) };
}

function summary(file: string): void {
  const prof = load(file);
  const total = prof.samples.length;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  const add = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  for (const s of prof.samples) {
    add(self, prof.name(s));
    add(byFile, prof.where(s));
    for (const n of new Set(prof.stack(s).map(prof.name))) add(inclusive, n);
  }
  const top = (m: Map<string, number>, k: number): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, h]) => `${((h / total) * 100).toFixed(1).padStart(5)}%  ${n}`)
      .join('\n');
  process.stdout.write(
    `${total} samples from the first message on\n\nself time by package / file\n${top(byFile, 25)}\n\nself time by function\n${top(self, 40)}\n\ninclusive time by function\n${top(inclusive, 50)}\n`,
  );
}

/** Folded stacks (`root;caller;callee count`), one line per distinct stack. */
function folded(file: string): void {
  const prof = load(file);
  const counts = new Map<string, number>();
  for (const s of prof.samples) {
    const key = prof
      .stack(s)
      .map((id) => prof.name(id).replace(/;/g, ','))
      .join(';');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  process.stdout.write([...counts].map(([k, n]) => `${k} ${n}`).join('\n') + '\n');
}

async function drive(kind: string, messages: number, concurrency: number): Promise<void> {
  const c = CASES.find((x) => x.kind === kind);
  if (!c) throw new Error(`unknown subject ${kind}`);
  const sim = await startSim(c.kind, c.simOptions);
  await helper.startServer();
  const flow = [
    { id: 'tab', type: 'tab', label: 'profile' },
    { id: 'cfg', ...c.config(sim.url) },
    { id: 'ours', z: 'tab', x: 100, y: 100, ...c.node, config: 'cfg', wires: [['out']] },
    { id: 'out', z: 'tab', x: 300, y: 100, type: 'helper' },
    { id: 'catch', z: 'tab', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'tab', x: 300, y: 200, type: 'helper' },
  ];
  await loadFlow([installedSet(c.set), require('@node-red/nodes/core/common/25-catch.js')], flow, { cfg: c.credentials() });
  await c.prepare(sim, '10', messages);
  const first = helper.getNode('ours') as unknown as { receive(m: Record<string, unknown>): void };
  const w = windowRun(messages, concurrency, (i) => first.receive({ payload: payloadFor(c.kind, '10', i), benchSeq: i }));
  (helper.getNode('out') as unknown as { on(e: string, f: (m: Record<string, unknown>) => void): void }).on('input', (m) =>
    w.complete(m.benchSeq as number, false),
  );
  let failures = 0;
  (helper.getNode('caught') as unknown as { on(e: string, f: (m: Record<string, unknown>) => void): void }).on('input', (m) => {
    if (failures++ === 0) process.stderr.write(`first failure: ${JSON.stringify(m.error)}\n`);
    w.complete(m.benchSeq as number, true);
  });
  const r = await w.done;
  process.stderr.write(`${c.subject}: ${Math.round(r.rate)} msg/s at concurrency ${concurrency}, p99 ${r.p99.toFixed(1)} ms, ${failures} failures\n`);
  await helper.unload();
  await helper.stopServer();
  await sim.stop();
}

const args = process.argv.slice(2);
if (args[0] === '--summary') summary(args[1]);
else if (args[0] === '--folded') folded(args[1]);
else
  drive(args[0] ?? 'ameyo', Number(args[1]) || 20000, Number(args[2]) || 100).then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write((err.stack ?? err.message) + '\n');
      process.exit(1);
    },
  );
