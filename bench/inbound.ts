/**
 * Inbound: `diyalog-interaction-in → diyalog-interaction-response` versus core
 * `http in → http response` answering the same CreateInteraction, in a real Node-RED 4.1
 * process started from the packed tarball, loaded by autocannon from another process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { deploy, nodeRed4, startNodeRed } from '../test/support/nodered';
import { env, figureOf, freePort, installedPackage, log, registeredSets, sleep, type Figure, type Run } from './common';

const run$ = promisify(execFile);
const TOKEN = 'bench-token';

function flows(): unknown[] {
  const z = 'bench-in';
  const n = (o: Record<string, unknown>): Record<string, unknown> => ({ z, x: 100, y: 100, ...o });
  return [
    { id: z, type: 'tab', label: 'bench inbound' },
    { id: 'd-cfg', type: 'diyalog-config', credentials: { authToken: TOKEN } },
    n({ id: 'd-in', type: 'diyalog-interaction-in', path: '/bench-diyalog', config: 'd-cfg', responseTimeout: '30000', wires: [['d-set'], ['d-res']] }),
    n({ id: 'd-set', type: 'change', rules: [{ t: 'set', p: 'interactionId', pt: 'msg', to: '4242', tot: 'str' }], wires: [['d-res']] }),
    n({ id: 'd-res', type: 'diyalog-interaction-response', wires: [] }),
    n({ id: 'c-in', type: 'http in', url: '/bench-core/CreateInteraction', method: 'post', wires: [['c-set']] }),
    n({
      id: 'c-set',
      type: 'change',
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"success":true,"errorMessage":null,"result":{"interactionId":"4242"}}', tot: 'json' }],
      wires: [['c-res']],
    }),
    n({ id: 'c-res', type: 'http response', wires: [] }),
  ];
}

interface CannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function cannon(url: string, concurrency: number, amount: number, headers: Record<string, string>): Promise<Run> {
  const body = JSON.stringify({ identityNumber: '12345678901', customerId: 'c-1', attachedData: [{ ProcessType: 'Loan' }] });
  const args = [require.resolve('autocannon/autocannon.js'), '--json', '-c', String(concurrency), '-a', String(amount), '-m', 'POST', '-b', body];
  for (const [k, v] of Object.entries({ 'content-type': 'application/json', ...headers })) args.push('-H', `${k}=${v}`);
  args.push(url);
  const { stdout } = await run$(process.execPath, args, { maxBuffer: 16 << 20 });
  const r = JSON.parse(stdout) as CannonResult;
  return {
    n: r.requests.total,
    ms: r.duration * 1000,
    rate: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
  };
}

export async function inbound(concurrencies = [10, 100]): Promise<{ figures: Figure[]; unavailable: string[] }> {
  if (!registeredSets().includes('diyalog')) {
    log('inbound: diyalog node set not registered, not available');
    return { figures: [], unavailable: ['inbound: node set "diyalog" not registered'] };
  }
  const red = await startNodeRed(nodeRed4(), installedPackage().userDir, await freePort());
  const figures: Figure[] = [];
  try {
    await deploy(red.url, flows());
    await sleep(1000);
    const contenders: Array<{ variant: string; url: string; headers: Record<string, string> }> = [
      {
        variant: 'diyalog-interaction-in → response (Auth-Token, validation)',
        url: `${red.url}/bench-diyalog/CreateInteraction`,
        headers: { 'auth-token': TOKEN },
      },
      { variant: 'core http in → change → http response', url: `${red.url}/bench-core/CreateInteraction`, headers: {} },
    ];
    const warm = Math.max(500, Math.round(env.messages / 10));
    for (const c of contenders) await cannon(c.url, 10, warm, c.headers);
    for (const concurrency of concurrencies) {
      const runs: Run[][] = contenders.map(() => []);
      for (let rep = 0; rep < env.reps; rep++) {
        for (const [k, c] of contenders.entries()) {
          const r = await cannon(c.url, concurrency, env.messages, c.headers);
          runs[k].push(r);
          log(`inbound ${c.variant} c=${concurrency} rep ${rep + 1}: ${Math.round(r.rate)} req/s, p99 ${r.p99} ms, errors ${r.errors}`);
        }
      }
      contenders.forEach((c, k) => figures.push(figureOf('inbound', 'Diyalog CreateInteraction', c.variant, concurrency, runs[k])));
    }
  } finally {
    await red.stop();
  }
  return { figures, unavailable: [] };
}
