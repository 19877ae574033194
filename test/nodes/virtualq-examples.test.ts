/**
 * The virtualQ example flows, imported as they are (only the simulator's address swapped
 * for a free port), run in a real Node-RED with the core nodes they use.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpNodeServer, collect, helper, nodeSet, root, sim, waitFor } from '../helpers';
import { DEFAULT_API_KEY, DEMO_CREDENTIALS, type VirtualQSimulator } from '../../simulators/virtualq';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const DIR = path.join(root, 'examples', 'virtualq');
const CFG = '9e1a0000000000c0';
const core = (p: string): unknown => require(`@node-red/nodes/core/${p}`);
const CORE = [
  'common/20-inject.js',
  'common/21-debug.js',
  'common/25-catch.js',
  'common/90-comment.js',
  'function/10-function.js',
  'function/10-switch.js',
  'function/15-change.js',
  'function/80-template.js',
  'function/89-delay.js',
  'network/21-httpin.js',
  'network/21-httprequest.js',
  'sequence/17-split.js',
].map(core);

function read(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as FlowNode[];
}

describe('virtualQ example flows', function () {
  this.timeout(20000);
  let s: VirtualQSimulator;
  let base: string;
  const httpNode = new HttpNodeServer();
  const capture = httpNode.wrap(nodeSet('virtualq'));

  before(async () => {
    s = await sim<VirtualQSimulator>('virtualq');
    base = await httpNode.listen();
  });
  after(async () => {
    await httpNode.close();
    await s.close();
  });
  afterEach(async () => {
    await helper.unload();
    s.reset();
  });

  async function run(name: string): Promise<{ get(id: string): ReturnType<typeof helper.getNode>; seen(id: string): Array<Record<string, unknown>> }> {
    const flow = read(name).map((n) => {
      const text = JSON.stringify(n).split('http://127.0.0.1:18081').join(s.url);
      return JSON.parse(text) as FlowNode;
    });
    await helper.load([capture, ...CORE], flow as never, { [CFG]: DEMO_CREDENTIALS['virtualq-config'] });
    const seen = new Map<string, Array<Record<string, unknown>>>();
    for (const n of flow.filter((x) => x.type === 'debug')) seen.set(n.id, collect(helper.getNode(n.id)));
    return { get: (id) => helper.getNode(id), seen: (id) => seen.get(id) ?? [] };
  }

  it('every example is importable as-is: a comment, the simulator address, no credentials, one config', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 5);
    const types = new Set<string>();
    for (const f of files) {
      const flow = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as FlowNode[];
      assert.ok(
        flow.some((n) => n.type === 'comment' && String(n.info).length > 100),
        `${f} explains itself`,
      );
      const cfgs = flow.filter((n) => n.type === 'virtualq-config');
      assert.deepEqual(
        cfgs.map((c) => [c.id, c.url]),
        [[CFG, 'http://127.0.0.1:18081']],
        f,
      );
      assert.ok(
        flow.every((n) => !('credentials' in n) && !('apiKey' in n)),
        `${f} carries no credentials`,
      );
      const mentions = flow.filter((n) => JSON.stringify(n).includes(DEFAULT_API_KEY));
      assert.ok(
        mentions.every((n) => n.type === 'comment'),
        `${f}: the simulator's key is only named in comments`,
      );
      for (const n of flow.filter((x) => x.type.startsWith('virtualq-') && x.type !== 'virtualq-config')) {
        assert.equal(n.config, CFG, `${f} ${n.id}`);
        types.add(n.type);
      }
    }
    assert.deepEqual([...types].sort(), ['virtualq-caller', 'virtualq-line', 'virtualq-line-group', 'virtualq-line-up']);
  });

  it('callback offer: IVR input → line up → answer with the EWT (inject and HTTP)', async () => {
    const f = await run('callback-offer');
    f.get('9e1a000000000103').receive({});
    await waitFor(() => f.seen('9e1a000000000108').length === 1);
    const answer = f.seen('9e1a000000000108')[0].payload as Record<string, unknown>;
    assert.deepEqual(
      { ...answer, estimatedUpTimeAt: typeof answer.estimatedUpTimeAt },
      { linedUp: true, alreadyLinedUp: false, callerId: 70001, ewtMinutes: 5, estimatedUpTimeAt: 'string' },
    );
    const post = (phone: string) =>
      fetch(`${base}/virtualq/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
    const ok = await post('+4915199999999');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { ewtMinutes: number }).ewtMinutes, 6);
    // A second offer for the same phone: the caller already waiting (test/nodes/virtualq-examples-rerun.test.ts).
    const again = await post('+49 151 9999 9999');
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { alreadyLinedUp: boolean }).alreadyLinedUp, true);
  });

  it('connector loop: line up, notify (simulator hook), verify → connected → transferred', async () => {
    const f = await run('connector-loop');
    f.get('9e1a000000000208').receive({});
    await waitFor(() => f.seen('9e1a000000000210').length === 1);
    f.get('9e1a000000000202').receive({});
    await waitFor(() => f.seen('9e1a000000000204').length === 1);
    f.get('9e1a000000000205').receive({});
    await waitFor(() => f.seen('9e1a000000000207').length === 1);
    f.get('9e1a000000000208').receive({});
    await waitFor(() => f.seen('9e1a00000000020d').length === 1);
    assert.equal((f.seen('9e1a00000000020d')[0].payload as { state: string }).state, 'Connected');
    await waitFor(() => f.seen('9e1a00000000020f').length === 1, 6000);
    const done = f.seen('9e1a00000000020f')[0].payload as { state: string; id: number };
    assert.equal(done.state, 'Finished');
    const put = s.server.requestsTo('/api/v2/waiters/0', 'PUT').map((r) => JSON.parse(r.body) as { data: { attributes: Record<string, unknown> } });
    assert.deepEqual(put[1].data.attributes, { line_id: 418, phone: '+4915198765432', service_waiter_state: 'Finished', agent_id: 'A-17' });
    assert.equal(f.seen('9e1a000000000212').length, 0);
  });

  it('line-group figures: pushed at start (then every 30 s), and listed', async () => {
    const f = await run('line-group-figures');
    await waitFor(() => f.seen('9e1a000000000305').length === 1);
    assert.deepEqual(f.seen('9e1a000000000305')[0].payload, { ok: true });
    assert.equal(s.state.lineGroups.get(77)?.service.agentsCount, 6);
    f.get('9e1a000000000306').receive({});
    await waitFor(() => f.seen('9e1a000000000308').length === 1);
    const groups = f.seen('9e1a000000000308')[0].payload as Array<{ id: number; name: string }>;
    assert.deepEqual(
      groups.map((g) => g.id),
      [77, 78],
    );
    assert.equal(f.seen('9e1a00000000030a').length, 0);
  });

  it('waiting callers: line up three, list them as rows and as an HTML table', async () => {
    const f = await run('waiting-callers-table');
    f.get('9e1a000000000402').receive({});
    await waitFor(() => f.seen('9e1a000000000405').length === 3);
    f.get('9e1a000000000407').receive({});
    await waitFor(() => f.seen('9e1a00000000040c').length === 1);
    const rows = f.seen('9e1a00000000040c')[0].payload as Array<{ phone: string; state: string }>;
    assert.deepEqual(
      rows.map((r) => [r.phone, r.state]),
      [
        ['+4915100000001', 'Waiting'],
        ['+4915100000002', 'Waiting'],
        ['+4915100000003', 'Waiting'],
      ],
    );
    const page = await fetch(`${base}/virtualq/waiting`);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<td>\+4915100000003<\/td><td>CallBack<\/td><td>Waiting<\/td>/);
    assert.match(html, /Business Line/);
  });

  it('line: active line counts the offer, inactive line does not, list by query', async () => {
    const f = await run('line-status');
    f.get('9e1a000000000502').receive({});
    await waitFor(() => f.seen('9e1a000000000509').length === 1);
    assert.deepEqual(f.seen('9e1a000000000509')[0].payload, { ok: true });
    assert.equal(s.state.lines.get(418)?.callsOffered, 1);
    f.get('9e1a000000000503').receive({});
    await waitFor(() => f.seen('9e1a00000000050a').length === 1);
    assert.equal((f.seen('9e1a00000000050a')[0].payload as { active: boolean }).active, false);
    f.get('9e1a000000000504').receive({});
    await waitFor(() => f.seen('9e1a00000000050a').length === 2);
    assert.deepEqual(
      (f.seen('9e1a00000000050a')[1].payload as Array<{ id: number }>).map((l) => l.id),
      [418, 419],
    );
    assert.equal(s.state.lines.get(419)?.callsOffered, 0);
    assert.equal(f.seen('9e1a00000000050c').length, 0);
  });
});
