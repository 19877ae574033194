/**
 * Transport rows: the HTTP clients themselves, no Node-RED. Each client runs in its own process
 * (bench/transport-client.ts) against one plain server in another (bench/plain-server.ts), the
 * same POST JSON at the same concurrency, clients interleaved per repetition; figures are the
 * median req/s and the client process's CPU (user + system) per request.
 *
 * Environment: BENCH_TRANSPORT_REQUESTS (timed requests per run, default 20000),
 * BENCH_TRANSPORT_CONCURRENCY (default 64), BENCH_REPS.
 */
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { env, figureOf, log, median, readyUrl, round, type Figure, type Run } from './common';
import { CLIENTS } from './transport-client';

const run$ = promisify(execFile);

export const TRANSPORT_REQUESTS = Number(process.env.BENCH_TRANSPORT_REQUESTS) || 20000;
export const TRANSPORT_CONCURRENCY = Number(process.env.BENCH_TRANSPORT_CONCURRENCY) || 64;

async function startServer(): Promise<{ url: string; stop(): void }> {
  const proc = spawn(process.execPath, [path.join(__dirname, 'plain-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await readyUrl(proc, () => 'plain server');
  return { url, stop: () => void proc.kill('SIGTERM') };
}

export async function transport(): Promise<{ figures: Figure[] }> {
  const server = await startServer();
  const runs = new Map<string, Array<Run & { cpuUsPerRequest: number }>>();
  try {
    for (let rep = 0; rep < env.reps; rep++) {
      for (const client of CLIENTS) {
        const args = { client, url: server.url, warm: Math.round(TRANSPORT_REQUESTS / 10), n: TRANSPORT_REQUESTS, concurrency: TRANSPORT_CONCURRENCY };
        const { stdout } = await run$(process.execPath, [path.join(__dirname, 'transport-client.js'), JSON.stringify(args)], { maxBuffer: 1 << 20 });
        const r = JSON.parse(stdout.trim().split('\n').pop() as string) as Run & { cpuUsPerRequest: number };
        log(`transport ${client} rep ${rep + 1}: ${Math.round(r.rate)} req/s, ${round(r.cpuUsPerRequest, 1)} µs CPU/request, ${r.errors} errors`);
        runs.set(client, [...(runs.get(client) ?? []), r]);
      }
    }
  } finally {
    server.stop();
  }
  const figures: Figure[] = [];
  for (const client of CLIENTS) {
    const rs = runs.get(client) ?? [];
    const f = figureOf('transport', 'POST JSON', client, TRANSPORT_CONCURRENCY, rs);
    f.cpuUsPerRequest = round(median(rs.map((r) => r.cpuUsPerRequest)), 1);
    f.runs = rs.map((r) => ({ rate: Math.round(r.rate), cpuUsPerRequest: round(r.cpuUsPerRequest, 1) }));
    figures.push(f);
  }
  return { figures };
}
