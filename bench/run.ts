/**
 * npm run bench: simulators on loopback, Node-RED 4.1 started from the packed tarball, and
 * every comparison in the same run. Each figure is the median of 3 repetitions after a warm-up.
 *
 * - outbound: `http in → ameyo-click-to-dial → http response` versus the same flow built from
 *   core nodes (`function` building the request → `http request` → `http response`), both driven
 *   by autocannon; plus a plain Node script with axios and a keep-alive agent (the ceiling).
 * - inbound: `diyalog-interaction-in → diyalog-interaction-response` versus core
 *   `http in → http response` doing the same, loaded by autocannon.
 *
 * Writes docs/PERFORMANCE.md and bench/results.json.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import axios from 'axios';
import type { AmeyoSimulator } from '../simulators/ameyo';
import { startSimulator } from '../simulators/registry';
import { ROOT, deploy, freePort, makeUserDir, nodeRed4, pack, startNodeRed } from '../test/support/nodered';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number }>;

interface Figure {
  name: string;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const REPS = 3;
const DURATION = Number(process.env.BENCH_SECONDS) || 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function cannon(name: string, url: string, concurrency: number, body: string, headers: Record<string, string> = {}): Promise<Figure> {
  const opts = { url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections: concurrency, duration: DURATION };
  await autocannon({ ...opts, duration: 1 }); // warm-up
  const runs = [];
  for (let i = 0; i < REPS; i++) runs.push(await autocannon(opts));
  const errors = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
  return {
    name,
    concurrency,
    rps: Math.round(median(runs.map((r) => r.requests.average))),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    errors,
  };
}

/** The ceiling: a plain script posting the same form with axios and a keep-alive agent. */
async function axiosCeiling(simUrl: string, concurrency: number): Promise<Figure> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = axios.create({ httpAgent: agent, validateStatus: () => true });
  const data = 'data=' + encodeURIComponent(JSON.stringify({ userId: 'ravi.k', campaignId: '14', phone: '9876543210' }));
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'hash-key': 'sim-hash-key',
    'requesting-host': 'sim-crm',
    'policy-name': 'token-based-authorization-policy',
  };
  const once = async (ms: number): Promise<{ n: number; lat: number[] }> => {
    const lat: number[] = [];
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < end) {
          const t0 = performance.now();
          await client.post(simUrl + '/ameyowebaccess/command/?command=clickToDialWithToken', data, { headers });
          lat.push(performance.now() - t0);
        }
      }),
    );
    return { n: lat.length, lat };
  };
  await once(1000);
  const runs = [];
  for (let i = 0; i < REPS; i++) runs.push(await once(DURATION * 1000));
  agent.destroy();
  const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)] ?? 0;
  return {
    name: 'plain axios script (ceiling, no Node-RED)',
    concurrency,
    rps: Math.round(median(runs.map((r) => r.n / DURATION))),
    p50: Math.round(median(runs.map((r) => pct(r.lat, 0.5))) * 100) / 100,
    p99: Math.round(median(runs.map((r) => pct(r.lat, 0.99))) * 100) / 100,
    errors: 0,
  };
}

function outboundFlows(simUrl: string): unknown[] {
  const z = 'bench-out';
  const coreFn = `msg.url = ${JSON.stringify(simUrl)} + '/ameyowebaccess/command/?command=clickToDialWithToken';
msg.method = 'POST';
msg.headers = { 'content-type': 'application/x-www-form-urlencoded', 'hash-key': 'sim-hash-key', 'requesting-host': 'sim-crm', 'policy-name': 'token-based-authorization-policy' };
msg.payload = 'data=' + encodeURIComponent(JSON.stringify({ userId: msg.payload.userId, campaignId: String(msg.payload.campaignId), phone: msg.payload.phone }));
return msg;`;
  const node = (o: Record<string, unknown>): Record<string, unknown> => ({ z, x: 100, y: 100, ...o });
  return [
    { id: z, type: 'tab', label: 'bench outbound' },
    {
      id: 'b-cfg',
      type: 'ameyo-config',
      url: simUrl,
      requestingHost: 'sim-crm',
      policyName: '',
      timeout: '30000',
      maxSockets: '128',
      credentials: { hashKey: 'sim-hash-key' },
    },
    node({ id: 'b-in1', type: 'http in', url: '/bench/ameyo', method: 'post', wires: [['b-dial']] }),
    node({ id: 'b-dial', type: 'ameyo-click-to-dial', config: 'b-cfg', wires: [['b-res1']] }),
    node({ id: 'b-res1', type: 'http response', wires: [] }),
    node({ id: 'b-in2', type: 'http in', url: '/bench/core', method: 'post', wires: [['b-fn']] }),
    node({ id: 'b-fn', type: 'function', func: coreFn, outputs: 1, wires: [['b-req']] }),
    node({ id: 'b-req', type: 'http request', method: 'use', ret: 'txt', paytoqs: 'ignore', url: '', persist: false, wires: [['b-res2']] }),
    node({ id: 'b-res2', type: 'http response', wires: [] }),
    node({ id: 'b-in3', type: 'http in', url: '/bench/core-ka', method: 'post', wires: [['b-fn2']] }),
    node({ id: 'b-fn2', type: 'function', func: coreFn, outputs: 1, wires: [['b-req2']] }),
    node({ id: 'b-req2', type: 'http request', method: 'use', ret: 'txt', paytoqs: 'ignore', url: '', persist: true, wires: [['b-res3']] }),
    node({ id: 'b-res3', type: 'http response', wires: [] }),
  ];
}

function inboundFlows(): unknown[] {
  const z = 'bench-in';
  const node = (o: Record<string, unknown>): Record<string, unknown> => ({ z, x: 100, y: 100, ...o });
  return [
    { id: z, type: 'tab', label: 'bench inbound' },
    { id: 'd-cfg', type: 'diyalog-config', credentials: { authToken: 'bench-token' } },
    node({ id: 'd-in', type: 'diyalog-interaction-in', path: '/bench-diyalog', config: 'd-cfg', responseTimeout: '30000', wires: [['d-set'], ['d-res']] }),
    node({ id: 'd-set', type: 'change', rules: [{ t: 'set', p: 'interactionId', pt: 'msg', to: '4242', tot: 'str' }], wires: [['d-res']] }),
    node({ id: 'd-res', type: 'diyalog-interaction-response', wires: [] }),
    node({ id: 'c-in', type: 'http in', url: '/bench-core/CreateInteraction', method: 'post', wires: [['c-set']] }),
    node({
      id: 'c-set',
      type: 'change',
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"success":true,"errorMessage":null,"result":{"interactionId":"4242"}}', tot: 'json' }],
      wires: [['c-res']],
    }),
    node({ id: 'c-res', type: 'http response', wires: [] }),
  ];
}

function table(rows: Figure[]): string {
  const head = '| comparison | concurrency | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|';
  return head + '\n' + rows.map((r) => `| ${r.name} | ${r.concurrency} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`).join('\n');
}

async function main(): Promise<void> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  const ameyo = (await startSimulator('ameyo', { port: 0, delayMs: 0 })) as AmeyoSimulator;
  ameyo.server.record = false;
  const userDir = makeUserDir(path.join(ROOT, '.cache', 'bench-user'), pack());
  const red = await startNodeRed(nodeRed4(), userDir, await freePort());
  const flows = [...outboundFlows(ameyo.url), ...('diyalog' in pkg['node-red'].nodes ? inboundFlows() : [])];
  await deploy(red.url, flows);
  await new Promise((r) => setTimeout(r, 1500));
  const body = JSON.stringify({ userId: 'ravi.k', campaignId: '14', phone: '9876543210' });
  const outbound: Figure[] = [];
  try {
    for (const c of [10, 100]) {
      outbound.push(await cannon('ameyo-click-to-dial', `${red.url}/bench/ameyo`, c, body));
      outbound.push(await cannon('core http request (keep-alive off)', `${red.url}/bench/core`, c, body));
      outbound.push(await cannon('core http request (keep-alive on)', `${red.url}/bench/core-ka`, c, body));
      outbound.push(await axiosCeiling(ameyo.url, c));
    }
    const inbound: Figure[] = [];
    if ('diyalog' in pkg['node-red'].nodes) {
      const create = JSON.stringify({ identityNumber: '12345678901', customerId: 'c-1', attachedData: [{ ProcessType: 'Loan' }] });
      for (const c of [10, 100]) {
        inbound.push(
          await cannon('diyalog-interaction-in → response', `${red.url}/bench-diyalog/CreateInteraction`, c, create, { 'auth-token': 'bench-token' }),
        );
        inbound.push(await cannon('core http in → http response', `${red.url}/bench-core/CreateInteraction`, c, create));
      }
    }
    const at100 = (n: string): number => outbound.find((f) => f.concurrency === 100 && f.name.startsWith(n))?.rps ?? NaN;
    const targets = [
      { target: 'outbound c=100 ≥ 3× core http request (keep-alive on)', value: at100('ameyo') / at100('core http request (keep-alive on)'), min: 3 },
      { target: 'outbound c=100 ≥ 0.7× plain axios', value: at100('ameyo') / at100('plain axios'), min: 0.7 },
    ];
    if (inbound.length) {
      const i100 = (n: string): number => inbound.find((f) => f.concurrency === 100 && f.name.startsWith(n))?.rps ?? NaN;
      targets.push({ target: 'inbound c=100 ≥ 1.0× core http in/response', value: i100('diyalog') / i100('core'), min: 1 });
      targets.push({ target: 'inbound ≥ 500 req/s', value: i100('diyalog'), min: 500 });
    }
    const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, Node-RED 4.1 from the packed tarball, ${REPS} repetitions of ${DURATION} s after a 1 s warm-up, medians`;
    const lines = targets.map((t) => `| ${t.target} | ${Number.isFinite(t.value) ? t.value.toFixed(2) : 'n/a'} | ${t.value >= t.min ? 'pass' : 'FAIL'} |`);
    const md = `# Performance\n\nLast run: ${new Date().toISOString()} on ${machine}.\n\n## Outbound (Ameyo click-to-dial through Node-RED, simulator delay 0)\n\n${table(outbound)}\n\n## Inbound (Diyalog CreateInteraction)\n\n${inbound.length ? table(inbound) : 'not run (no diyalog node set)'}\n\n## Targets\n\n| target | figure | result |\n|---|---|---|\n${lines.join('\n')}\n`;
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'docs', 'PERFORMANCE.md'), md);
    fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({ machine, outbound, inbound, targets }, null, 2) + '\n');
    process.stdout.write(md);
  } finally {
    await red.stop();
    await ameyo.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write((err.stack ?? err.message) + '\n');
  process.exit(1);
});
