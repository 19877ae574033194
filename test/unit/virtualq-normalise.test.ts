/**
 * Properties of the virtualQ answer normaliser and input rules, checked over generated data:
 * the key casing virtualQ chose never changes the output, `properties` stays verbatim, and
 * every E.164 number written with separators is accepted and sent in one form.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { camelise, e164, toCaller, type Json, type JsonObject } from '../../lib/virtualq';
import { CcError } from '../../lib/errors';

const WAITER_KEYS = [
  'phone',
  'channel',
  'source',
  'ewt',
  'wait_time',
  'virtualq_waiter_state',
  'skills',
  'created_at',
  'updated_at',
  'connected_at',
  'notified_at',
  'estimated_up_time_at',
];

const value: fc.Arbitrary<Json> = fc.oneof(fc.string(), fc.integer({ min: 0, max: 100000 }), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
const userData: fc.Arbitrary<Json> = fc.jsonValue() as fc.Arbitrary<Json>;

function recase(attrs: JsonObject, how: 'dash' | 'underscore' | 'camel'): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(attrs)) {
    const key = how === 'dash' ? k.replace(/_/g, '-') : how === 'camel' ? k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : k;
    out[key] = v;
  }
  return out;
}

describe('virtualQ normaliser (properties)', () => {
  it('gives the same caller whatever the key casing, and keeps properties verbatim', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...WAITER_KEYS), value),
        userData,
        fc.oneof(fc.integer({ min: 1, max: 1e9 }).map(String), fc.integer({ min: 1, max: 1e9 })),
        (attrs, props, id) => {
          const base: JsonObject = { ...attrs, properties: props, line: { id: 418, name: 'Hotline DE' } };
          const [dash, under, camel] = (['dash', 'underscore', 'camel'] as const).map((how) => toCaller({ id, attributes: recase(base, how) }));
          assert.deepEqual(dash, under);
          assert.deepEqual(dash, camel);
          assert.deepEqual(dash.properties, props);
          assert.equal(dash.id, Number(id));
          assert.equal(dash.lineId, 418);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('camelises keys at any depth but never inside properties', () => {
    fc.assert(
      fc.property(userData, (props) => {
        const out = camelise({ 'outer-key': { inner_key: [{ 'deep-key': 1 }] }, properties: props }) as JsonObject;
        assert.deepEqual(out, { outerKey: { innerKey: [{ deepKey: 1 }] }, properties: props });
      }),
    );
  });

  it('accepts every E.164 number written with separators and sends it in one form', () => {
    const separators = fc.array(fc.constantFrom(' ', '-', '.', '(', ')', '/'), { maxLength: 2 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 14 }),
        fc.array(separators, { minLength: 16, maxLength: 16 }),
        (first, rest, seps) => {
          const digits = [first, ...rest].join('');
          const written =
            '+' +
            digits
              .split('')
              .map((d, i) => d + seps[i])
              .join('');
          assert.equal(e164('lineUp', written), '+' + digits);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses numbers without +, with a leading 0, or of the wrong length, naming the field', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[0-9]{7,15}$/),
          fc.stringMatching(/^\+0[0-9]{6,14}$/),
          fc.stringMatching(/^\+[1-9][0-9]{0,5}$/),
          fc.stringMatching(/^\+[1-9][0-9]{15,20}$/),
          fc.stringMatching(/^\+[1-9][0-9]{3,8}[a-zA-Z#*][0-9]{0,4}$/),
        ),
        (bad) => {
          assert.throws(
            () => e164('lineUp', bad),
            (err: unknown) => err instanceof CcError && err.code === 'INVALID_INPUT' && err.field === 'phone',
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
