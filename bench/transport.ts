/**
 * The transport comparison: this package's Transport beside raw undici `Pool`, raw `node:http`
 * with a keep-alive agent, and axios, each in a process of its own posting the same JSON at
 * c = 64 to a plain keep-alive server in another process. Figures: requests per second and the
 * client process's CPU time per request (median of the repetitions).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { env, figureOf, log, median, round, type Figure, type Run } from './common';
import { CLIENTS } from './transport-peer';

const PEER = path.join(__dirname, 'transport-peer.js');
export const TRANSPORT_CONCURRENCY = 64;

function runPeer(arg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PEER, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`transport client exited with ${code}`))));
  });
}

export async function transport(): Promise<{ figures: Figure[]; cpu: Record<string, number> }> {
  const server = spawn(process.execPath, [PEER, 'server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve) => readline.createInterface({ input: server.stdout }).once('line', resolve));
    const url = `http://127.0.0.1:${port}`;
    const n = env.messages;
    const runs: Array<Array<Run & { cpuUsPerRequest: number }>> = CLIENTS.map(() => []);
    for (let rep = 0; rep < env.reps; rep++) {
      // Interleaved per repetition, so a change in the machine's load touches every contender alike.
      for (let c = 0; c < CLIENTS.length; c++) {
        const line = await runPeer(JSON.stringify({ client: c, url, warm: Math.ceil(n / 10), n, concurrency: TRANSPORT_CONCURRENCY }));
        const r = JSON.parse(line) as Run & { cpuUsPerRequest: number };
        runs[c].push(r);
        log(`transport ${CLIENTS[c]} rep ${rep + 1}: ${Math.round(r.rate)} req/s, ${round(r.cpuUsPerRequest, 1)} µs CPU per request`);
      }
    }
    const cpu: Record<string, number> = {};
    const figures = CLIENTS.map((name, c) => {
      cpu[name] = round(median(runs[c].map((r) => r.cpuUsPerRequest)), 1);
      return figureOf('transport', 'POST JSON, plain server', name, TRANSPORT_CONCURRENCY, runs[c], `client CPU ${cpu[name]} µs per request`);
    });
    return { figures, cpu };
  } finally {
    server.kill();
  }
}
