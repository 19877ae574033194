/**
 * The smallest cookie jar an ICWS session needs: one name → value map per session. ICWS sets
 * its session cookie on connect (name `icws_<sessionId>`, path `/icws/<sessionId>`); every
 * cookie the connect answer sets is sent back on every request of that session. Paths and
 * expiry are not tracked: a jar lives exactly as long as its session.
 */
export class CookieJar {
  private cookies = new Map<string, string>();

  /** Takes the `Set-Cookie` lines of an answer (attributes after the first `;` are ignored). */
  store(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const pair = line.split(';', 1)[0];
      const i = pair.indexOf('=');
      if (i <= 0) continue;
      const name = pair.slice(0, i).trim();
      // The value may itself hold `=` and `|` (`<uuid>|languageId=en-us`): keep it whole.
      const value = pair.slice(i + 1).trim();
      if (/max-age=0\b|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` request header ('' when the jar is empty). */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get size(): number {
    return this.cookies.size;
  }

  clear(): void {
    this.cookies.clear();
  }
}
