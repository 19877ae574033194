/** The ICWS client's small parsers: SSE, scheduledTime, alternate hosts, data pops, types. */
import * as assert from 'node:assert/strict';
import { SseParser, alternateBase, applyDataPop, callTypeOf, logoutGrant, parseTypes, toEpochSeconds, type SseEvent } from '../../lib/icws';

describe('ICWS parsers (lib/icws)', () => {
  it('SseParser: events split anywhere, CRLF / CR / LF, comments, ids, multi-line data', () => {
    const text = ':ping\r\n\r\nid: 7\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\n: comment\rdata:{"b":2}\r\revent: x\ndata: y\n\n';
    for (let size = 1; size <= text.length; size++) {
      const out: SseEvent[] = [];
      const p = new SseParser((e) => out.push(e));
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      assert.deepEqual(
        out,
        [
          { data: '{"a":1}', id: '7' },
          { data: 'line1\nline2', id: '7' },
          { data: '{"b":2}', id: '7' },
          { data: 'y', id: '7', event: 'x' },
        ],
        `chunk size ${size}`,
      );
    }
  });

  it('toEpochSeconds: ISO with zone, Date, epoch seconds below 10^11, epoch ms at or above, digit strings; refuses local times, junk', () => {
    assert.deepEqual(toEpochSeconds('2025-05-02T10:00:00Z'), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds('2025-05-02T12:00:00+02:00'), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds('2025-05-02'), { seconds: 1746144000 });
    assert.deepEqual(toEpochSeconds(new Date(1746180000999)), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds(1746180000999), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds('1746180000999'), { seconds: 1746180000 });
    // Epoch seconds, the vendor's own unit: a number below 10^11.
    assert.deepEqual(toEpochSeconds(1746180000), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds('1746180000'), { seconds: 1746180000 });
    assert.deepEqual(toEpochSeconds(1746180000.9), { seconds: 1746180000 });
    // The boundary: 10^11 - 1 is seconds (year 5138), 10^11 is milliseconds (1973-03-03).
    assert.deepEqual(toEpochSeconds(99999999999), { seconds: 99999999999 });
    assert.deepEqual(toEpochSeconds(100000000000), { seconds: 100000000 });
    assert.deepEqual(toEpochSeconds(0), { seconds: 0 });
    for (const bad of [-1, '-5', '2025-05-02T10:00:00', 'soon', NaN, Infinity, {}, true, new Date('x')]) {
      assert.ok('problem' in toEpochSeconds(bad), String(bad));
    }
  });

  it('alternateBase keeps scheme, port and path prefix; host:port overrides the port', () => {
    assert.equal(alternateBase('https://cic-a:8019/api/sessionmanager', 'cic-b'), 'https://cic-b:8019/api/sessionmanager');
    assert.equal(alternateBase('http://127.0.0.1:18082', '127.0.0.1:40001'), 'http://127.0.0.1:40001');
    assert.equal(alternateBase('http://cic-a:8018', '[::1]:9000'), 'http://[::1]:9000');
    assert.equal(alternateBase('http://cic-a:8018', 'bad host'), undefined);
  });

  it('applyDataPop remembers the current call and applies deltas of the same call only', () => {
    const full = {
      __type: 'urn:inin.com:dialer:dataPopMessage',
      isDelta: false,
      call: {
        __type: 'urn:inin.com:dialer:previewPop',
        interactionId: '1',
        campaignId: 'C',
        callPlaced: false,
        allowSkip: true,
        allowAgentCallbacks: false,
        dispositions: [{ label: 'Success' }, { label: 'No Answer' }],
      },
    };
    const k = applyDataPop(undefined, full);
    assert.deepEqual(k, {
      interactionId: '1',
      campaignId: 'C',
      preview: true,
      callPlaced: false,
      allowSkip: true,
      allowAgentCallbacks: false,
      labels: ['Success', 'No Answer'],
    });
    assert.equal(callTypeOf(full), 'preview');
    const placed = applyDataPop(k, { __type: 'urn:inin.com:dialer:dataPopMessage', isDelta: true, call: { interactionId: '1', callPlaced: true } });
    assert.equal(placed?.callPlaced, true);
    const other = applyDataPop(k, { __type: 'urn:inin.com:dialer:dataPopMessage', isDelta: true, call: { interactionId: '2', callPlaced: true } });
    assert.equal(other?.callPlaced, false);
    assert.equal(callTypeOf({ __type: 'urn:inin.com:dialer:dataPopMessage', call: { __type: 'urn:inin.com:dialer:dataPop' } }), 'dataPop');
    assert.equal(callTypeOf({ __type: 'urn:inin.com:dialer:breakStatusMessage' }), undefined);
  });

  it('logoutGrant reads the documented (strings) and the SDK ({id, name}) forms', () => {
    assert.deepEqual(logoutGrant({ __type: 't', campaigns: ['C-1', ''] }), { ids: ['C-1'], all: true });
    assert.deepEqual(logoutGrant({ __type: 't', campaigns: [{ id: 'C-1', name: 'One' }] }), { ids: ['C-1'], all: false });
    assert.deepEqual(logoutGrant({ __type: 't', campaigns: [{ id: '', name: '' }] }), { ids: [], all: true });
  });

  it('parseTypes accepts lists, short names and full names', () => {
    assert.deepEqual(parseTypes('dataPopMessage, urn:inin.com:dialer:breakStatusMessage\nlogoutGrantedMessage'), [
      'urn:inin.com:dialer:dataPopMessage',
      'urn:inin.com:dialer:breakStatusMessage',
      'urn:inin.com:dialer:logoutGrantedMessage',
    ]);
    assert.deepEqual(parseTypes(''), []);
    assert.deepEqual(parseTypes(undefined), []);
    assert.deepEqual(parseTypes(['autoLoginMessage']), ['urn:inin.com:dialer:autoLoginMessage']);
  });
});
