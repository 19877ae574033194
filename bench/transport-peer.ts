/**
 * node dist/bench/transport-peer.js server | '<json client args>'
 *
 * The transport comparison's two processes. `server`: a plain keep-alive HTTP server answering
 * every POST with a small JSON body; prints its port. A client: sends `warm` then `n` timed POSTs
 * of the same JSON at `concurrency` with one HTTP client, and prints one JSON line with the timed
 * run and the client process's CPU time per request.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { Pool } from 'undici';
import { Transport } from '../lib/http';
import { windowRun } from './common';

export const CLIENTS = ['this package (lib/http Transport)', 'raw undici Pool', 'raw node:http + keep-alive agent', 'axios + keep-alive agent'] as const;

interface ClientArgs {
  client: number;
  url: string;
  warm: number;
  n: number;
  concurrency: number;
}

const BODY = JSON.stringify({ campaignId: '14', userId: 'ravi.k', phone: '9876543210', additionalParams: { source: 'bench' } });
const HEADERS = { 'content-type': 'application/json' };

function serve(): void {
  const answer = JSON.stringify({ status: 'ok', result: { id: 'x'.repeat(40) } });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}

type Send = (done: (failed: boolean) => void) => void;

function sender(a: ClientArgs): { send: Send; close(): void } {
  const u = new URL(a.url);
  if (a.client === 0) {
    const t = new Transport({ vendor: 'Bench', baseUrl: a.url, timeout: 30000, maxSockets: a.concurrency });
    return {
      send: (done) =>
        t.request({ operation: 'bench', method: 'POST', path: '/call', headers: HEADERS, body: BODY }).then(
          (r) => done(r.status !== 200 || r.text.length === 0),
          () => done(true),
        ),
      close: () => t.close(),
    };
  }
  if (a.client === 1) {
    const pool = new Pool(u.origin, { connections: a.concurrency, pipelining: 1 });
    return {
      send: (done) =>
        pool.request({ path: '/call', method: 'POST', headers: HEADERS, body: BODY }).then(
          (r) => r.body.text().then((t) => done(r.statusCode !== 200 || t.length === 0)),
          () => done(true),
        ),
      close: () => void pool.close(),
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: a.concurrency });
  if (a.client === 2) {
    return {
      send: (done) => {
        const req = http.request(
          { hostname: u.hostname, port: u.port, path: '/call', method: 'POST', agent, headers: { ...HEADERS, 'content-length': Buffer.byteLength(BODY) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => done(res.statusCode !== 200 || text.length === 0));
          },
        );
        req.on('error', () => done(true));
        req.end(BODY);
      },
      close: () => agent.destroy(),
    };
  }
  const client = axios.create({ httpAgent: agent, validateStatus: () => true, responseType: 'text' });
  return {
    send: (done) =>
      client.post(a.url + '/call', BODY, { headers: HEADERS }).then(
        (r) => done(r.status !== 200),
        () => done(true),
      ),
    close: () => agent.destroy(),
  };
}

async function client(a: ClientArgs): Promise<void> {
  const s = sender(a);
  const pass = (count: number) => {
    const w = windowRun(count, a.concurrency, (i) => s.send((failed) => w.complete(i, failed)));
    return w.done;
  };
  await pass(a.warm);
  const cpu0 = process.cpuUsage();
  const run = await pass(a.n);
  const cpu = process.cpuUsage(cpu0);
  s.close();
  process.stdout.write(JSON.stringify({ ...run, cpuUsPerRequest: (cpu.user + cpu.system) / a.n }) + '\n');
}

if (require.main === module) {
  const arg = process.argv[2];
  if (arg === 'server') serve();
  else
    client(JSON.parse(arg) as ClientArgs).then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`transport-peer: ${err.stack ?? err.message}\n`);
        process.exit(1);
      },
    );
}
