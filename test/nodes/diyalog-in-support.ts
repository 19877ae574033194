/**
 * Shared set-up of the diyalog-interaction-in / -response node tests: a real HTTP server mounting
 * the runtime's HTTP node app under an httpNodeRoot-like prefix, the Diyalog simulator (its
 * client role drives the endpoint), and the flow in → (assign an id) → response.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, rawRequest, sim, type RawAnswer } from '../helpers';
import type { DiyalogSimulator } from '../../simulators/diyalog';

export const TOKEN = 'in-TOKEN-5b1e77c2';
export const ROOT = '/api';

type App = (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;
type Msgs = Array<Record<string, unknown>>;
export interface FlowOptions {
  path?: string;
  token?: boolean;
  responseTimeout?: number;
  wireResponse?: boolean;
}

export interface InboundHarness {
  /** The Diyalog simulator (set in `before`). */
  readonly sim: DiyalogSimulator;
  /** http://127.0.0.1:<port> of the server mounting the node app (set in `before`). */
  readonly base: string;
  readonly log: LogCapture;
  /** The node set as Node-RED loads it, noting the runtime's HTTP node app (RED.httpNode). */
  capture(RED: { httpNode: App }): void;
  request(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<RawAnswer>;
  flow(opts?: FlowOptions): unknown[];
  load(opts?: FlowOptions): Promise<{ created: Msgs; deleted: Msgs; caught: Msgs }>;
}

/** Registers the suite's hooks (call inside a `describe`) and returns its harness. */
export function inboundHarness(): InboundHarness {
  let s: DiyalogSimulator;
  let server: http.Server;
  let base = '';
  let app: App | undefined;
  const log = new LogCapture();
  const set = nodeSet('diyalog') as (RED: { httpNode: App }) => void;
  const capture = (RED: { httpNode: App }): void => {
    app = RED.httpNode;
    set(RED);
  };

  function request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
    return rawRequest(base + path, { method, headers, body });
  }

  before(async () => {
    s = await sim<DiyalogSimulator>('diyalog');
    // Node-RED mounts its HTTP node app under httpNodeRoot; do the same with /api.
    server = http.createServer((req, res) => {
      const notFound = (): void => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Cannot ' + String(req.method));
      };
      if (!app || !req.url?.startsWith(ROOT + '/')) return notFound();
      req.url = req.url.slice(ROOT.length);
      app(req, res, (err) => {
        if (err) {
          res.writeHead(500);
          res.end(String(err));
        } else notFound();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    log.start();
  });
  after(async () => {
    log.stop();
    await new Promise<void>((r) => server.close(() => r()));
    await s.close();
  });
  afterEach(async () => {
    helper.settings({});
    await helper.unload();
    app = undefined;
  });

  /** in → (create: a function setting msg.interactionId) → response; delete → response. */
  function flow(opts: FlowOptions = {}): unknown[] {
    const wire = opts.wireResponse ?? true;
    return onTab([
      ...(opts.token ? [{ id: 'dcfg', type: 'diyalog-config', url: '' }] : []),
      {
        id: 'in',
        type: 'diyalog-interaction-in',
        path: opts.path ?? '/diyalog',
        config: opts.token ? 'dcfg' : '',
        responseTimeout: opts.responseTimeout ?? 5000,
        wires: [
          ['created', ...(wire ? ['assign'] : [])],
          ['deleted', ...(wire ? ['resp'] : [])],
        ],
      },
      { id: 'created', type: 'helper' },
      { id: 'deleted', type: 'helper' },
      { id: 'assign', type: 'helper', wires: [] },
      { id: 'resp', type: 'diyalog-interaction-response' },
    ]);
  }

  async function load(opts: FlowOptions = {}): Promise<{ created: Msgs; deleted: Msgs; caught: Msgs }> {
    await helper.load([capture, catchNode], flow(opts) as never, opts.token ? { dcfg: { authToken: TOKEN } } : {});
    const created = collect(helper.getNode('created'));
    const deleted = collect(helper.getNode('deleted'));
    const caught = collect(helper.getNode('caught'));
    // Plays the routing step of a flow: assign an interaction id and answer.
    helper.getNode('assign').on('input', ((msg: Record<string, unknown>) => {
      msg.interactionId = 'IX-' + String((msg.payload as { customerId: string }).customerId);
      helper.getNode('resp').receive(msg);
    }) as never);
    return { created, deleted, caught };
  }

  return {
    get sim() {
      return s;
    },
    get base() {
      return base;
    },
    log,
    capture,
    request,
    flow,
    load,
  };
}
