/**
 * Property-based fuzzing (fast-check) of every operation node's parameters and operation,
 * for every node set registered in package.json, in Node-RED against its simulator: any msg
 * ends exactly once, as a result or a catchable error; INVALID_INPUT sends nothing to the
 * simulator; any other error comes from a request the vendor answered; nothing crashes and
 * no prototype is polluted.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import type { NodeSpec, ParamSpec } from '../../nodes/shared/spec';
import type { Simulator } from '../../simulators/common';
import { catchNode, collect, helper, LogCapture, nodeSet, root } from '../helpers';
import { PROFILES, profileFlow, type Profile } from './profiles';
import { Crashes, Endings, FUZZ_RUNS, record, registeredSets, visible, writeReport, type Tally } from './support';

type Msg = Record<string, unknown>;

/** Requests the nodes' background machinery makes by itself (event streams, session upkeep). */
const BACKGROUND = [/\/messaging\/messages/, /^\/api\/v2\/notifications/, /\/connection$/, /^\/api\/v2\/me$/];

const PROTO_BOMB = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}';

function weird(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, '', ' ', 0, -1, NaN, Infinity, -0, 1e308, Number.MAX_SAFE_INTEGER + 2),
    fc.constantFrom('__proto__', 'constructor', 'toString', '../../etc/passwd', '%2e%2e%2f', '\u0000', '\ud800', '${HOME}', 'null', '[]', '{}'),
    fc.constant('x'.repeat(70000)),
    fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 4 }),
    fc.constant(null).map(() => JSON.parse(PROTO_BOMB) as unknown),
    fc.date({ noInvalidDate: false }),
  );
}

/** A valid-looking value for the kind, so that fuzzing also reaches the vendor. */
function plausible(p: ParamSpec): fc.Arbitrary<unknown> {
  switch (p.kind) {
    case 'number':
      return fc.constantFrom(418, 12, 1, 77);
    case 'boolean':
      return fc.boolean();
    case 'object':
      return fc.dictionary(fc.constantFrom('a', 'b', 'CaseID'), fc.string({ maxLength: 6 }), { maxKeys: 3 });
    case 'array':
      return fc.array(fc.constantFrom('email', 'chat', 'voice', 'C-Win-Back'), { maxLength: 3 });
    case 'time':
      return fc.constantFrom('2030-01-01T10:00:00Z', Date.UTC(2030, 0, 1));
    default:
      return fc.constantFrom('14', 'ravi.k', '9876543210', '+4915112345678', 'Available', 'CallBack', 'Phone', 'IX-1', 'agent1', 'email');
  }
}

function msgArb(spec: NodeSpec): fc.Arbitrary<Msg> {
  const values: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of spec.params) values[p.name] = fc.oneof({ arbitrary: plausible(p), weight: 2 }, { arbitrary: weird(), weight: 3 });
  const payload = fc.oneof({ arbitrary: fc.record(values, { requiredKeys: [] }), weight: 8 }, { arbitrary: weird(), weight: 1 });
  const ops = spec.operations ?? [];
  const operation = fc.oneof(
    { arbitrary: ops.length ? fc.constantFrom(...ops) : fc.constant(undefined), weight: 8 },
    { arbitrary: fc.constantFrom(undefined, '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 42), weight: 1 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  );
  return fc.record({ payload, operation, interactionId: fc.oneof(fc.constant(undefined), weird()) }, { requiredKeys: ['payload'] });
}

for (const set of registeredSets()) {
  describe(`reliability fuzzing of parameters: ${set}`, function () {
    this.timeout(180000);
    const p = PROFILES[set] as Profile | undefined;
    const specs = (require(path.join(root, 'dist', 'nodes', set, 'spec.js')) as { specs: { nodes: NodeSpec[] } }).specs;
    // Every node with an input (event nodes and the inbound endpoint have none).
    const fuzzed = specs.nodes.filter((n) => n.inputs === 1);
    const endings = new Endings(`fuzz-${set}`);
    const crashes = new Crashes();
    const log = new LogCapture();
    let s: Simulator;
    let caught: Msg[] = [];
    let out: Msg[] = [];

    before(async function () {
      if (!p) return;
      s = await p.start();
      await helper.startServer();
      endings.start();
      crashes.start();
      log.start();
      const { flow, credentials } = profileFlow(p, s);
      for (const n of fuzzed)
        flow.push({
          id: `fz-${n.type}`,
          z: 'tab1',
          x: 500,
          y: 500,
          type: n.type,
          config: configFor(p, n),
          operation: n.operationFromMsg ? 'msg' : undefined,
          wires: [['out']],
        });
      await helper.load([nodeSet(set), catchNode], flow as never, credentials);
      out = collect(helper.getNode('out'));
      caught = collect(helper.getNode('caught'));
    });
    after(async () => {
      log.stop();
      crashes.stop();
      endings.stop();
      await helper.unload();
      await s?.close();
      await helper.stopServer();
      writeReport();
    });

    it('has a reliability profile', () => assert.ok(p, `no profile for ${set} in test/reliability/profiles.ts`));

    for (const spec of fuzzed) {
      it(`${spec.type}: any parameters give a result or a coded error; INVALID_INPUT sends nothing`, async () => {
        const profile = p as Profile;
        // Warm up (sessions, pools) so that background requests are done before counting.
        for (const op of profile.ops) {
          const id = endings.id('warm');
          helper.getNode(op.id).receive({ ...op.msg(), _rel: id });
          await endings.settle([id], op.id, 10000);
        }
        const node = helper.getNode(`fz-${spec.type}`);
        const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
        let sentToVendor = 0;
        await fc.assert(
          fc.asyncProperty(msgArb(spec), async (m) => {
            s.server.clearRequests();
            const id = endings.id(spec.type);
            node.receive({ ...m, _rel: id });
            const one = await endings.settle([id], String(node.id), 15000);
            const reqs = s.server.requests.filter((r) => !BACKGROUND.some((re) => re.test(r.path)));
            t.sent++;
            t.delivered += one.delivered;
            t.errored += one.errored;
            t.lost += one.lost;
            t.duplicated += one.duplicated;
            for (const [k, v] of Object.entries(one.codes)) t.codes[k] = (t.codes[k] ?? 0) + v;
            if (reqs.length) sentToVendor++;
            assert.equal(one.lost + one.duplicated, 0, `msg ${visible(m).slice(0, 300)} ended ${one.lost ? 'never' : 'twice'}`);
            const code = Object.keys(one.codes)[0];
            if (!code) return;
            const c = caught.find((x) => x._rel === id);
            assert.ok(c, 'the error reached the Catch node');
            assert.equal((c.error as { code?: string }).code, code);
            if (code === 'INVALID_INPUT') {
              assert.deepEqual(
                reqs.map((r) => `${r.method} ${r.path}`),
                [],
                `INVALID_INPUT but sent to the vendor: ${visible(m).slice(0, 300)}`,
              );
              assert.equal(c.vendor, undefined);
            } else {
              assert.ok(!['NOT_CONFIGURED', 'TIMEOUT'].includes(code), `${code} for ${visible(m).slice(0, 300)}: ${String((c.error as Msg).message)}`);
              // CONFLICT may come from what the session already knows (ICWS: no preview pending).
              if (code !== 'CONFLICT')
                assert.ok(reqs.length > 0 || c.vendor !== undefined, `${code} without any request to the vendor: ${String((c.error as Msg).message)}`);
            }
          }),
          { numRuns: FUZZ_RUNS, endOnFailure: true },
        );
        record('fuzz', set, `parameters of ${spec.type} (sent to vendor: ${sentToVendor})`, t);
        assert.equal(({} as Msg).polluted, undefined, 'Object.prototype polluted');
        assert.equal(out.length + caught.length >= t.sent, true);
      });
    }

    it('a lone surrogate in any parameter is INVALID_INPUT naming it, nothing sent (found by fuzzing: was "URI malformed")', async () => {
      const wrong: string[] = [];
      // Nodes that call the vendor (the Diyalog response node answers its own request and refuses any msg without one).
      for (const spec of fuzzed.filter((n) => n.config)) {
        const node = helper.getNode(`fz-${spec.type}`);
        for (const param of spec.params) {
          const operation = param.operations?.[0] ?? spec.operations?.[0];
          const value = param.kind === 'object' ? { ['k\ud800']: 'v' } : param.kind === 'array' ? ['ok', 'x\udc00'] : 'A\ud800B';
          // The default wiring, and msg.payload.<name> where a node falls back to it (Diyalog delete).
          for (const where of new Set([param.default?.value ?? `payload.${param.name}`, `payload.${param.name}`])) {
            const m: Msg = { operation, payload: {} };
            if (where.startsWith('payload.')) (m.payload as Msg)[where.slice('payload.'.length)] = value;
            else m[where] = value;
            s.server.clearRequests();
            const id = endings.id('surrogate');
            node.receive({ ...m, _rel: id });
            const t = await endings.settle([id], String(node.id), 10000);
            const e = caught.find((x) => x._rel === id)?.error as { code?: string; message?: string } | undefined;
            const sent = s.server.requests.filter((r) => !BACKGROUND.some((re) => re.test(r.path))).length;
            if (t.errored === 0) continue; // a field this wiring does not read: the value is simply not used
            if (e?.code !== 'INVALID_INPUT' || !String(e.message).includes(param.name) || sent > 0)
              wrong.push(`${spec.type} ${where}: ${String(e?.code)} "${String(e?.message)}", ${sent} request(s) sent`);
          }
        }
      }
      assert.deepEqual(wrong, [], 'a lone surrogate must be INVALID_INPUT naming the field, with nothing sent');
    });

    it('no unhandled rejection, no secret in any msg, error or log line', () => {
      crashes.assertNone(set);
      const everything = visible([out, caught]) + log.text();
      for (const secret of (p as Profile).secrets) assert.ok(!everything.includes(secret), `${set}: secret leaked`);
    });
  });
}

/** The config node a node type points at: the profile's config node of that type. */
function configFor(p: Profile, spec: NodeSpec): string {
  const nodes = p.configs({ url: 'http://127.0.0.1:1', name: p.set, server: undefined as never, close: async () => undefined }).nodes;
  const cfg = nodes.find((n) => n.type === spec.config);
  return String(cfg?.id ?? '');
}
