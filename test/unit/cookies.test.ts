/** The one cookie jar (lib/http/cookies.ts) of the ICWS and GWS sessions. */
import * as assert from 'node:assert/strict';
import { CookieJar } from '../../lib/http';
import { sleep } from '../helpers';

describe('CookieJar (lib/http/cookies)', () => {
  it('keeps every cookie of an answer, values with = and | intact', () => {
    const jar = new CookieJar();
    jar.store(['icws_1504928317=8c1f1f7e-55d2|languageId=en-us; Path=/icws/1504928317; HttpOnly', 'lb=node-2; Path=/']);
    assert.equal(jar.header(), 'icws_1504928317=8c1f1f7e-55d2|languageId=en-us; lb=node-2');
    jar.store(['lb=; Max-Age=0; Path=/']);
    assert.equal(jar.header(), 'icws_1504928317=8c1f1f7e-55d2|languageId=en-us');
    jar.store(['garbage', '=novalue']);
    assert.equal(jar.size, 1);
    assert.deepEqual(jar.values(), ['8c1f1f7e-55d2|languageId=en-us']);
  });

  it('stores, replaces and expires cookies: Max-Age 0 or negative, any past Expires date', () => {
    const j = new CookieJar();
    j.store('JSESSIONID=abc;Path=/;HttpOnly');
    j.store('BAYEUX_BROWSER=x1');
    j.store('A=1');
    j.store('B=1');
    assert.equal(j.header(), 'JSESSIONID=abc; BAYEUX_BROWSER=x1; A=1; B=1');
    j.store('JSESSIONID=def; Path=/');
    assert.equal(j.get('JSESSIONID'), 'def');
    j.store('BAYEUX_BROWSER=; Max-Age=0');
    j.store('A=; Max-Age=-1');
    // Not only the literal 1970 date: any date in the past removes the cookie.
    j.store(`B=; Expires=${new Date(Date.now() - 60000).toUTCString()}`);
    j.store('OLD=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    assert.deepEqual(j.pairs(), ['JSESSIONID=def']);
    // Max-Age wins over Expires (RFC 6265 5.3 step 3)
    j.store(`C=1; Expires=${new Date(Date.now() - 60000).toUTCString()}; Max-Age=60`);
    assert.equal(j.get('C'), '1');
  });

  it('a cookie whose time has run out is no longer sent', async () => {
    const j = new CookieJar();
    j.store(`S=1; Expires=${new Date(Date.now() + 1500).toUTCString()}`);
    j.store('T=2; Max-Age=1');
    assert.equal(j.header(), 'S=1; T=2');
    await sleep(2100);
    assert.equal(j.header(), '');
    assert.equal(j.size, 0);
  });
});
