/**
 * A real Node-RED 4.1 process with the packed package installed and adminAuth on, every
 * registered node set deployed against its simulator with known secret credentials:
 *
 * - admin endpoints of the package need a token with the right permission;
 * - the flow export, the credentials and test-connection answers and the whole log hold no secret;
 * - TLS is verified unless a tls-config node turns it off;
 * - the Diyalog inbound endpoint under fuzzed bodies and headers, oversize bodies, wrong
 *   content types, deep nesting, prototype keys, invalid UTF-8 and slow-loris clients:
 *   clean 4xx answers, no pollution, bounded memory, other clients still served;
 * - a redeploy and a stop with requests in flight: every msg ends exactly once, no crash.
 *
 * Msgs are driven and counted by a small local node (userDir/nodes/rel-driver.js) that
 * injects msgs through an admin route and records every completion through the onComplete hook.
 * The process and those helpers: nodered-harness.ts; the inbound endpoint's tests: nodered-inbound.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigSpec } from '../../nodes/shared/spec';
import type { Simulator } from '../../simulators/common';
import { root, sleep } from '../helpers';
import { ADMIN_PASSWORD, RUNTIMES, VIEWER_PASSWORD, relNodeRed, request, type Def, type Ends } from './nodered-harness';
import { inboundEndpointTests } from './nodered-inbound';
import { ALL_SECRETS, PROFILES, type Profile } from './profiles';
import { N, record, registeredSets } from './support';

for (const [label, runtime] of RUNTIMES)
  describe(`reliability in a real Node-RED ${label} process (adminAuth, secrets, TLS, inbound endpoint, redeploy and stop in flight)`, function () {
    this.timeout(240000);
    const ctx = relNodeRed(label, runtime);
    const { sets, sims, httpsHits, admin, deploy, drive, ends, tally, settle, buildFlows } = ctx;

    it('the package admin endpoints refuse requests without a token or without write permission', async () => {
      const types: string[] = [];
      for (const set of registeredSets()) {
        const specs = (require(path.join(root, 'dist', 'nodes', set, 'spec.js')) as { specs: { config: ConfigSpec[] } }).specs;
        for (const c of specs.config) if (c.testConnection) types.push(c.type);
      }
      assert.ok(types.length > 0, 'at least one config type offers test connection');
      for (const type of types) {
        const url = `${ctx.running().url}/cc-glue/test-connection/${type}`;
        const body = JSON.stringify({ settings: { url: 'http://127.0.0.1:9' }, credentials: {} });
        const anon = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(anon.status, 401, `${type} without a token`);
        const viewer = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.viewerToken}` },
          body,
        });
        assert.ok([401, 403].includes(viewer.status), `${type} with a read-only token: ${viewer.status}`);
        const ok = await request(url, { method: 'POST', headers: { ...admin(), 'content-type': 'application/json' }, body });
        assert.equal(ok.status, 200, `${type} with an admin token`);
      }
      const flowsAnon = await request(`${ctx.running().url}/flows`);
      assert.equal(flowsAnon.status, 401);
    });

    it('operations still work end to end (every registered set)', async () => {
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          const ids = Array.from({ length: N }, () => `nr-${op.id}-${ctx.nextSeq()}`);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
          const t = await settle(ids, op.id);
          record(`nodered ${label}`, set, `normal (${String(op.node.type)})`, t);
          assert.equal(t.delivered, N, `${op.id}: ${JSON.stringify(t)}`);
        }
      }
    });

    it('TLS: a self-signed server is refused (NETWORK) unless a tls-config node turns verification off', async () => {
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          httpsHits.length = 0;
          const v = `nr-tls-${ctx.nextSeq()}`;
          await drive(`${op.id}-tlsv`, [{ ...op.msg(), _rel: v }]);
          const tv = await settle([v], `${op.id}-tlsv`);
          record(`nodered ${label}`, set, `TLS verified against a self-signed server (${String(op.node.type)})`, tv);
          assert.deepEqual(tv.codes, { NETWORK: 1 }, `${op.id}: ${JSON.stringify(tv)}`);
          const why = (await ends())[v]?.[0]?.message ?? '';
          assert.match(why, /self.signed|certificate/i, `${op.id}: refused for the certificate`);
          const o = `nr-tls-${ctx.nextSeq()}`;
          await drive(`${op.id}-tlsoff`, [{ ...op.msg(), _rel: o }]);
          const to = await settle([o], `${op.id}-tlsoff`);
          record(`nodered ${label}`, set, `TLS verification off in tls-config (${String(op.node.type)})`, to);
          assert.equal(to.lost, 0);
          assert.ok(httpsHits.length > 0, `${op.id}: with verification off the request reaches the server`);
          assert.equal(to.codes.NETWORK, undefined, `${op.id}: ${JSON.stringify(to)}`);
        }
      }
    });

    inboundEndpointTests(ctx);

    it('redeploy with requests in flight: every msg ends exactly once, the new flows work', async () => {
      const inflight = new Map<string, string[]>();
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          (sims.get(set) as Simulator).server.addFault({ path: op.faultPath, method: op.faultMethod, delayMs: 2000, times: N });
          const ids = Array.from({ length: N }, () => `nr-redeploy-${op.id}-${ctx.nextSeq()}`);
          inflight.set(op.id, ids);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
        }
      }
      await sleep(300);
      await deploy(buildFlows());
      for (const set of sets) {
        for (const op of PROFILES[set].ops) {
          const t = await settle(inflight.get(op.id) as string[], op.id);
          record(`nodered ${label}`, set, `redeploy in flight (${String(op.node.type)})`, t);
          assert.equal(t.lost + t.duplicated, 0, `${op.id}: ${JSON.stringify(t)}`);
          (sims.get(set) as Simulator).server.clearFaults();
          const ids = Array.from({ length: N }, () => `nr-after-${op.id}-${ctx.nextSeq()}`);
          await drive(
            op.id,
            ids.map((id) => ({ ...op.msg(), _rel: id })),
          );
          const after = await settle(ids, op.id);
          record(`nodered ${label}`, set, `after redeploy (${String(op.node.type)})`, after);
          assert.equal(after.delivered, N, `${op.id} after redeploy: ${JSON.stringify(after)}`);
        }
      }
    });

    it('no secret in the flow export, credentials and test-connection answers, or anything Node-RED printed', async () => {
      const base = ctx.running().url;
      const texts: string[] = [];
      const get = async (p: string): Promise<void> => {
        const a = await request(base + p, { headers: admin() });
        assert.equal(a.status, 200, `${p}: ${a.status}`);
        texts.push(a.text);
      };
      await get('/flows');
      await get('/settings');
      await get('/nodes');
      for (const n of ctx.flows.filter((x) => x.credentials)) await get(`/credentials/${String(n.type)}/${String(n.id)}`);
      // Test connection with the stored credentials (placeholder) and with a wrong URL: answers hold no secret.
      for (const set of sets) {
        const p = PROFILES[set] as Profile;
        const specs = (require(path.join(root, 'dist', 'nodes', set, 'spec.js')) as { specs: { config: ConfigSpec[] } }).specs;
        for (const c of specs.config.filter((x) => x.testConnection)) {
          const cfg = ctx.flows.find((x) => x.type === c.type && !String(x.id).includes('-tls'));
          for (const settings of [cfg, { ...cfg, url: 'http://127.0.0.1:9' }, { ...cfg, url: ctx.httpsUrl }]) {
            const a = await request(`${base}/cc-glue/test-connection/${c.type}`, {
              method: 'POST',
              headers: { ...admin(), 'content-type': 'application/json' },
              body: JSON.stringify({ id: cfg?.id, settings, credentials: Object.fromEntries(c.credentials.map((k) => [k, '__PWRD__'])) }),
            });
            texts.push(a.text);
          }
          assert.ok(p.secrets.length > 0);
        }
      }
      const flowExport = JSON.parse(texts[0]) as { flows?: Def[] } | Def[];
      const list = Array.isArray(flowExport) ? flowExport : (flowExport.flows ?? []);
      assert.ok(list.length > 0, 'the flow export lists the deployed nodes');
      assert.ok(!list.some((n) => n.credentials), 'credentials are not exported with flows');
      const everything = texts.join('\n') + ctx.running().output() + fs.readFileSync(path.join(ctx.userDir, 'rel-ends.log'), 'utf8');
      for (const secret of [...ALL_SECRETS, ADMIN_PASSWORD, VIEWER_PASSWORD]) assert.ok(!everything.includes(secret), `secret ${secret.slice(0, 8)}… leaked`);
      const stored = fs.readFileSync(path.join(ctx.userDir, 'flows_cred.json'), 'utf8');
      for (const secret of ALL_SECRETS) assert.ok(!stored.includes(secret), 'credentials file is encrypted');
    });

    describe('finally', function () {
      it('stop with requests in flight: every msg ends exactly once, Node-RED exits cleanly with no unhandled rejection', async () => {
        const inflight = new Map<string, string[]>();
        for (const set of sets) {
          for (const op of PROFILES[set].ops) {
            (sims.get(set) as Simulator).server.addFault({ path: op.faultPath, method: op.faultMethod, delayMs: 3000, times: N });
            const ids = Array.from({ length: N }, () => `nr-stop-${op.id}-${ctx.nextSeq()}`);
            inflight.set(op.id, ids);
            await drive(
              op.id,
              ids.map((id) => ({ ...op.msg(), _rel: id })),
            );
          }
        }
        await sleep(300);
        const running = ctx.running();
        await running.stop();
        assert.equal(running.proc.exitCode, 0, `exit code ${String(running.proc.exitCode)} / signal ${String(running.proc.signalCode)}`);
        ctx.nr = undefined;
        const lines = fs
          .readFileSync(path.join(ctx.userDir, 'rel-ends.log'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { id: string; node: string; code: string | null });
        const all: Ends = {};
        for (const l of lines) (all[l.id] = all[l.id] ?? []).push(l);
        for (const set of sets) {
          for (const op of PROFILES[set].ops) {
            const t = tally(all, inflight.get(op.id) as string[], op.id);
            record(`nodered ${label}`, set, `stop in flight (${String(op.node.type)})`, t);
            assert.equal(t.lost + t.duplicated, 0, `${op.id}: ${JSON.stringify(t)}`);
          }
        }
        assert.doesNotMatch(running.output(), /unhandled|uncaught|UnhandledPromiseRejection/i);
      });
    });
  });
