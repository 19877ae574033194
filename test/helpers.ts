/** Shared test utilities: Node-RED test helper set-up, log capture, simulators, waiting. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import helper from 'node-red-node-test-helper';
import { exchange, type Exchange, type Simulator } from '../simulators/common';
import { startSimulator } from '../simulators/registry';

helper.init(require.resolve('node-red'));

export { helper };

export const root = path.resolve(__dirname, '..', '..');

/** Core nodes tests wire in (catch, status). */
export const catchNode: unknown = require('@node-red/nodes/core/common/25-catch.js');

/** Puts every node on one tab (catch nodes and flow context need one) and adds a catch → helper. */
export function onTab(nodes: Array<Record<string, unknown>>, withCatch = true): unknown[] {
  const out: Array<Record<string, unknown>> = [{ id: 'tab1', type: 'tab', label: 'test' }];
  for (const n of nodes) out.push(n.type && String(n.type).endsWith('-config') ? n : { z: 'tab1', x: 100, y: 100, ...n });
  if (withCatch) {
    out.push({ id: 'catch', z: 'tab1', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['caught']] });
    out.push({ id: 'caught', z: 'tab1', x: 300, y: 200, type: 'helper' });
  }
  return out;
}

/** The compiled node set module, as Node-RED loads it. */
export function nodeSet(set: string): unknown {
  return require(path.join(root, 'dist', 'nodes', set, `${set}.js`));
}

export async function sim<T extends Simulator = Simulator>(vendor: string, opts: Record<string, unknown> = {}): Promise<T> {
  return (await startSimulator(vendor, { port: 0, ...opts })) as T;
}

/**
 * Registers a simulator suite's hooks (inside its `describe`): one simulator started before the suite and
 * closed after it, reset (state and recorded requests) before each test; `set` receives it.
 */
export function resetSimulatorHooks<T extends Simulator & { reset(): void }>(startSim: () => Promise<T>, set: (sim: T) => void): void {
  let s: T;
  before(async () => set((s = await startSim())));
  after(() => s.close());
  beforeEach(() => {
    s.reset();
    s.server.clearRequests();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Everything Node-RED logged while the test ran (to search for secrets). */
export class LogCapture {
  lines: string[] = [];
  private restore: Array<() => void> = [];
  start(): this {
    const log = require('@node-red/util').log as { log(m: unknown): void };
    const orig = log.log.bind(log);
    log.log = (m: unknown) => {
      // Errors stringify to {}: keep their message and stack so a leaked secret is found.
      this.lines.push(JSON.stringify(m, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v)));
      orig(m);
    };
    this.restore.push(() => (log.log = orig));
    return this;
  }
  stop(): void {
    this.restore.forEach((r) => r());
    this.restore = [];
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** Registers a node suite's hooks (inside its `describe`): the Node-RED test server and `log` capturing, for the whole suite. */
export function nodeRedHooks(log: LogCapture): void {
  before(() => helper.startServer().then(() => log.start()));
  after(() => {
    log.stop();
    return helper.stopServer();
  });
}

export type TestNode = {
  on(ev: string, fn: (...a: never[]) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: (...a: unknown[]) => void;
  [k: string]: unknown;
};

/** Messages a helper node receives, and errors caught by a catch node. */
export function collect(node: TestNode): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  node.on('input', ((msg: Record<string, unknown>) => out.push(msg)) as never);
  return out;
}

/** Records every status a node shows. */
export function statuses(node: TestNode): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const orig = node.status.bind(node);
  node.status = (s: unknown) => {
    out.push(s as Record<string, unknown>);
    orig(s);
  };
  return out;
}

type HttpApp = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/**
 * node-red-node-test-helper does not serve Node-RED's HTTP node app (RED.httpNode): this wraps a
 * node set module to note that app when Node-RED loads the set, and serves it on a loopback port
 * (404 for what no route answers), so `http in` nodes and endpoints can be called over the wire.
 */
export class HttpNodeServer {
  base = '';
  private app: HttpApp | undefined;
  private readonly server: http.Server = http.createServer((req: http.IncomingMessage, res: http.ServerResponse) =>
    this.app
      ? this.app(req, res, () => {
          res.writeHead(404);
          res.end();
        })
      : res.end(),
  );

  /** The module to pass to helper.load() in place of the node set's own. */
  wrap(set: unknown): (RED: { httpNode: HttpApp }) => void {
    return (RED) => {
      this.app = RED.httpNode;
      (set as (r: { httpNode: HttpApp }) => void)(RED);
    };
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export type RawAnswer = Exchange;

/**
 * One HTTP exchange on a fresh connection (no agent). Not fetch: the tests send bodies, lengths
 * and headers that fetch would refuse or rewrite. A content-length is added unless given.
 */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  return exchange(url, opts);
}
