/**
 * node dist/bench/sim-host.js <vendor> <port> [options-json]
 *
 * One simulator in its own process for the bench (as `cc-simulate <vendor> --port N` runs it),
 * with recording off and no artificial delay, plus bench-only controls a flow's load needs
 * and the simulator's own control API has one request per item for:
 *   POST /__sim/bench-invite  {prefix, count}        GWS: offer `count` interactions (ids prefix + i)
 *   POST /__sim/bench-publish {count, rate}          ICWS / GWS: send `count` messages at `rate`/s
 *                                                    (0 = all at once), each stamped with its send time
 *   POST /__sim/bench-sockets {reset?}               open sockets and requests in progress, and their peaks
 * The simulator itself is not changed: it stays the independent witness the tests use.
 */
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Simulator } from '../simulators/common';
import { startSimulator } from '../simulators/registry';

interface Publisher {
  push(seq: number, sentAt: number): void;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function main(): Promise<void> {
  const [vendor, portArg, optsArg] = process.argv.slice(2);
  const opts = JSON.parse(optsArg || '{}') as Record<string, unknown>;
  const sim: Simulator = await startSimulator(vendor, { port: Number(portArg) || 0, ...opts });
  sim.server.record = false;

  // SimServer keeps its http.Server private; the bench only listens to it.
  const server = (sim.server as unknown as { server: http.Server }).server;
  const sockets = { open: 0, maxOpen: 0, active: 0, maxActive: 0 };
  server.on('connection', (s: Socket) => {
    sockets.open++;
    sockets.maxOpen = Math.max(sockets.maxOpen, sockets.open);
    s.once('close', () => sockets.open--);
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/__sim/')) return;
    sockets.active++;
    sockets.maxActive = Math.max(sockets.maxActive, sockets.active);
    res.once('close', () => sockets.active--);
  });
  sim.server.onControl('bench-sockets', (b) => {
    const out = { ...sockets };
    if ((b as { reset?: boolean } | undefined)?.reset) {
      sockets.maxOpen = sockets.open;
      sockets.maxActive = sockets.active;
    }
    return out;
  });

  const handles = sim as unknown as {
    invite?(o: { id: string }): unknown;
    publish?(user: string, channel: string, data: unknown): number;
    push?(m: Record<string, unknown>): number;
    interactions?: Map<string, unknown>;
  };
  sim.server.onControl('bench-invite', (b) => {
    const { prefix, count } = b as { prefix: string; count: number };
    if (!handles.invite) throw new Error(`${vendor} has no invitations`);
    for (let i = 0; i < count; i++) handles.invite({ id: `${prefix}${i}` });
    return { invited: count };
  });

  let publisher: Publisher | undefined;
  if (vendor === 'gws' && handles.publish) {
    const publish = handles.publish.bind(sim);
    const gwsUser = (sim as unknown as { users?: Array<{ userName: string }> }).users?.[0]?.userName ?? 'agent01';
    publisher = { push: (seq, sentAt) => publish(gwsUser, '/v2/me/interactions', { messageType: 'BenchMessage', seq, sentAt }) };
  } else if (vendor === 'icws' && handles.push) {
    const push = handles.push.bind(sim);
    // `servedAt` is read when the simulator writes the message out (an SSE event at once, a poll
    // answer when the client next polls): the part of the latency that is the package's own.
    publisher = {
      push: (seq, sentAt) =>
        push(Object.defineProperty({ __type: 'urn:inin.com:dialer:breakStatusMessage', seq, sentAt }, 'servedAt', { enumerable: true, get: now })),
    };
  }
  sim.server.onControl('bench-publish', (b) => {
    const { count, rate } = b as { count: number; rate: number };
    if (!publisher) throw new Error(`${vendor} publishes no events`);
    const p = publisher;
    if (!rate) {
      for (let i = 0; i < count; i++) p.push(i, now());
      return { published: count };
    }
    // Paced: every tick, publish what is due since the start.
    const start = now();
    let sent = 0;
    const tick = (): void => {
      const due = Math.min(count, Math.floor(((now() - start) / 1000) * rate) + 1);
      while (sent < due) p.push(sent++, now());
      if (sent < count) setTimeout(tick, 2);
    };
    tick();
    return { publishing: count };
  });

  process.stdout.write(`ready ${sim.url}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`sim-host: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
