/**
 * Hostile vendors against every client (lib, over the wire): a server in front of each vendor's
 * simulator that echoes the request with its credentials (200, 401, 500; JSON and plain text cut
 * at 160 characters), sends huge answers, gzip / deflate / br bombs, an endless body, a slow drip,
 * deep JSON, redirects. Each attack ends that one call (an error or a result, never a crash), no
 * form or piece of any credential or session token reaches the result, the error, its answer or
 * a log line, and the next call works. Issue #16, rows 1, 4, 5 and 8.
 */
import * as assert from 'node:assert/strict';
import { AmeyoClient } from '../../lib/ameyo';
import { DiyalogApiClient, DiyalogQueueClient } from '../../lib/diyalog';
import { CcError } from '../../lib/errors';
import { GwsClient } from '../../lib/gws';
import { jsonDeeperThan } from '../../lib/http';
import { IcwsClient } from '../../lib/icws';
import { VirtualQClient } from '../../lib/virtualq';
import { startSimulator } from '../../simulators/registry';
import type { Simulator } from '../../simulators/common';
import { HostileServer, basic, scan, shown, type Attack } from './hostile';

const TOKEN = 'dlg7Hq2x9Lm4Rt8tok';
const AMEYO_KEY = 'sim-hash-key';
const VQ_KEY = 'sim-virtualq-key';

interface Case {
  vendor: string;
  sim: string;
  simOpts?: Record<string, unknown>;
  /** The attacked requests. */
  path: RegExp;
  secrets: string[];
  make(url: string, logs: string[]): { run(): Promise<unknown>; close(): void | Promise<void> };
}

const CASES: Case[] = [
  {
    vendor: 'Diyalog queue',
    sim: 'diyalog',
    simOpts: { authToken: TOKEN },
    path: /\/queue\/CreateInteraction$/,
    secrets: [TOKEN],
    make(url) {
      const c = new DiyalogQueueClient({ url: url + '/queue', authToken: TOKEN, timeout: 3000 }, { retryBaseMs: 5 });
      return { run: () => c.createInteraction({ customerId: 'c-1', attachedData: { a: '1' } }), close: () => c.close() };
    },
  },
  {
    vendor: 'Diyalog application API',
    sim: 'diyalog',
    path: /interactionisnotdelivered$/,
    secrets: ['AK-7f3e21', 'demo-secret-key'],
    make(url) {
      const c = new DiyalogApiClient(
        { url, accessKeyId: 'AK-7f3e21', accessKeySecret: 'demo-secret-key', requesterUserId: '45186', timeout: 3000 },
        { retryBaseMs: 5 },
      );
      return { run: () => c.interactionNotDelivered({ interactionId: 'i-1', message: 'nobody' }), close: () => c.close() };
    },
  },
  {
    vendor: 'virtualQ',
    sim: 'virtualq',
    path: /\/waiters$/,
    secrets: [VQ_KEY],
    make(url) {
      const c = new VirtualQClient({ url, apiKey: VQ_KEY, timeout: 3000 }, { retryBaseMs: 5, retries: 0 });
      return { run: () => c.listWaiting({ callCenterId: 1 }), close: () => c.close() };
    },
  },
  {
    vendor: 'Ameyo',
    sim: 'ameyo',
    path: /ameyowebaccess/,
    secrets: [AMEYO_KEY],
    make(url) {
      const c = new AmeyoClient({ url, hashKey: AMEYO_KEY, requestingHost: 'sim-crm', timeout: 3000 }, { retryBaseMs: 5 });
      return { run: () => c.clickToDial({ campaignId: 1, userId: 'agent', phone: '5551234' }), close: () => c.close() };
    },
  },
  {
    vendor: 'ICWS',
    sim: 'icws',
    path: /\/status\/user-statuses\//,
    secrets: ['agent1-secret'],
    make(url, logs) {
      const c = new IcwsClient({ url, username: 'agent1', password: 'agent1-secret', timeout: 3000, backoffMs: [100, 200] });
      c.session.on('warning', (w: string) => logs.push(w));
      c.session.on('state', (s: unknown) => logs.push(JSON.stringify(s)));
      return { run: () => c.setStatus({ statusId: 'Available' }), close: () => c.close() };
    },
  },
  {
    vendor: 'GWS',
    sim: 'gws',
    path: /\/api\/v2\/interactions\/x-1$/,
    secrets: ['agent01-pass', basic('agent01', 'agent01-pass')],
    make(url, logs) {
      const c = new GwsClient(
        { url, username: 'agent01', password: 'agent01-pass' },
        { timeout: 3000, retryBaseMs: 5, retries: 0 },
        { log: (_l, t) => logs.push(t) },
      );
      c.onState((s) => logs.push(JSON.stringify(s)));
      return { run: () => c.interaction('get', { interactionId: 'x-1' }), close: () => c.close() };
    },
  },
];

/** Runs one call; the outcome (value or error), never a throw. */
async function settle(p: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

function codeOf(o: { error?: unknown }): string | undefined {
  return o.error === undefined ? undefined : o.error instanceof CcError ? o.error.code : `thrown: ${String(o.error)}`;
}

describe('security: hostile vendors against every client', function () {
  this.timeout(60000);
  for (const k of CASES)
    describe(k.vendor, function () {
      let sim: Simulator;
      let h: HostileServer;
      let client: ReturnType<Case['make']>;
      const logs: string[] = [];
      /** How a call ends against the plain simulator (a success, or the simulator's own refusal). */
      let baseline: string | undefined;
      before(async () => {
        sim = await startSimulator(k.sim, { port: 0, ...(k.simOpts ?? {}) });
        h = await new HostileServer(sim.url).listen();
        client = k.make(h.url, logs);
        baseline = codeOf(await settle(client.run()));
        assert.ok(baseline === undefined || !['NETWORK', 'TIMEOUT', 'AUTH_FAILED'].includes(baseline), `the plain call fails: ${baseline}`);
      });
      after(async () => {
        await client.close();
        await h.close();
        await sim.close();
      });
      afterEach(() => (h.rules = []));

      /** The scan over everything a user could see, then the proof that the next call works. */
      async function attack(attack: Attack, status: number, check: (o: { value?: unknown; error?: unknown }) => void, bytes?: number): Promise<void> {
        h.rules = [{ path: k.path, attack, status, bytes }];
        const o = await settle(client.run());
        h.rules = [];
        check(o);
        const leaks = scan([shown(o.value), shown(o.error), ...logs].join('\n'), [...k.secrets, ...h.carried]);
        assert.deepEqual(leaks, [], `${attack} ${status}: a secret reached what a user sees`);
        const next = await settle(client.run());
        assert.equal(codeOf(next), baseline, `the next call ended otherwise after ${attack}: ${shown(next.error)}`);
      }

      for (const [attackName, status] of [
        ['echo', 200],
        ['echo', 401],
        ['echo', 500],
        ['echoText', 500],
        ['echoText', 401],
      ] as Array<[Attack, number]>) {
        it(`an echo of the request (${attackName === 'echo' ? 'JSON' : 'text cut at 160'}, HTTP ${status}) leaks no credential or token`, async () => {
          await attack(attackName, status, (o) => assert.ok(o.error || o.value));
        });
      }

      for (const a of ['huge', 'gzip', 'deflate', 'br', 'endless'] as Attack[]) {
        it(`a ${a === 'huge' ? '16 MB answer' : a === 'endless' ? 'never-ending answer' : `${a} bomb (16 MB decoded)`} ends the call with VENDOR_ERROR naming the limit`, async () => {
          await attack(
            a,
            200,
            (o) => {
              assert.ok(o.error instanceof CcError, `expected an error, got ${shown(o.value).slice(0, 100)}`);
              assert.equal(o.error.code, 'VENDOR_ERROR', o.error.message);
              assert.match(o.error.message, /limit|larger than|too large|MB|bytes/i);
            },
            16 * 1024 * 1024,
          );
        });
      }

      it('a slow drip ends with TIMEOUT', async () => {
        await attack('drip', 200, (o) => assert.equal((o.error as CcError)?.code, 'TIMEOUT'));
      });

      it('deep JSON (500,000 levels) stays text: the answer can be cloned and shown', async () => {
        await attack(
          'deep',
          200,
          (o) => {
            const answer = o.error instanceof CcError ? o.error.answer : (o.value as { vendor?: unknown })?.vendor;
            const text = JSON.stringify(answer ?? null);
            assert.ok(!jsonDeeperThan(text, 64), 'msg.vendor nests deeper than 64 levels');
            assert.doesNotThrow(() => structuredClone(o.value ?? o.error));
          },
          1000 * 1000,
        );
      });

      it('a redirect is not followed: the other server sees nothing', async () => {
        const elsewhere = await new HostileServer().listen();
        try {
          h.rules = [{ path: k.path, attack: 'redirect', status: 302, location: elsewhere.url + '/steal' }];
          const o = await settle(client.run());
          h.rules = [];
          assert.ok(o.error instanceof CcError, 'a redirect is an error of the call');
          assert.equal(elsewhere.seen.length, 0);
          assert.deepEqual(scan(shown(o.error), [...k.secrets, ...h.carried]), []);
        } finally {
          await elsewhere.close();
        }
      });
    });
});

describe('security: hostile vendors echo the log-in itself (ICWS connect, GWS session)', function () {
  this.timeout(30000);
  for (const status of [400, 401, 500])
    for (const attack of ['echo', 'echoText'] as Attack[]) {
      it(`ICWS: POST /icws/connection answered with an ${attack} (HTTP ${status}) leaks no password`, async () => {
        const sim = await startSimulator('icws', { port: 0 });
        const h = await new HostileServer(sim.url).listen();
        const logs: string[] = [];
        const c = new IcwsClient({ url: h.url, username: 'agent1', password: 'agent1-secret', timeout: 3000, backoffMs: [5000] });
        c.session.on('warning', (w: string) => logs.push(w));
        c.session.on('state', (st: unknown) => logs.push(JSON.stringify(st)));
        try {
          h.rules = [{ path: /\/icws\/connection$/, attack, status }];
          const o = await settle(c.setStatus({ statusId: 'Available' }));
          assert.ok(o.error instanceof CcError, shown(o.value));
          assert.deepEqual(scan([shown(o.error), ...logs].join('\n'), ['agent1-secret', ...h.carried]), []);
        } finally {
          await c.close();
          await h.close();
          await sim.close();
        }
      });
      it(`GWS: GET /api/v2/me answered with an ${attack} (HTTP ${status}) leaks no Basic value or password`, async () => {
        const sim = await startSimulator('gws', { port: 0 });
        const h = await new HostileServer(sim.url).listen();
        const logs: string[] = [];
        const c = new GwsClient({ url: h.url, username: 'agent01', password: 'agent01-pass' }, { timeout: 3000, retries: 0 }, { log: (_l, t) => logs.push(t) });
        c.onState((st) => logs.push(JSON.stringify(st)));
        try {
          h.rules = [{ path: /\/api\/v2\/me$/, attack, status }];
          for (const o of [await settle(c.interaction('get', { interactionId: 'x-1' })), await settle(c.checkCredentials())]) {
            assert.ok(o.error instanceof CcError, shown(o.value));
            assert.deepEqual(scan([shown(o.error), ...logs].join('\n'), ['agent01-pass', basic('agent01', 'agent01-pass'), ...h.carried]), []);
          }
        } finally {
          c.close();
          await h.close();
          await sim.close();
        }
      });
    }
});
