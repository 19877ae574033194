/**
 * The Diyalog inbound endpoint of the reliability suite's Node-RED process under fuzzed bodies and
 * headers, oversize bodies, wrong content types, deep nesting, prototype keys, invalid UTF-8 and
 * slow-loris clients: clean 4xx answers, no pollution, bounded memory, other clients still served.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { sleep, type RawAnswer } from '../helpers';
import { DLG_PATH, request, rss, type RelNodeRed } from './nodered-harness';
import { PROFILES } from './profiles';
import { FUZZ_RUNS, N, record, type Tally } from './support';

/** Registers the inbound endpoint's tests in the runtime's `describe`. */
export function inboundEndpointTests(ctx: RelNodeRed): void {
  const { label, sets, admin } = ctx;
  describe('the Diyalog inbound endpoint', function () {
    const url = (p = '/CreateInteraction'): string => `${ctx.running().url}${DLG_PATH}${p}`;
    const token = (): string => PROFILES.diyalog.secrets[0];
    const envelopeOk = (a: RawAnswer): void => {
      const j = a.json as { success?: unknown; errorMessage?: unknown; result?: unknown } | undefined;
      assert.ok(
        j && j.success === false && typeof j.errorMessage === 'string' && j.result === null,
        `not the failure envelope: ${a.status} ${a.text.slice(0, 200)}`,
      );
    };
    const alive = async (): Promise<void> => {
      const a = await request(url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'auth-token': token() },
        body: '{"customerId":"C-alive"}',
      });
      assert.equal(a.status, 200, a.text);
    };

    before(function () {
      if (!sets.includes('diyalog')) this.skip();
    });

    it('fuzzed JSON bodies: 200 for a valid interaction, else a 400 envelope; never a 5xx', async () => {
      const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
      // Any JSON, or an interaction whose fields may have the wrong types.
      const bodies = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record(
          {
            customerId: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
            identityNumber: fc.oneof(fc.string({ maxLength: 11 }), fc.integer()),
            attachedData: fc.jsonValue({ maxDepth: 3 }),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          bodies,
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            '',
            'application/x-www-form-urlencoded',
            'application/xml',
            'multipart/form-data; boundary=x',
          ),
          async (body, type) => {
            const headers: Record<string, string> = { 'auth-token': token() };
            if (type) headers['content-type'] = type;
            const a = await request(url(), { method: 'POST', headers, body: JSON.stringify(body) });
            t.sent++;
            assert.ok(a.status === 200 || a.status === 400, `status ${a.status} for ${JSON.stringify(body).slice(0, 200)}`);
            if (a.status === 400) {
              envelopeOk(a);
              t.errored++;
              t.codes.HTTP_400 = (t.codes.HTTP_400 ?? 0) + 1;
            } else t.delivered++;
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      record(`nodered ${label}`, 'diyalog', 'inbound: fuzzed bodies × content types (answered 200 or 400)', t);
    });

    it('fuzzed headers and tokens: 401 unless the token matches', async () => {
      const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.constant(token() + 'x'),
            fc.constant(token().slice(0, -1)),
            fc.constant(token().toUpperCase()),
            fc.constant(''),
          ),
          fc.dictionary(fc.stringMatching(/^x-[a-z]{1,8}$/), fc.stringMatching(/^[ -~]{0,40}$/), { maxKeys: 4 }),
          async (given, extra) => {
            const a = await request(url(), {
              method: 'POST',
              headers: { ...extra, 'content-type': 'application/json', 'auth-token': given },
              body: '{"customerId":"C-1"}',
            });
            t.sent++;
            t.errored++;
            t.codes[`HTTP_${a.status}`] = (t.codes[`HTTP_${a.status}`] ?? 0) + 1;
            assert.equal(a.status, 401, `token ${JSON.stringify(given)}`);
            envelopeOk(a);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      record(`nodered ${label}`, 'diyalog', 'inbound: fuzzed Auth-Token and headers (401)', t);
    });

    it('oversize, deep nesting, prototype keys, invalid UTF-8: clean 4xx or a sound 200, no pollution', async () => {
      const cases: Array<[string, Buffer | string, number[]]> = [
        ['oversize 200 KB', JSON.stringify({ customerId: 'C', attachedData: { big: 'x'.repeat(200 * 1024) } }), [400, 413]],
        ['oversize 5 MB', Buffer.alloc(5 * 1024 * 1024, 'a'), [400, 413]],
        ['deep nesting (arrays, 100k)', '['.repeat(100000) + ']'.repeat(100000), [400]],
        ['deep nesting (objects, 20k)', '{"customerId":"C","attachedData":' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + '}', [400, 200]],
        [
          '__proto__ and constructor keys',
          '{"customerId":"C","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"attachedData":{"__proto__":{"polluted":"yes"}}}',
          [200, 400],
        ],
        [
          '__proto__ in attachedData array form',
          '{"customerId":"C","attachedData":[{"__proto__":{"polluted":"yes"}},{"constructor":{"prototype":{"polluted":"yes"}}}]}',
          [200, 400],
        ],
        ['invalid UTF-8', Buffer.concat([Buffer.from('{"customerId":"C'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), [200, 400]],
        ['not JSON', 'customerId=C', [400]],
        ['empty body', '', [400]],
        ['a JSON string, not an object (found by fuzzing)', '""', [400]],
        ['a JSON number', '42', [400]],
      ];
      const t: Tally = { sent: 0, delivered: 0, errored: 0, lost: 0, duplicated: 0, codes: {} };
      const wrong: string[] = [];
      for (const [what, body, statuses] of cases) {
        const a = await request(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'auth-token': token() }, body }).catch(
          (e: Error): RawAnswer => ({
            status: 0,
            headers: {},
            text: e.message,
            json: undefined,
            ms: 0,
          }),
        );
        t.sent++;
        if (a.status === 200) t.delivered++;
        else t.errored++;
        t.codes[`HTTP_${a.status}`] = (t.codes[`HTTP_${a.status}`] ?? 0) + 1;
        if (!statuses.includes(a.status)) wrong.push(`${what}: ${a.status} ${a.text.slice(0, 100)}`);
        else if (a.status >= 400) {
          try {
            envelopeOk(a);
          } catch {
            wrong.push(`${what}: ${a.status} without the failure envelope: ${a.text.slice(0, 100)}`);
          }
        }
        await alive();
      }
      const proto = await request(`${ctx.running().url}/rel-driver/proto`, { headers: admin() });
      assert.deepEqual(proto.json, { polluted: null }, 'Object.prototype of the Node-RED process polluted');
      record(`nodered ${label}`, 'diyalog', 'inbound: oversize, deep nesting, prototype keys, invalid UTF-8, not JSON, empty', t);
      assert.deepEqual(wrong, [], 'answers outside the contract (400/413 with the failure envelope)');
    });

    it('slow-loris clients do not block others; memory stays bounded under oversize floods', async () => {
      const port = ctx.running().port;
      const sockets: net.Socket[] = [];
      const open = (partial: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.write(partial);
            resolve();
          });
          s.on('error', () => undefined);
          s.once('error', reject);
          sockets.push(s);
        });
      for (let i = 0; i < 50; i++) await open(`POST ${DLG_PATH}/CreateInteraction HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
      for (let i = 0; i < 50; i++)
        await open(
          `POST ${DLG_PATH}/CreateInteraction HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: ${token()}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"customerId":`,
        );
      await alive();
      const pid = ctx.running().proc.pid as number;
      const flood = Buffer.alloc(4 * 1024 * 1024, 'a');
      const rounds = Math.min(N * 5, 50);
      // Two equal floods: memory may grow once (heap sizing), but must not keep growing with the load.
      const floodOnce = async (): Promise<void> => {
        for (let i = 0; i < rounds; i += 5) {
          const batch = await Promise.all(
            Array.from({ length: 5 }, () =>
              request(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'auth-token': token() }, body: flood }).catch((e: Error) => ({
                status: 0,
                text: e.message,
                json: undefined,
              })),
            ),
          );
          for (const a of batch) assert.ok([400, 413, 0].includes(a.status), `flood answer ${a.status}`);
        }
      };
      const heap = async (): Promise<number> =>
        ((await request(`${ctx.running().url}/rel-driver/heap`, { headers: admin() })).json as { heapUsed: number }).heapUsed;
      const startHeap = await heap();
      const startRss = rss(pid);
      await floodOnce();
      await floodOnce();
      const peakRss = rss(pid);
      await alive();
      for (const s of sockets) s.destroy();
      await sleep(200);
      const endHeap = await heap();
      const mb = (b: number): number => Math.round(b / 1048576);
      record(
        `nodered ${label}`,
        'diyalog',
        `inbound: 100 slow-loris sockets held, 2 × ${rounds} × 4 MB bodies (heap after GC ${mb(startHeap)} → ${mb(endHeap)} MB, RSS ${mb(startRss)} → ${mb(peakRss)} MB)`,
        { sent: 2 * rounds, delivered: 0, errored: 2 * rounds, lost: 0, duplicated: 0, codes: {} },
      );
      assert.ok(endHeap - startHeap < 32 * 1024 * 1024, `heap after GC grew ${mb(startHeap)} → ${mb(endHeap)} MB`);
    });
  });
}
