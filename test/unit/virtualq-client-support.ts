/**
 * Shared set-up of the virtualQ client tests (virtualq-client*.test.ts): one simulator for the suite,
 * reset before each test, a fresh client per test, and helpers to read what went over the wire.
 */
import * as assert from 'node:assert/strict';
import { start, DEFAULT_API_KEY, type VirtualQSimulator } from '../../simulators/virtualq';
import { VirtualQClient } from '../../lib/virtualq';
import { CcError } from '../../lib/errors';
import type { RecordedRequest } from '../../simulators/common';

export const KEY = DEFAULT_API_KEY;
export const PHONE = '+4915112345678';
export const MEDIA = 'application/vnd.api+json; charset=utf-8';
export const CALLER_KEYS = [
  'id',
  'lineId',
  'lineName',
  'phone',
  'channel',
  'source',
  'ewt',
  'waitTime',
  'state',
  'skills',
  'properties',
  'createdAt',
  'updatedAt',
  'connectedAt',
  'notifiedAt',
  'estimatedUpTimeAt',
];

export async function rejects(p: Promise<unknown>): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, `not a CcError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

export async function waitUntil(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function assertHeaders(r: RecordedRequest, withBody: boolean): void {
  assert.equal(r.headers['x-api-key'], KEY);
  assert.equal(r.headers.authorization, undefined);
  assert.equal(r.headers['x-keys-format'], undefined);
  if (withBody) assert.equal(r.headers['content-type'], 'application/vnd.api+json');
}

/** Registers the suite's hooks (call inside a `describe`, with its `this`); `set` receives the simulator and each test's client. */
export function virtualqClientHarness(suite: Mocha.Suite, set: (sim: VirtualQSimulator, client: VirtualQClient) => void) {
  suite.timeout(10000);
  let sim: VirtualQSimulator;
  let client: VirtualQClient;

  before(async () => {
    sim = await start({ port: 0, forbiddenKeys: ['no-rights'] });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.server.clearRequests();
    client = new VirtualQClient({ url: sim.url, apiKey: KEY, timeout: 3000 }, { retryBaseMs: 5 });
    set(sim, client);
  });
  afterEach(() => client.close());

  const reqs = (): RecordedRequest[] => sim.server.requests;
  const last = (): RecordedRequest => reqs()[reqs().length - 1];
  const bodyOf = (r: RecordedRequest): unknown => JSON.parse(r.body);
  const lineUp = (over: Record<string, unknown> = {}, timeout?: number) =>
    client.lineUp({ lineId: 418, phone: PHONE, channel: 'CallBack', source: 'Phone', ...over } as never, { timeout });

  return { reqs, last, bodyOf, lineUp };
}
