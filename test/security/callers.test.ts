/**
 * Hostile callers: ids that would navigate a URL (`..`, `.`, empty, percent-encoded dots),
 * credentials passed to a client, every wire form of a secret, "test connection" aimed at
 * another URL or with another type's node id, bodies nested deeper or wider than the bounds.
 * Issue #16, rows 5 to 8 (row 3, the fan-out crash, is tested in a real Node-RED: nodered.test.ts).
 */
import * as assert from 'node:assert/strict';
import { AmeyoClient } from '../../lib/ameyo';
import { DiyalogQueueClient, MAX_INBOUND_DEPTH, MAX_INBOUND_KEYS, parseCreateInteraction, normaliseCreateInteraction } from '../../lib/diyalog';
import { CcError } from '../../lib/errors';
import { GwsClient } from '../../lib/gws';
import { basicCredential, isDotSegment, redact, snippet } from '../../lib/http';
import { IcwsClient } from '../../lib/icws';
import { VirtualQClient } from '../../lib/virtualq';
import { startSimulator } from '../../simulators/registry';
import type { Simulator } from '../../simulators/common';
import { catchNode, helper, nodeSet, onTab } from '../helpers';
import { HostileServer, scan } from './hostile';

const DOTS = ['..', '.', '%2e%2E', '%2E.', '%252e%252e', ' .. ', ''];

async function refusal(p: Promise<unknown>): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, String(err));
    return err;
  }
  throw new Error('expected INVALID_INPUT, the call succeeded');
}

describe('security: hostile callers', function () {
  this.timeout(30000);

  describe('path segments are data: `..`, `.`, empty, percent-encoded dots → INVALID_INPUT naming the field, nothing sent', () => {
    const servers: Array<{ sim: Simulator; h: HostileServer }> = [];
    async function front(vendor: string, opts: Record<string, unknown> = {}): Promise<HostileServer> {
      const sim = await startSimulator(vendor, { port: 0, ...opts });
      const h = await new HostileServer(sim.url).listen();
      servers.push({ sim, h });
      return h;
    }
    after(async () => {
      for (const { sim, h } of servers) {
        await h.close();
        await sim.close();
      }
    });

    it('recognises dot segments after percent-decoding, and nothing else', () => {
      for (const d of ['.', '..', '%2e', '%2E%2e', '%252E%252E', ' .. ']) assert.ok(isDotSegment(d), d);
      for (const d of ['...', 'a..', '.a', '%2e%2e%2e', '%zz', 'x']) assert.ok(!isDotSegment(d), d);
    });

    it('Diyalog deleteInteraction (interactionId)', async () => {
      const h = await front('diyalog');
      const c = new DiyalogQueueClient({ url: h.url + '/queue' });
      try {
        for (const id of DOTS) {
          const e = await refusal(c.deleteInteraction({ interactionId: id }));
          assert.equal(e.code, 'INVALID_INPUT', `${JSON.stringify(id)}: ${e.message}`);
          assert.equal(e.field, 'interactionId');
        }
        assert.equal(h.seen.length, 0);
        // A dot inside an id is data like any other character: it is sent (the simulator knows no such id).
        await c.deleteInteraction({ interactionId: 'a.b' }).catch(() => undefined);
        assert.equal(h.seen.at(-1)?.path, '/queue/a.b');
      } finally {
        c.close();
      }
    });

    it('GWS get, update, POST operations (interactionId) and ready / notReady (channel)', async () => {
      const h = await front('gws');
      const c = new GwsClient({ url: h.url, username: 'agent01', password: 'agent01-pass' }, { timeout: 3000 });
      try {
        for (const id of DOTS) {
          for (const [op, extra] of [
            ['get', {}],
            ['update', { interaction: { state: 'x' } }],
            ['Complete', {}],
          ] as Array<[string, Record<string, unknown>]>) {
            const e = await refusal(c.interaction(op, { interactionId: id, ...extra }));
            assert.equal(e.code, 'INVALID_INPUT', `${op} ${JSON.stringify(id)}: ${e.message}`);
            assert.equal(e.field, 'interactionId');
          }
          if (id.trim() === '') continue; // an empty channel means "every channel", as documented
          for (const op of ['ready', 'notReady']) {
            const e = await refusal(c.agent(op, { channel: id }));
            assert.equal(e.code, 'INVALID_INPUT', `${op} ${JSON.stringify(id)}: ${e.message}`);
            assert.equal(e.field, 'channel');
          }
        }
        assert.deepEqual(h.seen, [], 'not even the session was opened');
      } finally {
        c.close();
      }
    });

    it('ICWS setStatus (userId)', async () => {
      const h = await front('icws');
      const c = new IcwsClient({ url: h.url, username: 'agent1', password: 'agent1-secret', timeout: 3000 });
      try {
        for (const id of DOTS) {
          const e = await refusal(c.setStatus({ statusId: 'Available', userId: id }));
          assert.equal(e.code, 'INVALID_INPUT', `${JSON.stringify(id)}: ${e.message}`);
          assert.equal(e.field, 'userId');
        }
        assert.deepEqual(h.seen, [], 'not even the session was opened');
      } finally {
        await c.close();
      }
    });

    it('virtualQ line and line-group ids', async () => {
      const h = await front('virtualq');
      const c = new VirtualQClient({ url: h.url, apiKey: 'sim-virtualq-key' });
      try {
        for (const id of DOTS) {
          const e = await refusal(c.isActive({ lineId: id as never }));
          assert.equal(e.code, 'INVALID_INPUT');
          assert.equal(e.field, 'lineId');
          const g = await refusal(c.updateLineGroup({ lineGroupId: id as never, callCenterId: 1 } as never));
          assert.equal(g.code, 'INVALID_INPUT');
        }
        assert.deepEqual(h.seen, []);
      } finally {
        c.close();
      }
    });
  });

  describe('redaction', () => {
    const user = 'agent07';
    const password = 'p@ss/wörd "quoted" +plus';
    const forms = [
      password,
      encodeURIComponent(password),
      encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      encodeURIComponent(password).replace(/%20/g, '+'),
      JSON.stringify(password).slice(1, -1),
      `Basic ${basicCredential(user, password)}`,
    ];

    it('removes every wire form of a secret: raw, percent-encoded, form-encoded, JSON-escaped, Basic', () => {
      for (const f of forms) {
        const out = redact(`before ${f} after`, [password]);
        assert.ok(!out.includes(f), `${f} → ${out}`);
        assert.deepEqual(scan(out, [password, basicCredential(user, password)]), []);
      }
    });

    it('redacts before cutting short: a Basic value or a password at character 160 leaves no piece behind', () => {
      const secrets = [password, basicCredential(user, password)];
      for (const at of [140, 150, 155]) {
        for (const text of ['-'.repeat(at) + ` Authorization: Basic ${basicCredential(user, password)} rest`, '-'.repeat(at) + ` password=${password} rest`]) {
          assert.deepEqual(scan(snippet(redact(text, [password])), secrets), []);
        }
      }
      // The order that leaked: cut first, then redact (the cut piece is no longer the secret).
      assert.notDeepEqual(scan(redact(snippet('-'.repeat(140) + ` password=${password} rest`), [password]), secrets), []);
    });

    it('credentials passed to the Ameyo and virtualQ clients are added to, never put in place of, their own', () => {
      const extra = () => ['caller-secret-4711'];
      const a = new AmeyoClient({ url: 'http://127.0.0.1:9', hashKey: 'hash-key-123', requestingHost: 'h' }, { secrets: extra });
      const v = new VirtualQClient({ url: 'http://127.0.0.1:9', apiKey: 'api-key-456' }, { secrets: extra });
      try {
        assert.equal(a.transport.redact('hash-key-123 caller-secret-4711'), '*** ***');
        assert.equal(v.transport.redact('api-key-456 caller-secret-4711'), '*** ***');
      } finally {
        a.close();
        v.close();
      }
    });
  });

  describe('inbound bounds (Diyalog CreateInteraction)', () => {
    const deep = (n: number): string => '{"customerId":"c","attachedData":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';

    it(`refuses a body nested deeper than ${MAX_INBOUND_DEPTH} levels, before and after parsing`, () => {
      const r = parseCreateInteraction(deep(3000));
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, /deeper than 32/);
      assert.equal(normaliseCreateInteraction(JSON.parse(deep(40))).ok, false);
      assert.equal(parseCreateInteraction(deep(MAX_INBOUND_DEPTH - 2)).ok, true);
    });

    it(`refuses more than ${MAX_INBOUND_KEYS} keys and elements`, () => {
      const wide = { customerId: 'c', attachedData: Object.fromEntries(Array.from({ length: MAX_INBOUND_KEYS + 1 }, (_, i) => [`k${i}`, i])) };
      const r = parseCreateInteraction(JSON.stringify(wide));
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, /more than 1000 keys/);
      wide.attachedData = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, i]));
      assert.equal(parseCreateInteraction(JSON.stringify(wide)).ok, true);
    });
  });
});

describe('security: test connection uses a stored secret only where it is stored', function () {
  this.timeout(30000);
  let sim: Simulator;
  let elsewhere: HostileServer;
  const HASH = 'sim-hash-key';
  const PROXY_PASSWORD = 'proxy-Passw0rd-77';
  const proxyNode: unknown = require('@node-red/nodes/core/network/06-httpproxy.js');

  before(async () => {
    sim = await startSimulator('ameyo', { port: 0 });
    elsewhere = await new HostileServer().listen();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await elsewhere.close();
    await sim.close();
  });
  afterEach(() => helper.unload());

  async function load(): Promise<void> {
    const flow = onTab([
      { id: 'cfg', type: 'ameyo-config', url: sim.url, requestingHost: 'sim-crm' },
      { id: 'gcfg', type: 'gws-config', url: sim.url },
      { id: 'prx', type: 'http proxy', url: 'http://127.0.0.1:9' },
    ]);
    await helper.load([nodeSet('ameyo'), nodeSet('gws'), proxyNode, catchNode], flow as never, {
      cfg: { hashKey: HASH },
      gcfg: { username: 'agent01', password: 'gws-Stored-pass-1' },
      prx: { username: 'pu', password: PROXY_PASSWORD },
    });
  }

  async function probe(type: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const admin = helper.request() as { post(u: string): { send(b: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
    return admin.post(`/cc-glue/test-connection/${type}`).send(body);
  }

  function audits(): Array<Record<string, unknown>> {
    const spy = (helper as unknown as { log(): unknown }).log() as { args: Array<[Record<string, unknown>]> };
    return spy.args.map((a) => a[0]).filter((m) => m && m.level === 98 && m.event === 'cc-glue.test-connection');
  }

  it('the same node, type and URL: the stored credential is used', async () => {
    await load();
    const r = await probe('ameyo-config', { id: 'cfg', settings: { url: sim.url + '/', requestingHost: 'sim-crm' }, credentials: { hashKey: '__PWRD__' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { ok: true });
  });

  it('another URL (host, port, scheme or path prefix): 400 naming the credential, nothing sent', async () => {
    await load();
    const port = new URL(sim.url).port;
    for (const url of [elsewhere.url, sim.url + '/prefix', sim.url.replace('127.0.0.1', 'localhost'), `https://127.0.0.1:${port}`]) {
      for (const hashKey of ['__PWRD__', '']) {
        const r = await probe('ameyo-config', { id: 'cfg', settings: { url, requestingHost: 'sim-crm' }, credentials: { hashKey } });
        assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'INVALID_INPUT');
        assert.match(String(r.body.message), /hashKey/);
      }
    }
    // Another proxy named for the stored URL: the credential would go through it.
    const viaProxy = await probe('ameyo-config', {
      id: 'cfg',
      settings: { url: sim.url, requestingHost: 'sim-crm', proxy: 'prx' },
      credentials: { hashKey: '__PWRD__' },
    });
    assert.equal(viaProxy.status, 400);
    assert.deepEqual(elsewhere.seen, []);
    // Typed again, the credential goes where the dialog says.
    const typed = await probe('ameyo-config', {
      id: 'cfg',
      settings: { url: elsewhere.url, requestingHost: 'sim-crm' },
      credentials: { hashKey: 'typed-key-1' },
    });
    assert.equal(typed.status, 200);
    assert.equal(elsewhere.seen.length, 1);
  });

  it("another type's node id (an http proxy's password, another vendor's config): never sent", async () => {
    await load();
    elsewhere.seen.length = 0;
    for (const [type, id, creds] of [
      ['gws-config', 'prx', { username: 'pu', password: '__PWRD__' }],
      ['ameyo-config', 'gcfg', { hashKey: '__PWRD__' }],
    ] as Array<[string, string, Record<string, string>]>) {
      const r = await probe(type, { id, settings: { url: elsewhere.url, requestingHost: 'x' }, credentials: creds });
      assert.equal(r.status, 400, JSON.stringify(r.body));
    }
    assert.deepEqual(elsewhere.seen, []);
    assert.deepEqual(scan(JSON.stringify(elsewhere.carried), [PROXY_PASSWORD, 'gws-Stored-pass-1']), []);
  });

  it('every call is in the audit log, with no secret', async () => {
    await load();
    await probe('ameyo-config', { id: 'cfg', settings: { url: sim.url, requestingHost: 'sim-crm' }, credentials: { hashKey: '__PWRD__' } });
    await probe('ameyo-config', { id: 'cfg', settings: { url: elsewhere.url, requestingHost: 'sim-crm' }, credentials: { hashKey: '__PWRD__' } });
    await probe('ameyo-config', { id: 'x', settings: { url: sim.url, requestingHost: 'sim-crm' }, credentials: { hashKey: 'wrong-typed-key' } });
    const a = audits();
    assert.equal(a.length, 3, JSON.stringify(a));
    assert.deepEqual(
      a.map((e) => [e.type, e.id, e.result]),
      [
        ['ameyo-config', 'cfg', 'ok'],
        ['ameyo-config', 'cfg', 'refused: hashKey'],
        ['ameyo-config', 'x', 'AUTH_FAILED'],
      ],
    );
    assert.deepEqual(scan(JSON.stringify(a), [HASH, 'wrong-typed-key']), []);
  });

  it('a malformed body gets JSON, not an HTML error page', async () => {
    await load();
    const admin = helper.request() as {
      post(u: string): { set(k: string, v: string): { send(b: string): Promise<{ status: number; text: string; headers: Record<string, string> }> } };
    };
    const r = await admin.post('/cc-glue/test-connection/ameyo-config').set('content-type', 'application/json').send('{"id": ');
    assert.equal(r.status, 400);
    assert.match(r.headers['content-type'], /json/);
    assert.equal(JSON.parse(r.text).ok, false);
  });
});
