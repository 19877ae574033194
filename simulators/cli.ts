#!/usr/bin/env node
/**
 * cc-simulate <vendor|all> [--port N] [--host H]
 * Starts one simulator (or all of them on their default ports) and prints their URLs.
 */
import type { Simulator } from './common';
import { DEFAULT_PORTS, VENDORS, startSimulator } from './registry';

function usage(): never {
  process.stderr.write(`usage: cc-simulate <${VENDORS.join('|')}|all> [--port N] [--host 127.0.0.1]\n`);
  process.exit(2);
}

export async function main(argv: string[]): Promise<Simulator[]> {
  const args = [...argv];
  const what = args.shift();
  if (!what || what === '--help' || what === '-h') usage();
  let port: number | undefined;
  let host = '127.0.0.1';
  while (args.length) {
    const a = args.shift();
    if (a === '--port') port = Number(args.shift());
    else if (a === '--host') host = String(args.shift());
    else usage();
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) usage();
  const vendors = what === 'all' ? VENDORS : [what];
  if (what === 'all' && port !== undefined) {
    process.stderr.write('--port applies to one simulator; "all" uses the default ports\n');
    process.exit(2);
  }
  const started: Simulator[] = [];
  for (const v of vendors) {
    if (!VENDORS.includes(v)) usage();
    const sim = await startSimulator(v, { port: port ?? DEFAULT_PORTS[v], host });
    started.push(sim);
    process.stdout.write(`${v} simulator listening on ${sim.url}\n`);
  }
  return started;
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((sims) => {
      const stop = (): void => {
        void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err: Error) => {
      process.stderr.write(`cc-simulate: ${err.message}\n`);
      process.exit(1);
    });
}
