/** virtualQ's error rules as data on the one mapper (lib/errors.ts, lib/virtualq/answer.ts). */
import * as assert from 'node:assert/strict';
import { errorCode } from '../../lib/errors';
import type { HttpResponse } from '../../lib/http';
import { answerOf, codeFor, failure, RULES } from '../../lib/virtualq/answer';

function answer(status: number, body: unknown, text = JSON.stringify(body)) {
  const raw: HttpResponse = { status, headers: { 'content-type': 'application/vnd.api+json' }, setCookie: [], text, url: 'http://127.0.0.1/api/v2/waiters' };
  return answerOf(raw, (t) => t.replace(/secret-key/g, '***'));
}

describe('virtualQ answer: status rules as data', () => {
  it('gives each status its meaning, the vendor code not-found aside', () => {
    const rows: Array<[number, string | undefined, string]> = [
      [401, undefined, 'AUTH_FAILED'],
      [403, undefined, 'AUTH_FAILED'],
      [404, undefined, 'NOT_FOUND'],
      [409, undefined, 'CONFLICT'],
      [429, undefined, 'RATE_LIMITED'],
      [400, undefined, 'VENDOR_ERROR'],
      [415, 'unsupported-media-type', 'VENDOR_ERROR'],
      [422, 'unprocessable-entity', 'VENDOR_ERROR'],
      [500, undefined, 'VENDOR_ERROR'],
      [502, undefined, 'VENDOR_ERROR'],
      // not-found is NOT_FOUND whatever the status...
      [422, 'not-found', 'NOT_FOUND'],
      [409, 'not-found', 'NOT_FOUND'],
      [500, 'not-found', 'NOT_FOUND'],
      // ...except a refused key and a rate limit, which keep their meaning.
      [401, 'not-found', 'AUTH_FAILED'],
      [403, 'not-found', 'AUTH_FAILED'],
      [429, 'not-found', 'RATE_LIMITED'],
    ];
    for (const [status, vendorCode, want] of rows) {
      assert.equal(codeFor(status, vendorCode), want, `${status} ${vendorCode ?? '-'}`);
      assert.equal(errorCode(status, RULES, vendorCode), want, `errorCode ${status} ${vendorCode ?? '-'}`);
    }
  });

  it('statusWins is generic: a status listed there keeps its meaning for any vendor code', () => {
    const rules = { byVendorCode: { x: 'CONFLICT' as const }, statusWins: [404] };
    assert.equal(errorCode(404, rules, 'x'), 'NOT_FOUND');
    assert.equal(errorCode(400, rules, 'x'), 'CONFLICT');
  });

  it('words the failure from errors[0] and hints by code, without the key', () => {
    const e = failure(
      'lineUp',
      answer(422, { errors: [{ status: '422', code: 'unprocessable-entity', title: 'Unprocessable entity', detail: 'Phone is already lined up' }] }),
      (t) => t,
    );
    assert.equal(e.code, 'VENDOR_ERROR');
    assert.equal(e.reason, 'virtualQ answered HTTP 422 Unprocessable Entity: Unprocessable entity: Phone is already lined up');
    assert.equal(e.detail, 'Unprocessable entity: Phone is already lined up');
    const auth = failure('get', answer(401, { errors: [{ code: 'unauthorized', detail: 'Invalid API key secret-key' }] }), (t) =>
      t.replace(/secret-key/g, '***'),
    );
    assert.equal(auth.code, 'AUTH_FAILED');
    assert.match(auth.reason, /; check the API key$/);
    assert.doesNotMatch(JSON.stringify(auth.answer), /secret-key/);
    const page = failure('get', answer(404, null, '<html>Not Found</html>'), (t) => t);
    assert.equal(page.code, 'NOT_FOUND');
    assert.match(page.reason, /not an answer of the virtualQ API: check the URL/);
    assert.match(failure('get', answer(429, { errors: [] }), (t) => t).reason, / after retries$/);
  });
});
