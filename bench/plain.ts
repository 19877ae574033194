/**
 * node dist/bench/plain.js '<json>'
 *
 * The ceiling of the outbound comparison: a plain Node script, no Node-RED, posting the same
 * requests with axios and a keep-alive agent. Runs `warm` untimed then `n` timed requests at
 * `concurrency`, prints one JSON line with the timed run.
 */
import * as http from 'node:http';
import axios from 'axios';
import { windowRun } from './common';
import { buildRequest, payloadFor, type Session } from './requests';

interface Args {
  kind: string;
  base: string;
  session: Session;
  tag: string;
  warm: number;
  n: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args;
  const agent = new http.Agent({ keepAlive: true, maxSockets: a.concurrency });
  const client = axios.create({ httpAgent: agent, validateStatus: () => true, responseType: 'text' });
  const pass = async (offset: number, count: number) => {
    const w = windowRun(count, a.concurrency, (i) => {
      const r = buildRequest(a.kind, a.base, a.session, payloadFor(a.kind, a.tag, offset + i));
      client.request({ method: r.method, url: r.url, headers: r.headers, data: r.body }).then(
        (res) => w.complete(i, res.status >= 400),
        () => w.complete(i, true),
      );
    });
    return w.done;
  };
  await pass(0, a.warm);
  const run = await pass(a.warm, a.n);
  agent.destroy();
  process.stdout.write(JSON.stringify(run) + '\n');
}

main().catch((err: Error) => {
  process.stderr.write(`plain: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
