/**
 * diyalog-interaction-in + diyalog-interaction-response in a real Node-RED runtime, served
 * by a real HTTP server (the runtime's HTTP node app, mounted under an httpNodeRoot-like
 * prefix) and driven over the wire by the Diyalog simulator's client role.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { catchNode, collect, helper, onTab, LogCapture, nodeSet, rawRequest, sim, statuses, waitFor, type RawAnswer } from '../helpers';
import type { DiyalogSimulator } from '../../simulators/diyalog';

const TOKEN = 'in-TOKEN-5b1e77c2';
const ROOT = '/api';

type App = (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;

type Answer = RawAnswer;

describe('diyalog-interaction-in / -response nodes', function () {
  this.timeout(15000);
  let s: DiyalogSimulator;
  let server: http.Server;
  let base: string;
  let app: App | undefined;
  const log = new LogCapture();
  // The node set as Node-RED loads it, noting the runtime's HTTP node app (RED.httpNode).
  const set = nodeSet('diyalog') as (RED: { httpNode: App }) => void;
  const capture = (RED: { httpNode: App }): void => {
    app = RED.httpNode;
    set(RED);
  };

  function request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
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
  function flow(opts: { path?: string; token?: boolean; responseTimeout?: number; wireResponse?: boolean } = {}): unknown[] {
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

  async function load(
    opts: Parameters<typeof flow>[0] = {},
  ): Promise<{ created: Array<Record<string, unknown>>; deleted: Array<Record<string, unknown>>; caught: Array<Record<string, unknown>> }> {
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

  it('accepts both attachedData shapes, hands the flow the same flat payload and answers the envelope', async () => {
    const { created } = await load();
    const endpoint = base + ROOT + '/diyalog';
    const attachedData = { TRX: 'LoanApplication', ProcessType: 'VideoCall', Branch: '0042' };
    const a = await s.driver.create({ endpoint, identityNumber: '10000000146', customerId: 'CUS-77812', attachedData, shape: 'array' });
    const b = await s.driver.create({ endpoint, identityNumber: '10000000146', customerId: 'CUS-77812', attachedData, shape: 'object' });
    for (const r of [a, b]) {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(r.body, '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-CUS-77812"}}');
    }
    assert.equal(created.length, 2);
    assert.deepEqual(created[0].payload, { identityNumber: '10000000146', customerId: 'CUS-77812', attachedData });
    assert.deepEqual(created[1].payload, created[0].payload);
    assert.equal(created[0].topic, 'CreateInteraction');
  });

  it('keeps unknown fields, makes identityNumber optional, stringifies numbers, reads any Content-Type', async () => {
    const { created } = await load();
    const r1 = await request(
      'POST',
      ROOT + '/diyalog/CreateInteraction',
      { 'content-type': 'text/plain' },
      JSON.stringify({ customerId: 77812, identityNumber: 10000000146, sessionId: 'S-9', attachedData: [{ a: '1', b: '2' }, { a: '3' }] }),
    );
    const r2 = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, JSON.stringify({ customerId: 'C', attachedData: null }));
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    assert.deepEqual(created[0].payload, { customerId: '77812', identityNumber: '10000000146', sessionId: 'S-9', attachedData: { a: '3', b: '2' } });
    assert.deepEqual(created[1].payload, { customerId: 'C', attachedData: {} });
  });

  it('routes DELETE <path>/<id> to output 2 (percent-decoded) and answers result:null', async () => {
    const { deleted, created } = await load();
    const r = await s.driver.delete({ endpoint: base + ROOT + '/diyalog', interactionId: 'IX 2025/0042' });
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"success":true,"errorMessage":null,"result":null}');
    assert.equal(deleted.length, 1);
    assert.equal(created.length, 0);
    assert.equal(deleted[0].topic, 'DeleteInteraction');
    assert.deepEqual(deleted[0].payload, { interactionId: 'IX 2025/0042' });
    assert.equal(deleted[0].interactionId, 'IX 2025/0042');
  });

  for (const [name, method, path, headers, body, status, message] of [
    ['malformed JSON', 'POST', '/diyalog/CreateInteraction', { 'content-type': 'application/json' }, '{"customerId":', 400, /not valid JSON/],
    [
      'a form body',
      'POST',
      '/diyalog/CreateInteraction',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'customerId=1',
      400,
      /not valid JSON \(Content-Type application\/x-www-form-urlencoded/,
    ],
    ['an array body', 'POST', '/diyalog/CreateInteraction', {}, '[{"customerId":"1"}]', 400, /JSON object/],
    ['a missing customerId', 'POST', '/diyalog/CreateInteraction', {}, '{"attachedData":{}}', 400, /customerId is required/],
    ['an empty customerId', 'POST', '/diyalog/CreateInteraction', {}, '{"customerId":""}', 400, /customerId/],
    ['a string attachedData', 'POST', '/diyalog/CreateInteraction', {}, '{"customerId":"1","attachedData":"x"}', 400, /attachedData/],
    [
      'an attachedData element that is no object',
      'POST',
      '/diyalog/CreateInteraction',
      {},
      '{"customerId":"1","attachedData":[{"a":1},["b"]]}',
      400,
      /attachedData\[1\]/,
    ],
    [
      'a body over 100 KB',
      'POST',
      '/diyalog/CreateInteraction',
      {},
      JSON.stringify({ customerId: '1', pad: 'x'.repeat(101 * 1024) }),
      400,
      /larger than 100 KB/,
    ],
    ['an empty id on DELETE', 'DELETE', '/diyalog/', {}, undefined, 400, /interaction id is empty/],
    ['GET on CreateInteraction', 'GET', '/diyalog/CreateInteraction', {}, undefined, 405, /not allowed/],
    ['PUT on an interaction', 'PUT', '/diyalog/IX-1', {}, '{}', 405, /not allowed/],
    ['a deeper path', 'DELETE', '/diyalog/a/b', {}, undefined, 404, /no such route/],
  ] as const) {
    it(`answers ${name} with ${status} and the envelope, emitting nothing, red status ${status}`, async () => {
      const { created, deleted } = await load();
      const st = statuses(helper.getNode('in'));
      const r = await request(method, ROOT + path, headers, body);
      assert.equal(r.status, status);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      const env = r.json as { success: boolean; errorMessage: string; result: null };
      assert.deepEqual(Object.keys(env), ['success', 'errorMessage', 'result']);
      assert.equal(env.success, false);
      assert.equal(env.result, null);
      assert.match(env.errorMessage, message);
      await new Promise((res) => setTimeout(res, 30));
      assert.equal(created.length + deleted.length, 0);
      await waitFor(() => st.length > 0, 2000, 'status');
      assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: String(status) });
    });
  }

  it('checks Auth-Token in constant time when configured: 401 envelope, nothing emitted, no token anywhere', async () => {
    const { created, deleted } = await load({ token: true });
    const st = statuses(helper.getNode('in'));
    const endpoint = base + ROOT + '/diyalog';
    const none = await s.driver.create({ endpoint, customerId: 'C' });
    const wrong = await s.driver.create({ endpoint, customerId: 'C', authToken: TOKEN + 'x' });
    const short = await s.driver.delete({ endpoint, interactionId: 'IX-1', authToken: 'x' });
    const deeper = await request('GET', ROOT + '/diyalog/a/b');
    for (const r of [none, wrong, short, deeper]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { success: false, errorMessage: 'Auth-Token header is missing or wrong', result: null });
    }
    assert.equal(created.length + deleted.length, 0);
    const ok = await s.driver.create({ endpoint, customerId: 'C', authToken: TOKEN });
    const okDel = await request('DELETE', ROOT + '/diyalog/IX-1', { 'AUTH-TOKEN': TOKEN });
    assert.equal(ok.status, 200);
    assert.equal(okDel.status, 200);
    assert.equal(created.length, 1);
    const everything = JSON.stringify([created, deleted, st]) + log.text() + JSON.stringify([none, wrong, short].map((r) => r.body));
    assert.ok(!everything.includes(TOKEN), 'the token leaked');
    assert.equal(created[0].req, undefined, 'no raw request (with its headers) on the msg');
  });

  it('answers 504 after responseTimeout, releases the request, and a late answer is a CONFLICT', async () => {
    const { created, caught } = await load({ responseTimeout: 150, wireResponse: false });
    const t0 = Date.now();
    const r = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    assert.equal(r.status, 504);
    assert.ok(Date.now() - t0 >= 140);
    assert.deepEqual(r.json, { success: false, errorMessage: 'no answer from the flow within 150 ms', result: null });
    const inNode = helper.getNode('in') as unknown as { endpoint: { pendingCount: number } };
    assert.equal(inNode.endpoint.pendingCount, 0);
    const late = { ...created[0], interactionId: 'IX-late' };
    helper.getNode('resp').receive(late);
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /already answered, timed out/);
  });

  it('shows the pending count (throttled), then a 504 as a red ring, cleared by the next answer', async () => {
    const { created, deleted } = await load({ responseTimeout: 600, wireResponse: false });
    const st = statuses(helper.getNode('in'));
    const p1 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"A"}');
    const p2 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"B"}');
    await waitFor(() => created.length === 2);
    await waitFor(() => st.some((x) => x.text === '2'), 2000, 'pending count');
    assert.deepEqual(
      st.find((x) => x.text === '2'),
      { fill: 'blue', shape: 'dot', text: '2' },
    );
    assert.deepEqual([(await p1).status, (await p2).status], [504, 504]);
    await waitFor(() => st.at(-1)?.text === '504', 2000, 'red 504');
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: '504' });
    assert.ok(st.length <= 4, `throttled: ${JSON.stringify(st)}`);
    const p3 = request('DELETE', ROOT + '/diyalog/IX-1');
    await waitFor(() => deleted.length === 1);
    helper.getNode('resp').receive(deleted[0]);
    assert.equal((await p3).status, 200);
    await waitFor(() => JSON.stringify(st.at(-1)) === '{}', 2000, 'cleared');
  });

  it('answers exactly once: a second answer to the same request is a CONFLICT, not a crash', async () => {
    const { created, caught } = await load({ wireResponse: false });
    const pending = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    const resp = helper.getNode('resp');
    resp.receive({ ...created[0], interactionId: 'IX-first' });
    resp.receive({ ...created[0], interactionId: 'IX-second' });
    const r = await pending;
    assert.equal(r.text, '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-first"}}');
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'CONFLICT');
  });

  it('answers success:false from msg.payload or msg.error, and refuses msgs not from the endpoint', async () => {
    const { created, deleted, caught } = await load({ wireResponse: false });
    const resp = helper.getNode('resp');
    const st = statuses(resp);
    const p1 = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    const p2 = request('DELETE', ROOT + '/diyalog/IX-7', {});
    await waitFor(() => created.length === 1 && deleted.length === 1);
    resp.receive({ ...created[0], payload: { success: false, errorMessage: 'Video queue is closed' } });
    resp.receive({ ...deleted[0], error: { message: 'already with an agent' } });
    assert.equal((await p1).text, '{"success":false,"errorMessage":"Video queue is closed","result":null}');
    assert.equal((await p2).text, '{"success":false,"errorMessage":"already with an agent","result":null}');
    resp.receive({ payload: { customerId: 'C' }, interactionId: 'IX-1' });
    await waitFor(() => caught.length === 1);
    const err = caught[0].error as { code: string; message: string };
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /did not come from diyalog-interaction-in/);
    assert.deepEqual(st.at(-1), { fill: 'red', shape: 'ring', text: 'INVALID_INPUT' });
  });

  it('refuses a CreateInteraction answer without an interaction id (INVALID_INPUT, nothing sent)', async () => {
    const { created, caught } = await load({ responseTimeout: 300, wireResponse: false });
    const p = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    helper.getNode('resp').receive({ ...created[0] });
    await waitFor(() => caught.length === 1);
    assert.equal((caught[0].error as { code: string }).code, 'INVALID_INPUT');
    assert.equal((await p).status, 504);
  });

  it('removes its routes on redeploy: the new path is served, the old one is not', async () => {
    await load({ path: '/old' });
    assert.equal((await request('DELETE', ROOT + '/old/IX-1')).status, 200);
    await helper.setFlows(flow({ path: '/new/' }));
    await waitFor(() => Boolean((helper.getNode('in') as unknown as { endpoint?: unknown } | null)?.endpoint));
    const old = await request('DELETE', ROOT + '/old/IX-1');
    assert.equal(old.status, 404);
    assert.equal(old.text, 'Cannot DELETE', 'falls through to the next handler: no route left');
    assert.equal((await request('DELETE', ROOT + '/new/IX-1')).status, 200);
    await helper.unload();
    assert.equal((await request('DELETE', ROOT + '/new/IX-1')).status, 404);
  });

  it('refuses a second node on the same path with a clear error, the other keeps serving', async () => {
    const f = flow() as Array<Record<string, unknown>>;
    f.push({ id: 'in2', z: 'tab1', type: 'diyalog-interaction-in', path: 'diyalog/', responseTimeout: 1000, wires: [['assign'], ['resp']] });
    const errors: string[] = [];
    await helper.load([capture, catchNode], f as never);
    const n1 = helper.getNode('in') as unknown as { endpoint?: unknown };
    const n2 = helper.getNode('in2') as unknown as { endpoint?: unknown };
    assert.equal([n1.endpoint, n2.endpoint].filter(Boolean).length, 1, 'exactly one node serves the path');
    errors.push(log.text());
    assert.match(errors.join(''), /path \/diyalog is already served by another diyalog-interaction-in node/);
    helper.getNode('assign').on('input', ((msg: Record<string, unknown>) => helper.getNode('resp').receive({ ...msg, interactionId: 'IX-1' })) as never);
    assert.equal((await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}')).status, 200);
  });

  it('refuses to serve when its config node is missing (no silent loss of the token check)', async () => {
    await helper.load([capture, catchNode], onTab([{ id: 'in', type: 'diyalog-interaction-in', path: '/diyalog', config: 'gone', wires: [[], []] }]) as never);
    assert.equal((helper.getNode('in') as unknown as { endpoint?: unknown }).endpoint, undefined);
    assert.equal((await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}')).status, 404);
  });

  it('applies httpNodeMiddleware before the node', async () => {
    const seen: string[] = [];
    helper.settings({
      httpNodeMiddleware: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
        seen.push(String(req.url));
        if (req.headers['x-blocked']) {
          res.writeHead(403);
          res.end('blocked by middleware');
          return;
        }
        res.setHeader('x-middleware', 'yes');
        next();
      },
    });
    const { created } = await load();
    const blocked = await request('POST', ROOT + '/diyalog/CreateInteraction', { 'x-blocked': '1' }, '{"customerId":"C"}');
    assert.equal(blocked.status, 403);
    assert.equal(created.length, 0);
    const ok = await request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-middleware'], 'yes');
    assert.deepEqual(seen, ['/diyalog/CreateInteraction', '/diyalog/CreateInteraction']);
  });

  it('takes a body already parsed by a middleware', async () => {
    helper.settings({
      httpNodeMiddleware: [
        (req: http.IncomingMessage & { body?: unknown; _body?: boolean }, _res: http.ServerResponse, next: () => void) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            req._body = true;
            next();
          });
        },
      ],
    });
    const { created } = await load();
    const r = await request(
      'POST',
      ROOT + '/diyalog/CreateInteraction',
      { 'content-type': 'application/json' },
      '{"customerId":"C","attachedData":[{"q":"video"}]}',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(created[0].payload, { customerId: 'C', attachedData: { q: 'video' } });
  });

  it('releases pending requests when the node closes (503), leaving no timers behind', async () => {
    const { created } = await load({ responseTimeout: 60000, wireResponse: false });
    const p = request('POST', ROOT + '/diyalog/CreateInteraction', {}, '{"customerId":"C"}');
    await waitFor(() => created.length === 1);
    await helper.unload();
    const r = await p;
    assert.equal(r.status, 503);
    assert.equal((r.json as { success: boolean }).success, false);
  });
});
