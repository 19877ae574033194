/**
 * A tiny cookie jar owned by one GWS session (one config node). Never process-global: two
 * agents in one Node-RED must not share `JSESSIONID`. It keeps name=value pairs for one
 * server; attributes other than expiry are ignored (a GWS server is one origin).
 */
export class CookieJar {
  private cookies = new Map<string, string>();

  /** Stores one `Set-Cookie` header value; `Max-Age=0` or a past `Expires` removes the cookie. */
  store(setCookie: string): void {
    const [pair, ...attrs] = setCookie.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let expired = false;
    for (const a of attrs) {
      const [k, v = ''] = a.split('=');
      const key = k.trim().toLowerCase();
      if (key === 'max-age' && Number(v.trim()) <= 0) expired = true;
      if (key === 'expires' && Date.parse(v.trim()) < Date.now()) expired = true;
    }
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  storeAll(setCookies: readonly string[]): void {
    for (const c of setCookies) this.store(c);
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** `name=value` pairs, as a `Cookie` header takes them. */
  pairs(): string[] {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`);
  }

  /** The `Cookie` header value, '' when empty. */
  header(): string {
    return this.pairs().join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }

  get size(): number {
    return this.cookies.size;
  }
}
