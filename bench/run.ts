/**
 * npm run bench: every comparison of issue 11 in one run, figures printed as tables with each
 * target's pass/fail, written to docs/PERFORMANCE.md and bench/results.json.
 *
 * Environment: BENCH_MESSAGES (messages per timed run, default 20000), BENCH_REPS (3),
 * BENCH_ONLY (comma list of transport, outbound, inbound, events, memory; default all; rows not
 * run this time are carried over from bench/results.json, marked with their run's date),
 * BENCH_TRANSPORT_REQUESTS (20000), BENCH_TRANSPORT_CONCURRENCY (64),
 * BENCH_MEMORY_MESSAGES (200000), BENCH_IN_FLIGHT (5000), BENCH_SUBJECTS (outbound: comma list of
 * ameyo, virtualq, gws), BENCH_CONCURRENCY (outbound: default 1,10,100).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, env, log, target, wanted, type Figure, type Target } from './common';
import { PACED_RATE, events } from './events';
import { inbound } from './inbound';
import { memory, type MemoryFigures } from './memory';
import { outbound } from './outbound';
import { TRANSPORT_CONCURRENCY, TRANSPORT_REQUESTS, transport } from './transport';

function table(rows: Figure[], unit: string): string {
  const head = `| subject | contender | concurrency | ${unit} | p50 ms | p99 ms | errors | note |\n|---|---|---|---|---|---|---|---|`;
  return [head, ...rows.map((r) => `| ${r.subject} | ${r.variant} | ${r.concurrency} | ${r.rate} | ${r.p50} | ${r.p99} | ${r.errors} | ${noteOf(r)} |`)].join(
    '\n',
  );
}

function noteOf(r: Figure): string {
  return [r.note, r.carriedFrom ? `from the run of ${r.carriedFrom.slice(0, 16).replace('T', ' ')} UTC` : undefined].filter(Boolean).join('; ');
}

function transportTable(rows: Figure[]): string {
  const head =
    '| client | concurrency | req/s | client CPU µs/request | p50 ms | p99 ms | errors | each run (req/s, µs) | note |\n|---|---|---|---|---|---|---|---|---|';
  const each = (r: Figure): string => (r.runs ?? []).map((x) => `${x.rate} / ${x.cpuUsPerRequest}`).join('; ');
  return [
    head,
    ...rows.map(
      (r) => `| ${r.variant} | ${r.concurrency} | ${r.rate} | ${r.cpuUsPerRequest ?? ''} | ${r.p50} | ${r.p99} | ${r.errors} | ${each(r)} | ${noteOf(r)} |`,
    ),
  ].join('\n');
}

/** Rows of the previous run that this run did not measure (BENCH_ONLY, BENCH_SUBJECTS, BENCH_CONCURRENCY). */
function carried(figures: Figure[]): { figures: Figure[]; order: Figure[]; memory: (MemoryFigures & { carriedFrom?: string }) | null } {
  const file = path.join(ROOT, 'bench', 'results.json');
  if (!fs.existsSync(file)) return { figures: [], order: [], memory: null };
  const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as { date: string; figures: Figure[]; memory: (MemoryFigures & { carriedFrom?: string }) | null };
  const key = (f: Figure): string => `${f.section}|${f.subject}|${f.variant}|${f.concurrency}`;
  const have = new Set(figures.map(key));
  const out = prev.figures.filter((f) => !have.has(key(f))).map((f) => ({ ...f, carriedFrom: f.carriedFrom ?? prev.date }));
  const memory = prev.memory ? { ...prev.memory, carriedFrom: prev.memory.carriedFrom ?? prev.date } : null;
  return { figures: out, order: prev.figures, memory };
}

function targetsOf(figures: Figure[], mem: MemoryFigures | null): Target[] {
  const out: Target[] = [];
  const at = (section: string, subject: string, variant: string, c: number): number | undefined =>
    figures.find((f) => f.section === section && f.subject === subject && f.variant.startsWith(variant) && f.concurrency === c)?.rate;
  for (const subject of [...new Set(figures.filter((f) => f.section === 'outbound').map((f) => f.subject))]) {
    const failed = figures.filter((f) => f.section === 'outbound' && f.subject === subject && f.concurrency === 100 && f.errors > 0);
    const note = failed.length ? `errors in: ${failed.map((f) => f.variant).join(', ')}` : undefined;
    const ours = at('outbound', subject, 'this package', 100);
    const ka = at('outbound', subject, 'function + core http request (keep-alive on)', 100);
    const off = at('outbound', subject, 'function + core http request (keep-alive off)', 100);
    const plain = at('outbound', subject, 'plain axios', 100);
    const ours10 = at('outbound', subject, 'this package', 10);
    out.push(target(`${subject}, c=100: ≥ 4× core http request (keep-alive on)`, ours && ka ? ours / ka : null, '>=', 4, '×', note));
    out.push(target(`${subject}: no drop from c=10 to c=100 (c=100 ≥ 0.95× c=10)`, ours && ours10 ? ours / ours10 : null, '>=', 0.95, '×', note));
    out.push(target(`${subject}, c=100: ≥ 3× core http request (keep-alive off, its default)`, ours && off ? ours / off : null, '>=', 3, '×', note));
    out.push(target(`${subject}, c=100: ≥ 0.7× plain axios script`, ours && plain ? ours / plain : null, '>=', 0.7, '×', note));
  }
  const tr = (v: string): Figure | undefined => figures.find((f) => f.section === 'transport' && f.variant.startsWith(v));
  const ours = tr('lib/http Transport');
  const pool = tr('undici Pool');
  if (ours && pool) {
    out.push(target('transport: ours ≥ 0.85× undici Pool req/s', ours.rate / pool.rate, '>=', 0.85, '×'));
    const cpu = ours.cpuUsPerRequest && pool.cpuUsPerRequest ? ours.cpuUsPerRequest / pool.cpuUsPerRequest : null;
    out.push(target('transport: ours ≤ 1.2× undici Pool client CPU per request', cpu, '<=', 1.2, '×'));
  }
  const inb = figures.filter((f) => f.section === 'inbound' && f.concurrency === 100);
  if (inb.length === 2) out.push(target('inbound c=100: ≥ 1.0× core http in → http response', inb[0].rate / inb[1].rate, '>=', 1, '×'));
  for (const f of figures.filter((x) => x.section === 'events')) {
    if (f.variant.endsWith('burst')) out.push(target(`${f.subject} (${f.variant}): ≥ 2,000 messages/s`, f.rate, '>=', 2000, ' msg/s'));
    else if (f.pollIntervalMs)
      // By the vendor's rule a message waits up to one poll interval at the server; the package
      // may add 50 ms at most (its own share is the "from the poll answer" row, held to < 50 ms).
      out.push(target(`${f.subject} (${f.variant}): p99 delivery < poll interval + 50 ms`, f.p99, '<=', f.pollIntervalMs + 50, ' ms', f.note));
    else out.push(target(`${f.subject} (${f.variant}): p99 delivery < 50 ms`, f.p99, '<=', 50, ' ms', f.note));
  }
  if (mem) {
    out.push(target(`heap after ${mem.messages} messages within 10% of its start`, mem.heapGrowth * 100, '<=', 10, ' %'));
    out.push(target(`${mem.inFlight} in flight: heap per pending request ≤ 5 KB`, mem.heapPerPendingKB, '<=', 5, ' KB'));
    out.push(
      target(
        `requests in flight at the simulator never above the config node's socket cap (${mem.socketCap})`,
        mem.maxRequestsInProgress,
        '<=',
        mem.socketCap,
        ' sockets',
      ),
    );
  }
  return out;
}

function fmt(t: Target): string {
  const v = t.value === null ? 'n/a' : `${Math.round(t.value * 100) / 100}${t.unit ?? ''}`;
  const result = t.pass === null ? 'not available' : t.pass ? 'pass' : 'FAIL';
  return `| ${t.target} | ${v} | ${t.op} ${t.limit}${t.unit ?? ''} | ${result} | ${t.note ?? ''} |`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figure[] = [];
  const unavailable: string[] = [];
  let mem: (MemoryFigures & { carriedFrom?: string }) | null = null;
  if (wanted('transport')) {
    const o = await transport();
    figures.push(...o.figures);
  }
  for (const [section, run] of [
    ['outbound', () => outbound()],
    ['inbound', inbound],
    ['events', events],
  ] as const) {
    if (!wanted(section)) continue;
    const o = await run();
    figures.push(...o.figures);
    unavailable.push(...o.unavailable);
  }
  if (wanted('memory')) {
    mem = await memory();
    if (!mem) unavailable.push('memory: node set "ameyo" not registered');
  }
  const previous = carried(figures);
  figures.push(...previous.figures);
  if (!mem) mem = previous.memory;
  // Carried rows go back to their place: by section, subject and variant as first seen, then concurrency.
  const seen = new Map<string, number>();
  for (const f of [...previous.order, ...figures]) for (const k of [f.subject, f.variant]) if (!seen.has(k)) seen.set(k, seen.size);
  const order = ['transport', 'outbound', 'inbound', 'events'];
  const rank = (f: Figure): number[] => [order.indexOf(f.section), seen.get(f.subject) ?? 0, f.concurrency, seen.get(f.variant) ?? 0];
  figures.sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  const targets = targetsOf(figures, mem);
  const cpus = os.cpus();
  const machine = {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    nodeRed: (require('node-red/package.json') as { version: string }).version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const method = `${env.reps} repetitions per figure (median), each after its own warm-up of 10% of the messages; ${env.messages} messages per timed run (outbound: 3× that for this package's node, so that its runs too last seconds); contenders (and, outbound, the concurrencies) interleaved per repetition`;
  const section = (name: string, unit: string): string => {
    const rows = figures.filter((f) => f.section === name);
    return rows.length ? table(rows, unit) : 'not available (node set not registered or section not run)';
  };
  const memText = mem
    ? [
        '| measure | before | peak during | after |',
        '|---|---|---|---|',
        `| heap MB (${mem.messages} messages, c=100) | ${mem.heapBeforeMB} | ${mem.heapPeakMB} | ${mem.heapAfterMB} |`,
        `| RSS MB | ${mem.rssBeforeMB} | ${mem.rssPeakMB} | ${mem.rssAfterMB} |`,
        '',
        `${mem.inFlight} requests in flight against a slowed simulator: ${mem.heapPerPendingKB} KB heap per pending request; at most ${mem.maxRequestsInProgress} requests in progress at the simulator at once (config node cap ${mem.socketCap}; ${mem.maxSocketsOpen} sockets open at most, one of them the bench's own control connection). Errors during the ${mem.messages}: ${mem.errors}.`,
        ...(mem.carriedFrom ? ['', `(Memory not run this time: figures from the run of ${mem.carriedFrom.slice(0, 16).replace('T', ' ')} UTC.)`] : []),
      ].join('\n')
    : 'not available';
  const md = `# Performance

Produced by \`npm run bench\` (bench/run.ts); do not edit by hand. Last run: ${new Date().toISOString()}.

Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, Node-RED ${machine.nodeRed} (in-process runtime
for outbound, events and memory; a real Node-RED process for inbound), the package installed from its packed tarball.
Load average at the end: ${machine.loadAverage.join(' / ')} (figures taken on a busy machine are noisy; ratios come from the same run).
Method: ${method}. Simulators run in their own process with recording off and no artificial delay.
${figures.some((f) => f.carriedFrom) || mem?.carriedFrom ? '\nRows marked "from the run of …" were not measured in this run (BENCH_ONLY / BENCH_SUBJECTS / BENCH_CONCURRENCY) and are carried over from that earlier run on the same machine.\n' : ''}
## How it is measured

- **Transport**: the HTTP clients alone, no Node-RED: each in its own process (bench/transport-client.ts) POSTs the
  same small JSON body to a plain Node server in another process (bench/plain-server.ts), ${TRANSPORT_REQUESTS} timed requests
  after ${Math.round(TRANSPORT_REQUESTS / 10)} untimed, ${TRANSPORT_CONCURRENCY} in flight, clients interleaved per repetition. Client CPU is the
  client process's user + system time over the timed requests, divided by their number.
- **Outbound**: each contender's first node is driven with \`node.receive()\` keeping *concurrency* messages in flight;
  completions are taken on a helper node (errors on a catch node), so Node-RED's own HTTP server is not in the figures.
  Contenders: this package's node; a function node building the same vendor request (bench/requests.ts) in front of the
  core \`http request\` node with keep-alive off (its default) and on; a plain Node script (no Node-RED) sending the same
  request with axios and a keep-alive agent, the ceiling for this design.
  On 2 cores the simulator's process and the contender's share the machine: a contender that saturates the
  simulator cannot show more, so ratios against slower contenders are a floor, not the node's own limit.
- **Inbound**: autocannon (its own process) posts CreateInteraction to a Node-RED process. autocannon shares the
  2 cores: when both contenders reach the same rate, that is the load generator's ceiling and the ratio only shows
  that the endpoint is not slower.
- **Events**: the simulator publishes messages stamped with their send time; a burst of all at once gives messages/s,
  a paced stream at ${PACED_RATE}/s gives the delivery latency. With short polling the vendor's protocol makes the
  client wait 1,000 ms after each answer before it polls again (docs/vendors/icws.md 5), so a message waits at the server
  for up to a second whatever the client does: the end-to-end figure is held to the poll interval + 50 ms, and a
  second row measures from the moment the simulator wrote the poll answer (the package's own share, held to < 50 ms).
- **Memory**: heap and RSS of the Node-RED process around ${env.memoryMessages} click-to-dial messages, then ${env.inFlight}
  sent at once against a simulator that holds every answer.

## Transport (the HTTP client alone, requests/s)

${figures.some((f) => f.section === 'transport') ? transportTable(figures.filter((f) => f.section === 'transport')) : 'not available (section not run)'}

## Outbound (messages/s at the node)

${section('outbound', 'msg/s')}

## Inbound (Diyalog CreateInteraction through Node-RED's HTTP server)

${section('inbound', 'req/s')}

## Events (simulator → flow)

${section('events', 'msg/s')}

## Memory

${memText}

## Where the time goes

\`node --cpu-prof --cpu-prof-dir=.cache/prof dist/bench/profile.js <ameyo|virtualq|gws> [messages] [concurrency]\`
drives one node in-process; \`node dist/bench/profile.js --summary <file>.cpuprofile\` prints self and inclusive time
by function and self time by package, from the first message on; \`--folded <file>.cpuprofile\` writes folded stacks
for a flame graph (flamegraph.pl, speedscope; the .cpuprofile itself opens in Chrome DevTools). What it showed, and
what was done in the shared layers:

- **axios** took about a fifth of the Node-RED process's CPU per outbound message (config merging, header
  normalisation, interceptors). The transport (lib/http/transport.ts) then sent with Node's own http client, and
  now sends with **undici**'s \`Pool\` (one per origin, the socket cap as its connections, issue 15; see the
  transport rows): the same default headers (except the User-Agent), gzip/deflate (zlib and raw)/br/zstd decoding
  with the decoded size capped, no redirects, errors mapped as before.
- The transport built an **Error for every completed answer** (a \`close\` listener); now only when a body is cut short.
- Requests beyond the config node's **socket cap** waited in the agent's queue as full client requests (18 KB of
  heap each with 5,000 in flight); they now wait in the transport as a small record. The cap is enforced per
  transport before a socket is asked for; event streams bypass it.
- A response's URL is **redacted when read**, not for every answer.
- **AbortControllers**: the adapter made one per msg and the transport one per request, and passed its signal to
  Node's client; creating the EventTargets, adding and removing their listeners, and Node's abort plumbing took
  about a tenth of the CPU per message, more once requests queued for a socket. A small \`Cancel\` (lib/http/cancel.ts)
  now serves the adapter; the transport ends a request by destroying it (timeout, cancel, close) and keeps its
  queue for a socket as plain records. Click-to-dial at c=100 went from about 4,000 to about 6,600 msg/s in
  \`dist/bench/profile.js\`, virtualQ line-up from 3,200 to 5,600.
- Request targets are **parsed once per URL** (was \`new URL\` per request); parameters that resolve at once
  (msg, str, num, bool, json) no longer cost a promise hop; Ameyo parses its answer once (was twice) and skips the
  reason decoding when there is nothing to decode; virtualQ caches camel-cased attribute names.
- In the bench itself, node-red-node-test-helper's **sinon spies** on \`Node.prototype\` (send, status, log…) kept
  every call (2.8 KB per message, and time); they are taken off after loading, as a real Node-RED has none.

What remains per outbound message: socket writes (\`writev\`, the largest single item), Node's http client and
agent, vendor parsing (Ameyo's answer classification; virtualQ's normalisation and redaction of every body and
header), Node-RED's message routing and status.

## Targets

| target | figure | limit | result | note |
|---|---|---|---|---|
${targets.map(fmt).join('\n')}
${unavailable.length ? '\nNot available in this run:\n\n' + unavailable.map((u) => `- ${u}`).join('\n') + '\n' : ''}`;
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'docs', 'PERFORMANCE.md'), md);
  const results = { date: new Date().toISOString(), machine, method, figures, memory: mem, targets, unavailable };
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(md);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write((err.stack ?? err.message) + '\n');
    process.exit(1);
  },
);
