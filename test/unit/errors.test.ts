/** The one status-to-code mapper (lib/errors.ts) and the vendors' rules as data. */
import * as assert from 'node:assert/strict';
import { CcError, errorCode } from '../../lib/errors';
import { codeForStatusCode } from '../../lib/gws/answer';
import { AUTH_FAILURE_CODE, AUTH_FAILURE_ID, codeFor } from '../../lib/icws/answer';

describe('errorCode: one table, vendor rules as data', () => {
  it('gives each status its common meaning', () => {
    assert.deepEqual(
      [401, 403, 404, 409, 429, 500, 502, 400].map((s) => errorCode(s)),
      ['AUTH_FAILED', 'AUTH_FAILED', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'VENDOR_ERROR', 'VENDOR_ERROR', 'VENDOR_ERROR'],
    );
  });
  it('lets a vendor code win over the status, and a vendor status rule over the common meaning', () => {
    const rules = { byVendorCode: { 'not-found': 'NOT_FOUND' as const }, byStatus: { 404: 'CONFLICT' as const } };
    assert.equal(errorCode(400, rules, 'not-found'), 'NOT_FOUND');
    assert.equal(errorCode(404, rules), 'CONFLICT');
    assert.equal(errorCode(404, rules, 'other'), 'CONFLICT');
    assert.equal(errorCode(undefined, rules, 'other'), 'VENDOR_ERROR');
  });
  it('ICWS: the log-in refusal by id or code, Dialer 404 is CONFLICT, setStatus 404 is NOT_FOUND', () => {
    assert.equal(codeFor('connect', 400, { errorId: AUTH_FAILURE_ID }), 'AUTH_FAILED');
    assert.equal(codeFor('connect', 400, { errorCode: AUTH_FAILURE_CODE }), 'AUTH_FAILED');
    assert.equal(codeFor('connect', 400, { errorId: 'error.something.else' }), 'VENDOR_ERROR');
    assert.equal(codeFor('disposition', 404, {}), 'CONFLICT');
    assert.equal(codeFor('setStatus', 404, {}), 'NOT_FOUND');
    assert.equal(codeFor('logIn', 403, {}), 'AUTH_FAILED');
    assert.equal(codeFor('logIn', 429, {}), 'RATE_LIMITED');
  });
  it('GWS: statusCode return values', () => {
    assert.deepEqual([2, 3, 18, 19, 5, 8, 20, 6, 1, 99].map(codeForStatusCode), [
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'AUTH_FAILED',
      'AUTH_FAILED',
      'AUTH_FAILED',
      'NOT_FOUND',
      'VENDOR_ERROR',
      'VENDOR_ERROR',
    ]);
  });
  it('CcError keeps the reason apart from the "<vendor> <operation>: " prefix', () => {
    const e = new CcError({ code: 'TIMEOUT', vendor: 'ICWS', operation: 'log-in', message: 'no answer within 5 ms' });
    assert.equal(e.message, 'ICWS log-in: no answer within 5 ms');
    assert.equal(e.reason, 'no answer within 5 ms');
  });
});
