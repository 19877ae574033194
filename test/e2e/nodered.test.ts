/**
 * End to end: the packed tarball installed into a fresh Node-RED user directory, Node-RED
 * started as a process, flows deployed through the admin API and driven over HTTP; once on
 * Node-RED 4.1 (Node 20) and once on Node-RED 5 (Node 22).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AmeyoSimulator } from '../../simulators/ameyo';
import { startSimulator } from '../../simulators/registry';
import { ROOT, deploy, freePort, makeUserDir, nodeRed4, nodeRed5, pack, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';

const HASH = 'e2e-HASH-9d2f71';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: Record<string, string> } };

interface NodeSetInfo {
  id: string;
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

for (const [label, runtime] of [
  ['Node-RED 4.1 on Node 20', nodeRed4],
  ['Node-RED 5 on Node 22', nodeRed5],
] as Array<[string, () => Runtime]>) {
  describe(`end to end: ${label}`, function () {
    this.timeout(180000);
    let red: RunningNodeRed;
    let ameyo: AmeyoSimulator;

    before(async () => {
      const rt = runtime();
      ameyo = (await startSimulator('ameyo', { port: 0, hashKey: HASH, requestingHost: 'e2e-crm', delayMs: 5 })) as AmeyoSimulator;
      const userDir = makeUserDir(path.join(ROOT, '.cache', `e2e-${label.replace(/\W+/g, '-')}`), pack());
      red = await startNodeRed(rt, userDir, await freePort());
    });

    after(async () => {
      await red?.stop();
      await ameyo?.close();
    });

    it('registers every node set of the package with no load error', async () => {
      const r = await fetch(red.url + '/nodes', { headers: { accept: 'application/json' } });
      const sets = ((await r.json()) as NodeSetInfo[]).filter((s) => s.module === pkg.name);
      assert.deepEqual(sets.map((s) => s.id.split('/').pop()).sort(), Object.keys(pkg['node-red'].nodes).sort());
      for (const s of sets) {
        assert.equal(s.err, undefined, `${s.id}: ${s.err}`);
        assert.equal(s.enabled, true, s.id);
      }
      const types = sets.flatMap((s) => s.types);
      assert.ok(types.includes('ameyo-config') && types.includes('ameyo-click-to-dial'));
      assert.doesNotMatch(red.output(), /\[warn\].*(node-red-contact-center|cc-glue)/i);
    });

    it('serves translated labels and help for each set, not keys', async () => {
      for (const set of Object.keys(pkg['node-red'].nodes)) {
        const r = await fetch(`${red.url}/locales/${pkg.name}/${set}?lng=en-US`);
        assert.equal(r.status, 200, set);
        const messages = (await r.json()) as Record<string, { paletteLabel?: string }>;
        const labelled = Object.entries(messages).filter(([k]) => k !== 'common');
        assert.ok(labelled.length > 0, `${set} has no messages`);
        for (const [type, m] of labelled) assert.ok(typeof m.paletteLabel === 'string' && m.paletteLabel.length > 0, `${type} has no paletteLabel`);
      }
      const html = await (await fetch(red.url + '/nodes', { headers: { accept: 'text/html' } })).text();
      assert.match(html, /data-help-name="ameyo-click-to-dial"/);
      assert.match(html, /RED\.nodes\.registerType\('ameyo-click-to-dial', \{/);
      assert.match(html, /Asks Ameyo to place an outbound call/);
      const icon = await fetch(`${red.url}/icons/${pkg.name}/ameyo.svg`);
      assert.equal(icon.status, 200);
    });

    it('deploys a flow through the admin API and drives click-to-dial over HTTP', async () => {
      await deploy(red.url, [
        { id: 't1', type: 'tab', label: 'e2e' },
        { id: 'cfg', type: 'ameyo-config', url: ameyo.url, requestingHost: 'e2e-crm', policyName: '', timeout: '5000', credentials: { hashKey: HASH } },
        { id: 'in', z: 't1', type: 'http in', url: '/dial', method: 'post', x: 100, y: 100, wires: [['dial']] },
        { id: 'dial', z: 't1', type: 'ameyo-click-to-dial', config: 'cfg', x: 300, y: 100, wires: [['resp']] },
        { id: 'resp', z: 't1', type: 'http response', statusCode: '', x: 500, y: 100, wires: [] },
        { id: 'catch', z: 't1', type: 'catch', scope: ['dial'], x: 100, y: 200, wires: [['fn']] },
        {
          id: 'fn',
          z: 't1',
          type: 'change',
          rules: [
            { t: 'set', p: 'payload', pt: 'msg', to: 'error', tot: 'msg' },
            { t: 'set', p: 'statusCode', pt: 'msg', to: '502', tot: 'num' },
          ],
          x: 300,
          y: 200,
          wires: [['resp']],
        },
      ]);
      // The admin API answers before the new flows have started.
      const end = Date.now() + 20000;
      while ((red.output().match(/Started flows/g) ?? []).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const call = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
        const r = await fetch(red.url + '/dial', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await r.text();
        assert.ok(text.startsWith('{'), `HTTP ${r.status}: ${text.slice(0, 200)}\n${red.output()}`);
        return { status: r.status, json: JSON.parse(text) as Record<string, unknown> };
      };
      const ok = await call({ campaignId: '14', userId: 'ravi.k', phone: '9876543210' });
      assert.equal(ok.status, 200, red.output());
      assert.equal(ok.json.outcome, 'connected');
      assert.equal(ok.json.connected, true);
      const noAnswer = await call({ campaignId: '14', userId: 'ravi.k', phone: '9876543202' });
      assert.equal(noAnswer.json.outcome, 'customer_no_answer');
      assert.equal(noAnswer.json.party, '9876543202');
      const bad = await call({ campaignId: '14', phone: '9876543210' });
      assert.equal(bad.status, 502);
      assert.equal(bad.json.code, 'INVALID_INPUT');
      assert.equal(ameyo.calls.length, 2);
      const sent = ameyo.server.requests[0];
      assert.equal(sent.headers['hash-key'], HASH);
      // The credential is stored encrypted and never comes back from the admin API.
      const flows = await (await fetch(red.url + '/flows')).text();
      assert.ok(!flows.includes(HASH), 'hash key returned by GET /flows');
      assert.ok(!red.output().includes(HASH), 'hash key in the Node-RED log');
    });
  });
}
