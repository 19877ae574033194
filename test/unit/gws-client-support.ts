/**
 * Shared set-up of the GWS client tests (gws-client*.test.ts): a fresh simulator and client per test
 * (every client closed after it), the client's log lines, and helpers to read what went over the wire.
 */
import * as assert from 'node:assert/strict';
import { start, type GwsSimulator } from '../../simulators/gws';
import type { RecordedRequest } from '../../simulators/common';
import { CcError } from '../../lib/errors';
import { GwsClient } from '../../lib/gws';

export const BASIC = 'Basic ' + Buffer.from('agent01:agent01-pass').toString('base64');
export const PASSWORD = 'agent01-pass';

export type Json = Record<string, unknown>;

export function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

export async function rejects(p: Promise<unknown>): Promise<CcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CcError, `expected a CcError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a rejection');
}

export function noSecret(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `found a secret in: ${text}`);
}

/**
 * Registers the suite's hooks (call inside a `describe`, with its `this`): a simulator and a client per test.
 * `get` and `set` are the suite's variables (a test may restart the simulator).
 */
export function gwsClientHarness(suite: Mocha.Suite, { get: current, set }: { get: () => GwsSimulator; set: (sim: GwsSimulator, client: GwsClient) => void }) {
  suite.timeout(20000);
  const clients: GwsClient[] = [];
  const logs: string[] = [];

  const make = (username = 'agent01', password = PASSWORD, url?: string): GwsClient => {
    const c = new GwsClient(
      { url: url ?? current().url, username, password },
      { timeout: 3000, retryBaseMs: 10 },
      { cometd: { backoffIncrement: 50, maxBackoff: 300, deniedBackoffMs: 100, deniedBackoffMaxMs: 300, maxNetworkDelay: 2000 }, log: (_l, t) => logs.push(t) },
    );
    clients.push(c);
    return c;
  };
  const posts = (): RecordedRequest[] => current().server.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/v2/notifications'));
  const last = (): RecordedRequest => posts().at(-1)!;
  const sessionOf = (): { cookie: string; token: string } => {
    const s = [...current().sessions.values()].find((x) => x.user.userName === 'agent01')!;
    return { cookie: `JSESSIONID=${s.id}`, token: s.csrfToken };
  };

  beforeEach(async () => {
    const sim = await start({ cometdTimeoutMs: 500, cometdMaxIntervalMs: 1000 });
    set(sim, make(undefined, undefined, sim.url));
    logs.length = 0;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await current().close();
  });

  return { clients, logs, make, posts, last, sessionOf };
}
