/** The queueing-service core of lib/diyalog: attachedData shapes, body checks, token compare. */
import { strict as assert } from 'node:assert';
import {
  TokenCheck,
  createdEnvelope,
  encodeAttachedData,
  failureEnvelope,
  flattenAttachedData,
  interactionIdFromSegment,
  normaliseCreateInteraction,
  parseCreateInteraction,
} from '../../lib/diyalog';

describe('Diyalog inbound core', () => {
  describe('attachedData', () => {
    it('flattens the array form in order (later duplicates win, multi-key elements merged) and copies the object form', () => {
      assert.deepEqual(flattenAttachedData([{ a: '1' }, { b: '2', c: '3' }, { a: '4' }]), { ok: true, value: { a: '4', b: '2', c: '3' } });
      const obj = { a: '1', nested: { x: 1 } };
      const r = flattenAttachedData(obj);
      assert.ok(r.ok);
      assert.deepEqual(r.value, obj);
      assert.notEqual(r.value, obj, 'a copy');
      assert.deepEqual(flattenAttachedData(undefined), { ok: true, value: {} });
      assert.deepEqual(flattenAttachedData(null), { ok: true, value: {} });
      assert.deepEqual(flattenAttachedData([]), { ok: true, value: {} });
    });

    it('refuses scalars and non-object elements, naming the index', () => {
      for (const bad of ['x', 5, true])
        assert.deepEqual(flattenAttachedData(bad), { ok: false, message: 'attachedData must be an array of objects or an object' });
      assert.deepEqual(flattenAttachedData([{ a: 1 }, null]), { ok: false, message: 'attachedData[1] must be an object' });
      assert.deepEqual(flattenAttachedData([[{ a: 1 }]]), { ok: false, message: 'attachedData[0] must be an object' });
    });

    it('never lets a key reach the prototype', () => {
      const parsed = JSON.parse('[{"__proto__":{"polluted":true}},{"constructor":{"x":1}},{"ok":"1"}]') as unknown;
      const r = flattenAttachedData(parsed);
      assert.ok(r.ok);
      assert.deepEqual(Object.keys(r.value), ['ok']);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
    });

    it('encodes for sending: array form by default, flat object on request', () => {
      assert.deepEqual(encodeAttachedData({ a: '1', b: '2' }, 'array'), { ok: true, value: [{ a: '1' }, { b: '2' }] });
      assert.deepEqual(encodeAttachedData([{ a: '1', c: '3' }], 'array'), { ok: true, value: [{ a: '1', c: '3' }] });
      assert.deepEqual(encodeAttachedData([{ a: '1' }, { b: '2' }], 'object'), { ok: true, value: { a: '1', b: '2' } });
      assert.deepEqual(encodeAttachedData({ a: '1' }, 'object'), { ok: true, value: { a: '1' } });
      assert.deepEqual(encodeAttachedData([{ a: '1' }, 'x'], 'array'), { ok: false, index: 1 });
    });
  });

  describe('CreateInteraction body', () => {
    it('gives the same payload for both shapes and keeps unknown fields', () => {
      const a = parseCreateInteraction('{"identityNumber":"1","customerId":"C","attachedData":[{"x":"1"},{"y":"2"}],"sessionId":"S"}');
      const b = parseCreateInteraction('{"identityNumber":"1","customerId":"C","attachedData":{"x":"1","y":"2"},"sessionId":"S"}');
      assert.ok(a.ok && b.ok);
      assert.deepEqual(a.value, {
        identityNumber: '1',
        customerId: 'C',
        attachedData: { x: '1', y: '2' },
        sessionId: 'S',
        attachedDataList: [
          { key: 'x', value: '1' },
          { key: 'y', value: '2' },
        ],
      });
      assert.deepEqual(b.value, a.value);
    });

    it('drops top-level keys that could reach a prototype', () => {
      const r = parseCreateInteraction('{"customerId":"C","__proto__":{"polluted":true},"constructor":1,"sessionId":"S"}');
      assert.ok(r.ok);
      assert.deepEqual(Object.keys(r.value), ['customerId', 'sessionId', 'attachedData', 'attachedDataList']);
      assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
    });

    it('turns numbers into strings and drops a null identityNumber', () => {
      const r = parseCreateInteraction('{"identityNumber":10000000146,"customerId":77812}');
      assert.ok(r.ok);
      assert.deepEqual(r.value, { identityNumber: '10000000146', customerId: '77812', attachedData: {}, attachedDataList: [] });
      const n = normaliseCreateInteraction({ identityNumber: null, customerId: 'C' });
      assert.ok(n.ok);
      assert.equal('identityNumber' in n.value, false);
    });

    for (const [raw, ct, message] of [
      ['', undefined, 'request body is empty'],
      ['{', 'application/json', 'request body is not valid JSON'],
      ['a=1', 'application/x-www-form-urlencoded', 'request body is not valid JSON (Content-Type application/x-www-form-urlencoded; a JSON body is expected)'],
      ['"x"', undefined, 'request body must be a JSON object'],
      ['null', undefined, 'request body must be a JSON object'],
      ['{}', undefined, 'customerId is required'],
      ['{"customerId":" "}', undefined, 'customerId must be a non-empty string'],
      ['{"customerId":true}', undefined, 'customerId must be a non-empty string'],
      ['{"customerId":"C","identityNumber":{}}', undefined, 'identityNumber must be a string'],
      ['{"customerId":"C","attachedData":5}', undefined, 'attachedData must be an array of objects or an object'],
    ] as const) {
      it(`refuses ${JSON.stringify(raw)} with "${message}"`, () => {
        assert.deepEqual(parseCreateInteraction(raw, ct), { ok: false, message });
      });
    }
  });

  it('reads the interaction id of a DELETE segment', () => {
    assert.deepEqual(interactionIdFromSegment('IX%201%2F2'), { ok: true, value: 'IX 1/2' });
    assert.deepEqual(interactionIdFromSegment(''), { ok: false, message: 'interaction id is empty' });
    assert.deepEqual(interactionIdFromSegment('%20'), { ok: false, message: 'interaction id is empty' });
    assert.deepEqual(interactionIdFromSegment('%E0%A4%A'), { ok: false, message: 'interaction id is not valid percent-encoding' });
  });

  it('builds the documented envelopes', () => {
    assert.equal(createdEnvelope('IX-1'), '{"success":true,"errorMessage":null,"result":{"interactionId":"IX-1"}}');
    assert.equal(failureEnvelope('closed'), '{"success":false,"errorMessage":"closed","result":null}');
  });

  it('compares the Auth-Token over equal-length digests', () => {
    const t = new TokenCheck('s3cr3t-shared-token');
    assert.equal(t.required, true);
    assert.equal(t.matches('s3cr3t-shared-token'), true);
    for (const bad of [undefined, '', 's3cr3t', 's3cr3t-shared-token ', 'S3cr3t-shared-token', ['s3cr3t-shared-token']])
      assert.equal(t.matches(bad), false, String(bad));
    const none = new TokenCheck('');
    assert.equal(none.required, false);
    assert.equal(none.matches(undefined), true);
  });
});
