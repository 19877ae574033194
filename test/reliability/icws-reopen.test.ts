/**
 * ICWS messages pushed at any moment while a message stream is reopened arrive exactly once
 * (issue #17's race): the client ends its stream (an over-long line), the server has not noticed
 * yet (the old response is still open there), then there is no stream at all, then the new one.
 * Messages are pushed from the moment the client gives up the old stream, one per turn of the
 * event loop, until well after the new stream is open, with and without a `Last-Event-ID`.
 */
import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { IcwsSession, type IcwsMessage } from '../../lib/icws';
import { start as startIcws, type IcwsSimulator } from '../../simulators/icws';
import { sleep, waitFor } from '../helpers';

const seqMsg = (seq: number): IcwsMessage => ({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0, seq });

/** Each of 0..n-1 once: the numbers lost and the numbers seen twice. */
function tally(seqs: number[], n: number): { lost: number[]; twice: number[] } {
  const seen = new Map<number, number>();
  for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
  const lost: number[] = [];
  const twice: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!seen.has(i)) lost.push(i);
    if ((seen.get(i) ?? 0) > 1) twice.push(i);
  }
  return { lost, twice };
}

describe('ICWS: messages pushed while the message stream is reopened', function () {
  this.timeout(30000);
  let sim: IcwsSimulator;
  let session: IcwsSession;
  let seqs: number[];
  let warnings: string[];

  async function open(messagingVersion: number): Promise<void> {
    sim = await startIcws({ port: 0, messagingVersion, alternate: false });
    seqs = [];
    warnings = [];
    session = new IcwsSession({ url: sim.url, username: 'agent1', password: 'agent1-secret', pollIntervalMs: 20, backoffMs: [20, 50], maxEventBytes: 4096 });
    session.on('message', (m: IcwsMessage) => {
      if (typeof m.seq === 'number') seqs.push(m.seq);
    });
    session.on('warning', (w: string) => warnings.push(w));
    session.open();
    await waitFor(() => session.getStatus().phase === 'connected', 5000, 'connected');
  }
  afterEach(async () => {
    await session?.close();
    await sim?.close();
  });

  const sid = (): string => session.sessionId ?? '';
  const serverStreams = (): http.ServerResponse[] => [...([...sim.sessions.values()][0]?.streams ?? [])];

  /**
   * Ends the client's stream with an over-long line and pushes from `from` on: the first message
   * in the same turn as the client's decision, then one per event-loop turn until the new stream
   * has been open for 30 more turns. Answers the number pushed.
   */
  async function pushThroughReopen(from: number): Promise<number> {
    await waitFor(() => serverStreams().length === 1, 5000, 'the stream open');
    const old = serverStreams()[0];
    let next = from;
    let pushing: Promise<void> | undefined;
    const onWarning = (w: string): void => {
      if (!/longer than 4096 bytes/.test(w) || pushing) return;
      sim.push(seqMsg(next++), sid()); // the client has just destroyed its stream; the server still holds it
      pushing = (async () => {
        let after = 0;
        while (after < 30) {
          await new Promise<void>((r) => setImmediate(r));
          sim.push(seqMsg(next++), sid());
          if (serverStreams().some((r) => r !== old)) after++;
          if (next - from > 5000) throw new Error('the stream was never reopened');
        }
      })();
    };
    session.on('warning', onWarning);
    old.write('data: ' + 'x'.repeat(8192));
    await waitFor(() => pushing !== undefined, 5000, 'the client ending its stream');
    await pushing;
    session.off('warning', onWarning);
    return next - from;
  }

  it('no event seen before the cut (no Last-Event-ID): every message pushed during the reopen arrives once', async () => {
    await open(2);
    const n = await pushThroughReopen(0);
    await waitFor(() => new Set(seqs).size >= n, 5000, `${n} messages`);
    await sleep(100);
    assert.deepEqual(tally(seqs, n), { lost: [], twice: [] }, `${n} pushed`);
    assert.equal(session.counters.sessionsOpened, 1);
    assert.equal([...sim.sessions.values()][0].streamsOpened, 2);
  });

  it('events seen before the cut (Last-Event-ID sent): every message before, during and after the reopen arrives once', async () => {
    await open(2);
    for (let i = 0; i < 5; i++) sim.push(seqMsg(i), sid());
    await waitFor(() => seqs.length >= 5, 5000, 'first 5');
    const n = 5 + (await pushThroughReopen(5));
    for (let i = n; i < n + 5; i++) sim.push(seqMsg(i), sid());
    await waitFor(() => new Set(seqs).size >= n + 5, 5000, `${n + 5} messages`);
    await sleep(100);
    assert.deepEqual(tally(seqs, n + 5), { lost: [], twice: [] }, `${n + 5} pushed`);
    const reopen = sim.server.requests.filter((r) => r.path.endsWith('/messaging/messages')).at(-1);
    assert.equal(reopen?.headers['last-event-id'], '5', 'the reopened stream names the last event the client saw');
  });

  it('two reopens in a row (the second with the Last-Event-ID the first brought): nothing lost, nothing twice', async () => {
    await open(2);
    const a = await pushThroughReopen(0);
    const b = await pushThroughReopen(a);
    await waitFor(() => new Set(seqs).size >= a + b, 5000, `${a + b} messages`);
    await sleep(100);
    assert.deepEqual(tally(seqs, a + b), { lost: [], twice: [] });
  });
});
