/**
 * node dist/bench/transport-client.js '<json>': one client of the transport rows in its own
 * process. POSTs the same small JSON body `warm` times untimed, then `n` times timed with
 * `concurrency` in flight; prints one JSON line: the run and the client's CPU per request.
 */
import * as http from 'node:http';
import axios from 'axios';
import { Pool } from 'undici';
import { Transport } from '../lib/http';
import { windowRun } from './common';

export const CLIENTS = ['lib/http Transport (ours)', 'undici Pool', 'node:http + keep-alive agent', 'axios + keep-alive agent'] as const;
export type ClientName = (typeof CLIENTS)[number];

interface Args {
  client: ClientName;
  url: string;
  warm: number;
  n: number;
  concurrency: number;
}

const BODY = JSON.stringify({ userId: 'ravi.k', campaignId: '14', phone: '9876543210' });
const HEADERS = { 'content-type': 'application/json' };

/** One request: resolves true when it failed (HTTP status ≥ 400 counts as failed). */
type Send = () => Promise<boolean>;

function client(a: Args): { send: Send; close(): void } {
  const url = new URL('/command', a.url);
  switch (a.client) {
    case 'lib/http Transport (ours)': {
      const t = new Transport({ vendor: 'Bench', baseUrl: a.url, timeout: 30000, maxSockets: a.concurrency });
      return {
        send: () => t.request({ operation: 'bench', method: 'POST', path: '/command', headers: HEADERS, body: BODY }).then((r) => r.status >= 400),
        close: () => t.close(),
      };
    }
    case 'undici Pool': {
      const pool = new Pool(url.origin, { connections: a.concurrency });
      return {
        send: async () => {
          const r = await pool.request({ path: '/command', method: 'POST', headers: HEADERS, body: BODY });
          await r.body.text();
          return r.statusCode >= 400;
        },
        close: () => void pool.destroy(),
      };
    }
    case 'node:http + keep-alive agent': {
      const agent = new http.Agent({ keepAlive: true, maxSockets: a.concurrency });
      const options = {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { ...HEADERS, 'content-length': Buffer.byteLength(BODY) },
      };
      return {
        send: () =>
          new Promise<boolean>((resolve) => {
            const req = http.request(options, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => resolve((res.statusCode ?? 0) >= 400 || text.length === 0));
              res.on('error', () => resolve(true));
            });
            req.on('error', () => resolve(true));
            req.end(BODY);
          }),
        close: () => agent.destroy(),
      };
    }
    case 'axios + keep-alive agent': {
      const agent = new http.Agent({ keepAlive: true, maxSockets: a.concurrency });
      const ax = axios.create({ httpAgent: agent, validateStatus: () => true, responseType: 'text' });
      return {
        send: () => ax.post(url.href, BODY, { headers: HEADERS }).then((r) => r.status >= 400),
        close: () => agent.destroy(),
      };
    }
  }
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args;
  const c = client(a);
  const pass = (count: number) => {
    const w = windowRun(count, a.concurrency, (i) => {
      c.send().then(
        (failed) => w.complete(i, failed),
        () => w.complete(i, true),
      );
    });
    return w.done;
  };
  await pass(a.warm);
  const cpu0 = process.cpuUsage();
  const run = await pass(a.n);
  const cpu = process.cpuUsage(cpu0);
  c.close();
  process.stdout.write(JSON.stringify({ ...run, cpuUsPerRequest: (cpu.user + cpu.system) / a.n }) + '\n');
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`transport-client: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
