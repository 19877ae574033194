/**
 * The virtualQ examples run as a user runs them (issue #18): the callback offer twice with the
 * same number, and the waiting-callers table from its inject buttons, its page and a failure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpNodeServer, LogCapture, collect, helper, nodeSet, root, sim, waitFor } from '../helpers';
import { DEMO_CREDENTIALS, type VirtualQSimulator } from '../../simulators/virtualq';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const CFG = '9e1a0000000000c0';
const CORE = [
  'common/20-inject.js',
  'common/21-debug.js',
  'common/25-catch.js',
  'common/90-comment.js',
  'function/10-function.js',
  'function/10-switch.js',
  'function/15-change.js',
  'function/80-template.js',
  'network/21-httpin.js',
  'sequence/17-split.js',
].map((p) => require(`@node-red/nodes/core/${p}`) as unknown);

describe('virtualQ examples run again', function () {
  this.timeout(20000);
  let s: VirtualQSimulator;
  let base: string;
  const httpNode = new HttpNodeServer();
  const capture = httpNode.wrap(nodeSet('virtualq'));
  const log = new LogCapture();

  before(async () => {
    s = await sim<VirtualQSimulator>('virtualq');
    base = await httpNode.listen();
    log.start();
  });
  after(async () => {
    log.stop();
    await httpNode.close();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
  });

  async function run(name: string): Promise<{ get(id: string): ReturnType<typeof helper.getNode>; seen(id: string): Array<Record<string, unknown>> }> {
    const text = fs.readFileSync(path.join(root, 'examples', 'virtualq', `${name}.json`), 'utf8');
    const flow = JSON.parse(text.split('http://127.0.0.1:18081').join(s.url)) as FlowNode[];
    await helper.load([capture, ...CORE], flow as never, { [CFG]: DEMO_CREDENTIALS['virtualq-config'] });
    const seen = new Map<string, Array<Record<string, unknown>>>();
    for (const n of flow.filter((x) => x.type === 'debug' || x.type === 'http response')) seen.set(n.id, collect(helper.getNode(n.id)));
    return { get: (id) => helper.getNode(id), seen: (id) => seen.get(id) ?? [] };
  }

  const post = (body: unknown): Promise<Response> =>
    fetch(`${base}/virtualq/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('callback offer: the same curl twice answers 200 twice, the second with the caller already lined up', async () => {
    await run('callback-offer');
    const first = await post({ phone: '+49 151 1234 5678' });
    assert.equal(first.status, 200);
    const a = (await first.json()) as Record<string, unknown>;
    assert.equal(a.alreadyLinedUp, false);
    const second = await post({ phone: '+49 151 1234 5678' });
    assert.equal(second.status, 200);
    const b = (await second.json()) as Record<string, unknown>;
    assert.deepEqual(b, { ...a, alreadyLinedUp: true });
    const waiting = [...s.state.waiters.values()].filter((w) => w.phone === '+4915112345678');
    assert.equal(waiting.length, 1, 'lined up once');
    assert.equal(s.server.requestsTo('/api/v2/waiters', 'POST').length, 2, 'virtualQ was asked twice and refused the second');
  });

  it('callback offer: other refusals still answer 502 with the reason, bad input 400', async () => {
    await run('callback-offer');
    const line = s.state.lines.get(418);
    assert.ok(line);
    line.state = 'Inactive';
    const closed = await post({ phone: '+4915112345678' });
    assert.equal(closed.status, 502);
    const r = (await closed.json()) as { linedUp: boolean; code: string; reason: string };
    assert.deepEqual([r.linedUp, r.code], [false, 'VENDOR_ERROR']);
    assert.match(r.reason, /Line 418 is not active/);
    const bad = await post({ phone: 'call me' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'INVALID_INPUT');
  });

  it('waiting callers: the inject buttons reach no http response node, so nothing warns "No response object"', async () => {
    const f = await run('waiting-callers-table');
    const from = log.lines.length;
    f.get('9e1a000000000402').receive({});
    await waitFor(() => f.seen('9e1a000000000405').length === 3);
    f.get('9e1a000000000407').receive({});
    await waitFor(() => f.seen('9e1a00000000040c').length === 1);
    // A page request after the button: its message is delivered after the button's.
    const page = await fetch(`${base}/virtualq/waiting`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /\+4915100000003/);
    assert.equal(f.seen('9e1a00000000040d').length, 1, 'only the page request reaches http response');
    const warned = log.lines.slice(from).filter((l) => /no-response|No response object/.test(l));
    assert.deepEqual(warned, []);
  });

  it('waiting callers: a virtualQ failure answers the page 502 with the reason (and shows in the sidebar)', async () => {
    const f = await run('waiting-callers-table');
    s.apiKeys.clear();
    const page = await fetch(`${base}/virtualq/waiting`);
    assert.equal(page.status, 502);
    assert.match(await page.text(), /AUTH|check the API key/);
    await waitFor(() => f.seen('9e1a00000000040f').length === 1);
    assert.equal((f.seen('9e1a00000000040f')[0].error as { code: string }).code, 'AUTH_FAILED');
  });
});
