/**
 * The cookie jar of one vendor session (an ICWS session, a GWS agent session). Never
 * process-global: two agents in one Node-RED must not share a session cookie. A session talks
 * to one server, so cookies are kept by name: every cookie the server set is sent back on every
 * request of that session (ICWS sets `icws_<id>` with the path `/icws/<id>`, which every session
 * request falls under; GWS sets `JSESSIONID`). Expiry is honoured (RFC 6265 5.2.1, 5.2.2):
 * `Max-Age` wins over `Expires`; zero, a negative age or a date in the past removes the cookie,
 * and a cookie whose time has run out is no longer sent.
 */
interface Stored {
  value: string;
  /** Epoch ms after which the cookie is gone; undefined: until the session ends. */
  expires?: number;
}

export class CookieJar {
  private cookies = new Map<string, Stored>();

  /** Takes `Set-Cookie` header values (one or a list); attributes other than expiry are ignored. */
  store(setCookie: string | readonly string[]): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) this.storeOne(line);
  }

  /** Alias of `store` for a list. */
  storeAll(setCookies: readonly string[]): void {
    this.store(setCookies);
  }

  private storeOne(line: string): void {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    // The value may itself hold `=` and `|` (ICWS: `<uuid>|languageId=en-us`): keep it whole.
    const value = pair.slice(eq + 1).trim();
    if (!name) return;
    let maxAge: number | undefined;
    let expires: number | undefined;
    for (const a of attrs) {
      const i = a.indexOf('=');
      const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      const v = i < 0 ? '' : a.slice(i + 1).trim();
      if (key === 'max-age' && /^-?\d+$/.test(v)) maxAge = Number(v);
      else if (key === 'expires') {
        const t = Date.parse(v);
        if (!Number.isNaN(t)) expires = t;
      }
    }
    const now = Date.now();
    const until = maxAge !== undefined ? (maxAge <= 0 ? 0 : now + maxAge * 1000) : expires;
    if (until !== undefined && until <= now) this.cookies.delete(name);
    else this.cookies.set(name, until === undefined ? { value } : { value, expires: until });
  }

  private live(): Array<[string, string]> {
    const now = Date.now();
    const out: Array<[string, string]> = [];
    for (const [k, c] of this.cookies) {
      if (c.expires !== undefined && c.expires <= now) this.cookies.delete(k);
      else out.push([k, c.value]);
    }
    return out;
  }

  get(name: string): string | undefined {
    return this.live().find(([k]) => k === name)?.[1];
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** `name=value` pairs, as a `Cookie` header takes them. */
  pairs(): string[] {
    return this.live().map(([k, v]) => `${k}=${v}`);
  }

  /** Cookie values (for the redaction list). */
  values(): string[] {
    return this.live().map(([, v]) => v);
  }

  /** The `Cookie` header value, '' when empty. */
  header(): string {
    return this.pairs().join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }

  get size(): number {
    return this.live().length;
  }
}
