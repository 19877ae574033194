/**
 * Faults, for every node set registered in package.json, against its simulator in a real
 * (in-process) Node-RED: vendor down at deploy and mid-request, connection reset, slow past
 * the timeout, 5xx, 429 with Retry-After, garbage bodies, session expiry, event streams cut,
 * the simulator restarted on the same port, a redeploy with requests in flight.
 *
 * For each: every msg ends exactly once (counted through Node-RED's onComplete hook, and
 * cross-checked against the output and the Catch node) with the expected code; the node
 * recovers without a redeploy; no unhandled rejection; no handle left after close; no secret
 * in any msg, status or log line. Counts go to .cache/reliability/last-run.json.
 */
import * as assert from 'node:assert/strict';
import type { Simulator } from '../../simulators/common';
import { catchNode, collect, helper, LogCapture, nodeSet, sleep, statuses, waitFor, type TestNode } from '../helpers';
import { PROFILES, profileFlow, type OpCase, type Profile } from './profiles';
import {
  assertCodes,
  assertHandlesBack,
  assertNoneLost,
  Crashes,
  Endings,
  handles,
  N,
  record,
  registeredSets,
  visible,
  writeReport,
  type Tally,
} from './support';

type Msg = Record<string, unknown>;

const HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>';

for (const set of registeredSets()) {
  describe(`reliability faults: ${set}`, function () {
    this.timeout(90000);
    const p = PROFILES[set] as Profile | undefined;
    const endings = new Endings(`faults-${set}`);
    const crashes = new Crashes();
    const log = new LogCapture();
    let s: Simulator | undefined;
    let port = 0;
    let base: Record<string, number> = {};
    let out: Msg[] = [];
    let caught: Msg[] = [];
    let ev: Msg[] = [];
    const seen: unknown[] = [];

    before(async () => {
      await helper.startServer();
      endings.start();
      crashes.start();
      log.start();
      base = handles();
    });
    const sessionSecrets = new Set<string>();
    afterEach(() => {
      if (s && p?.sessionSecrets) for (const x of p.sessionSecrets(s)) if (x.length >= 8) sessionSecrets.add(x);
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

    async function load(): Promise<void> {
      const { flow, credentials } = profileFlow(p as Profile, s as Simulator);
      await helper.load([nodeSet(set), catchNode], flow as never, credentials);
      out = collect(helper.getNode('out'));
      caught = collect(helper.getNode('caught'));
      ev = collect(helper.getNode('ev'));
      seen.push(out, caught, ev);
      for (const op of (p as Profile).ops) seen.push(statuses(helper.getNode(op.id) as unknown as TestNode));
      if (p?.events) seen.push(statuses(helper.getNode(p.events.id) as unknown as TestNode));
    }

    function send(op: OpCase, n: number, extra: Msg = {}): string[] {
      const node = helper.getNode(op.id);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = endings.id(`${set}-${op.id}`);
        ids.push(id);
        node.receive({ ...op.msg(), ...extra, _rel: id });
      }
      return ids;
    }

    /** Each ending agrees with what reached the output and the Catch node (with its code). */
    function crossCheck(ids: string[], op: OpCase): void {
      for (const id of ids) {
        const e = endings.of(id, op.id);
        if (e.length !== 1) continue;
        const o = out.filter((m) => m._rel === id).length;
        const c = caught.filter((m) => m._rel === id);
        if (e[0].code) {
          assert.equal(o, 0, `${id}: errored and also sent on`);
          assert.equal(c.length, 1, `${id}: error ${e[0].code} did not reach the Catch node once`);
          assert.equal((c[0].error as { code?: string }).code, e[0].code);
        } else {
          assert.equal(o, 1, `${id}: done() without exactly one output`);
          assert.equal(c.length, 0, `${id}: delivered and also caught`);
        }
      }
    }

    async function settle(klass: string, op: OpCase, ids: string[]): Promise<Tally> {
      const t = await endings.settle(ids, op.id);
      record('faults', set, `${klass} (${op.node.type})`, t);
      assertNoneLost(t, `${set} ${op.id} ${klass}`);
      crossCheck(ids, op);
      return t;
    }

    /** Sends until one msg is delivered (the session or pool recovered by itself); counts the probes. */
    async function recover(op: OpCase, klass: string, ms = 20000): Promise<void> {
      const end = Date.now() + ms;
      const ids: string[] = [];
      for (;;) {
        const [id] = send(op, 1);
        ids.push(id);
        await endings.settle([id], op.id, 8000);
        if (endings.of(id, op.id)[0]?.code === undefined && endings.of(id, op.id).length === 1) break;
        assert.ok(Date.now() < end, `${set} ${op.id}: no recovery without a redeploy within ${ms} ms (${JSON.stringify(endings.of(id, op.id))})`);
        await sleep(250);
      }
      const t = await settle(`${klass}: recovery probes`, op, ids);
      assertCodes(t, ['NETWORK', 'TIMEOUT', 'VENDOR_ERROR'], `${klass} probes`);
    }

    async function expectAllDelivered(klass: string, op: OpCase, extra: Msg = {}): Promise<void> {
      const t = await settle(klass, op, send(op, N, extra));
      assert.equal(t.delivered, N, `${set} ${op.id} ${klass}: ${JSON.stringify(t)}`);
    }

    const sim = (): Simulator => s as Simulator;
    const ops = (): OpCase[] => (p as Profile).ops;
    const fault = (op: OpCase, f: Record<string, unknown>): void => sim().server.addFault({ path: op.faultPath, method: op.faultMethod, ...f });
    const reqs = (op: OpCase) => sim().server.requestsTo(op.faultPath, op.faultMethod);

    it('has a reliability profile', function () {
      assert.ok(p, `node set ${set} is registered in package.json but test/reliability/profiles.ts has no profile for it`);
    });

    it('vendor down at deploy: every msg ends NETWORK; the simulator restarted on the same port is used without a redeploy', async () => {
      s = await (p as Profile).start();
      port = s.server.port;
      await s.close();
      await load();
      for (const op of ops()) {
        const t = await settle('down at deploy', op, send(op, N));
        assert.equal(t.errored, N);
        assertCodes(t, ['NETWORK'], 'down at deploy');
      }
      s = await (p as Profile).start(port);
      for (const op of ops()) {
        await recover(op, 'simulator back on the same port');
        await expectAllDelivered('after restart on the same port', op);
      }
    });

    it('answers normally (baseline)', async () => {
      for (const op of ops()) await expectAllDelivered('normal', op);
    });

    it('5xx: an HTML error page is VENDOR_ERROR; a single 503 is repeated only where safe', async () => {
      for (const op of ops()) {
        fault(op, { status: 500, body: HTML_PAGE, headers: { 'content-type': 'text/html' } });
        const t = await settle('HTTP 500 HTML page', op, send(op, N));
        sim().server.clearFaults();
        assert.equal(t.errored, N);
        assertCodes(t, ['VENDOR_ERROR'], '500');
        const vendor = caught.filter((m) => String(m._rel).startsWith(`${set}-${op.id}`)).at(-1)?.vendor as { status?: number } | undefined;
        assert.equal(vendor?.status, 500, 'msg.vendor carries the failing answer');
      }
      for (const op of ops()) {
        sim().server.clearRequests();
        fault(op, { status: 503, body: 'Service Unavailable', times: 1 });
        const t = await settle('single HTTP 503', op, send(op, 1));
        sim().server.clearFaults();
        if (op.repeatable) assert.equal(t.delivered, 1, `${op.id}: a read meeting one 503 is repeated`);
        else {
          assert.equal(reqs(op).length, 1, `${op.id}: a call that may have acted is not repeated after a 503`);
          assertCodes(t, ['VENDOR_ERROR'], '503');
        }
      }
    });

    it('429 with Retry-After: repeated after the wait; still 429 after the retries is RATE_LIMITED', async () => {
      for (const op of ops()) {
        sim().server.clearRequests();
        fault(op, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' }, times: 1 });
        const t = await settle('single 429 with Retry-After: 1', op, send(op, 1));
        sim().server.clearFaults();
        assert.equal(t.delivered, 1, `${op.id}: ${JSON.stringify(t)}`);
        const [first, second] = reqs(op);
        assert.ok(second && second.time - first.time >= 900, `${op.id}: repeated ${second ? second.time - first.time : '-'} ms after a Retry-After of 1 s`);
      }
      for (const op of ops()) {
        fault(op, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '0' } });
        const t = await settle('429 persistent', op, send(op, N));
        sim().server.clearFaults();
        assert.equal(t.errored, N);
        assertCodes(t, ['RATE_LIMITED'], '429');
      }
    });

    it('garbage bodies (HTML page, truncated JSON, empty 200): each msg ends once, errors are VENDOR_ERROR', async () => {
      const bodies: Array<[string, string, string]> = [
        ['200 HTML page', HTML_PAGE, 'text/html'],
        ['200 truncated JSON', '{"status":"ok","data":{"id":"1","attri', 'application/json'],
        ['200 empty body', '', 'application/json'],
      ];
      for (const op of ops()) {
        for (const [klass, body, type] of bodies) {
          fault(op, { status: 200, body, headers: { 'content-type': type } });
          const t = await settle(`garbage: ${klass}`, op, send(op, N));
          sim().server.clearFaults();
          assertCodes(t, [body === '' ? (p?.emptyBodyCode ?? 'VENDOR_ERROR') : 'VENDOR_ERROR'], klass);
        }
      }
    });

    it('connection reset: NETWORK, and a call that may have acted is never repeated', async () => {
      for (const op of ops()) {
        sim().server.clearRequests();
        fault(op, { drop: true, times: N });
        const t = await settle('connection reset', op, send(op, N));
        sim().server.clearFaults();
        assertCodes(t, ['NETWORK'], 'reset');
        if (!op.repeatable) {
          assert.equal(t.errored, N);
          assert.equal(reqs(op).length, N, 'no repeat of a call that may have acted');
        }
      }
    });

    it('slow past the timeout (msg.requestTimeout): TIMEOUT', async () => {
      for (const op of ops()) {
        fault(op, { delayMs: 1500, times: 3 * N });
        const t = await settle('slow past msg.requestTimeout', op, send(op, N, { requestTimeout: 300 }));
        sim().server.clearFaults();
        assert.equal(t.errored, N, JSON.stringify(t));
        assertCodes(t, ['TIMEOUT'], 'slow');
      }
      await sleep(1600);
      for (const op of ops()) await expectAllDelivered('after timeouts', op);
    });

    it('vendor down mid-request: NETWORK; back on the same port without a redeploy', async () => {
      for (const op of ops()) {
        fault(op, { delayMs: 1000 });
        const ids = send(op, N);
        await sleep(300);
        await sim().close();
        const t = await settle('down mid-request', op, ids);
        assert.equal(t.errored, N);
        assertCodes(t, ['NETWORK'], 'down mid-request');
        s = await (p as Profile).start(port);
        await recover(op, 'restarted after going down mid-request');
        await expectAllDelivered('after coming back', op);
      }
    });

    // Session vendors only (the others send their credentials with every request).
    if (p?.expire) {
      const expire = p.expire;
      it('session expiry: requests are repeated on a fresh session, nothing lost', async () => {
        for (const op of ops()) {
          await expectAllDelivered('before expiry', op);
          expire(sim());
          await expectAllDelivered('session expired', op);
        }
      });
    }

    if (p?.events) {
      const events = p.events;
      it('event stream cut: the stream comes back by itself and delivers', async () => {
        const one = async (klass: string): Promise<void> => {
          const before = ev.length;
          const end = Date.now() + 20000;
          // The first trigger can come before the stream is (re)connected: repeat until one arrives.
          while (ev.length === before) {
            assert.ok(Date.now() < end, `${set}: no event after ${klass}`);
            events.trigger(sim());
            await waitFor(() => ev.length > before, 2000, 'event').catch(() => undefined);
          }
          record('faults', set, `events: ${klass}`, { sent: 1, delivered: 1, errored: 0, lost: 0, duplicated: 0, codes: {} });
        };
        await one('stream open');
        for (let i = 0; i < Math.max(2, Math.min(20, Math.ceil(N / 4))); i++) {
          // A stream that ends within a second counts as "the server keeps ending streams" and is
          // reopened after a growing pause (lib/icws/session.ts): cut streams that lived longer.
          await sleep(1100);
          sim().server.dropConnections();
          await one('stream cut');
        }
        await sim().close();
        s = await (p as Profile).start(port);
        await one('simulator restarted under the stream');
      });
    }

    it('redeploy with requests in flight: each ends once, the new flow works', async () => {
      const ids = new Map<OpCase, string[]>();
      for (const op of ops()) {
        fault(op, { delayMs: 1500, times: N });
        ids.set(op, send(op, N));
      }
      await sleep(200);
      await helper.unload();
      for (const op of ops()) {
        const t = await endings.settle(ids.get(op) as string[], op.id);
        record('faults', set, `redeploy in flight (${op.node.type})`, t);
        assertNoneLost(t, `${set} redeploy`);
        assertCodes(t, ['NETWORK'], 'redeploy');
      }
      sim().server.clearFaults();
      await load();
      for (const op of ops()) await expectAllDelivered('after redeploy', op);
    });

    it('no unhandled rejection, no secret anywhere, no handle left after close', async () => {
      crashes.assertNone(set);
      const everything = visible(seen) + log.text();
      for (const secret of (p as Profile).secrets) assert.ok(!everything.includes(secret), `${set}: a secret leaked into a msg, status or log line`);
      for (const secret of sessionSecrets)
        assert.ok(!everything.includes(secret), `${set}: a session cookie or CSRF token leaked into a msg, status or log line`);
      await helper.unload();
      await sim().close();
      s = undefined;
      await assertHandlesBack(base, set);
    });
  });
}
