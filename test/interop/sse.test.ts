/**
 * Server-sent events against implementations no one here wrote: the `eventsource` package (a
 * standard EventSource client) reads our ICWS simulator's stream; our ICWS session reads a plain
 * SSE server with awkward but valid framing; our parser gives what `eventsource-parser` (after a
 * WHATWG UTF-8 decode) gives on the same bytes, split at every byte boundary.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { IcwsSession, SseParser, type IcwsMessage, type SseEvent } from '../../lib/icws';
import { start as startIcws } from '../../simulators/icws';
import { sleep, waitFor } from '../helpers';

const { EventSource } = require('eventsource') as { EventSource: new (url: string, init?: Record<string, unknown>) => EventSourceLike };
interface EventSourceLike {
  onmessage: ((e: { data: string; lastEventId: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  close(): void;
}

/** The reference: the whole byte string decoded as WHATWG does, then eventsource-parser. */
function reference(bytes: Buffer): SseEvent[] {
  const out: SseEvent[] = [];
  let last: string | undefined;
  const p = createParser({
    onEvent: (e) => {
      if (e.id !== undefined) last = e.id;
      out.push({ data: e.data, ...(last ? { id: last } : {}), ...(e.event ? { event: e.event } : {}) });
    },
  });
  p.feed(new TextDecoder('utf-8').decode(bytes));
  return out;
}

const AWKWARD = Buffer.concat([
  Buffer.from([0xef, 0xbb, 0xbf]), // BOM at the start
  Buffer.from(
    'data: {"__type":"urn:inin.com:dialer:breakStatusMessage","seq":0}\r\n\r\n' + // CRLF
      ': a comment\rid: 1\rdata: {"__type":"urn:inin.com:dialer:breakStatusMessage","seq":1}\r\r' + // CR
      'id: 1\nevent: message\ndata: {"__type":"urn:inin.com:dialer:breakStatusMessage",\ndata: "seq":2}\n\n' + // renumbered id, multi-line data
      'id: bad\u0000id\ndata: {"__type":"urn:inin.com:dialer:breakStatusMessage","seq":3,"text":"ünïcödé ✓"}\n\n' + // id with NUL ignored
      'retry: 10\n:ping\n\n' +
      'data:{"__type":"urn:inin.com:dialer:breakStatusMessage","seq":4}\n\n',
    'utf8',
  ),
]);

describe('interop: server-sent events', function () {
  this.timeout(20000);

  it('our parser equals eventsource-parser on the same bytes, split at every byte boundary (BOM, CR, LF, CRLF, comments, NUL ids, UTF-8)', () => {
    const want = reference(AWKWARD);
    assert.equal(want.length, 5);
    assert.equal(want[3].id, '1', 'an id holding NUL is ignored');
    for (let cut = 0; cut <= AWKWARD.length; cut++) {
      for (const size of [1, 2, 3, 7, AWKWARD.length]) {
        const got: SseEvent[] = [];
        const p = new SseParser((e) => got.push(e));
        p.push(AWKWARD.subarray(0, cut));
        for (let i = cut; i < AWKWARD.length; i += size) p.push(AWKWARD.subarray(i, i + size));
        assert.deepEqual(got, want, `cut at ${cut}, then chunks of ${size}`);
      }
    }
  });

  it('a standard EventSource client (eventsource) reads the ICWS simulator stream: every message once, in order', async () => {
    const sim = await startIcws({ port: 0, messagingVersion: 2 });
    try {
      const connect = await fetch(`${sim.url}/icws/connection`, {
        method: 'POST',
        headers: { 'Accept-Language': 'en-us', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
          applicationName: 'ES',
          userID: 'agent1',
          password: 'agent1-secret',
        }),
      });
      assert.equal(connect.status, 201);
      const { sessionId } = (await connect.json()) as { sessionId: string };
      const cookie = String(connect.headers.get('set-cookie')).split(';')[0];
      const got: Array<{ seq: number; id: string }> = [];
      const es = new EventSource(`${sim.url}/icws/${sessionId}/messaging/messages`, {
        fetch: (input: string, init: { headers?: Record<string, string> }) =>
          fetch(input, { ...init, headers: { ...(init.headers ?? {}), Cookie: cookie, 'Accept-Language': 'en-us' } }),
      });
      es.onmessage = (e) => got.push({ seq: (JSON.parse(e.data) as { seq: number }).seq, id: e.lastEventId });
      await waitFor(() => [...sim.sessions.values()][0].streams.size === 1, 5000, 'stream open');
      for (let i = 0; i < 20; i++) sim.push({ __type: 'urn:inin.com:dialer:breakStatusMessage', isDelta: false, breakStatus: 0, seq: i }, sessionId);
      await waitFor(() => got.length >= 20, 5000, '20 events');
      await sleep(50);
      es.close();
      assert.deepEqual(
        got.map((g) => g.seq),
        [...Array(20).keys()],
      );
      assert.ok(
        got.every((g) => g.id !== ''),
        'every event carries an id',
      );
    } finally {
      await sim.close();
    }
  });

  it('our ICWS session reads a plain SSE server with awkward framing, bytes split one by one, ids renumbered on the second stream: every event once', async () => {
    let streams = 0;
    const lastIds: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      if (req.method === 'POST' && req.url?.startsWith('/icws/connection')) {
        res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'icws_1=abc; Path=/icws/1' });
        res.end(JSON.stringify({ sessionId: '1', csrfToken: 'tok', userID: 'agent1', features: [{ featureId: 'messaging', version: 2 }] }));
        return;
      }
      if (req.url === '/icws/1/messaging/messages') {
        streams++;
        lastIds.push(req.headers['last-event-id'] as string | undefined);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const bytes = streams === 1 ? AWKWARD : Buffer.from('id: 1\ndata: {"__type":"urn:inin.com:dialer:breakStatusMessage","seq":5}\n\n');
        let i = 0;
        const drip = setInterval(() => {
          if (i >= bytes.length) {
            clearInterval(drip);
            if (streams === 1) res.end(); // the first stream ends: the session opens another
            return;
          }
          res.write(bytes.subarray(i, i + 1));
          i++;
        }, 0);
        res.on('close', () => clearInterval(drip));
        return;
      }
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const s = new IcwsSession({ url, username: 'agent1', password: 'pw', backoffMs: [50], closeTimeoutMs: 500 });
    const seqs: number[] = [];
    s.on('message', (m: IcwsMessage) => seqs.push(m.seq as number));
    s.open();
    try {
      await waitFor(() => seqs.length >= 6, 10000, '6 events');
      await sleep(100);
      assert.deepEqual(seqs, [0, 1, 2, 3, 4, 5], 'the renumbered id 1 on the second stream is not taken for a replay');
      assert.deepEqual(lastIds.slice(0, 2), [undefined, '1'], 'Last-Event-ID sent on reopen');
    } finally {
      await s.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
