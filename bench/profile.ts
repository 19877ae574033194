/**
 * Where the time goes, for one outbound node at the node (no http in):
 *   node --cpu-prof --cpu-prof-dir=.cache/prof dist/bench/profile.js <ameyo|virtualq|gws> [messages] [concurrency]
 *   node dist/bench/profile.js --summary .cache/prof/<file>.cpuprofile
 * The first drives the package's node (in-process Node-RED 4.1, simulator in its own process);
 * the second prints self time by function and by package/file.
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

function summary(file: string): void {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const total = p.samples.length;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of p.nodes) {
    const hits = n.hitCount ?? 0;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/dist/') ? url.slice(url.indexOf('/dist/') + 1) : url || '(native)');
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    byFile.set(where, (byFile.get(where) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, k: number): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, h]) => `${((h / total) * 100).toFixed(1).padStart(5)}%  ${n}`)
      .join('\n');
  process.stdout.write(`self time by package / file (${total} samples)\n${top(byFile, 25)}\n\nself time by function\n${top(byFn, 40)}\n`);
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
else
  drive(args[0] ?? 'ameyo', Number(args[1]) || 20000, Number(args[2]) || 100).then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write((err.stack ?? err.message) + '\n');
      process.exit(1);
    },
  );
