/**
 * Loads the maintained CometD client (`cometd`, an ES module) and builds a long-polling
 * transport bound to ONE session: its Bayeux POSTs go through that session's own Transport
 * (keep-alive agents, the config node's TLS and proxy settings, redaction) with this session's
 * cookie jar and Basic header, instead of `cometd-nodejs-client`'s XMLHttpRequest (whose agents
 * are process-wide and take no TLS options). Nothing here is shared between two config nodes.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CometD } from 'cometd';
import type { CookieJar, Transport } from '../http';

interface XhrLike {
  status: number;
  statusText: string;
  responseText: string;
  withCredentials?: boolean;
  onload?: () => void;
  onerror?: (x?: unknown) => void;
  onabort?: (x?: unknown) => void;
  open(method: string, url: string, async?: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(data?: string): void;
  abort(): void;
}

interface XhrOptions {
  httpProxy?: { uri: string };
  cookies: {
    storeCookie(uri: unknown, header: string, callback: (failure: Error | null, cookie?: unknown) => void): void;
    retrieveCookies(context: unknown, uri: unknown, callback: (failure: Error | null, cookies: string[]) => void): void;
  };
}

/** What cometd's LongPollingTransport hands to `xhrSend`. */
interface Packet {
  url: string;
  sync?: boolean;
  headers?: Record<string, string>;
  body: string;
  onSuccess(text: string): void;
  onError(reason: string, exception?: unknown): void;
}

interface LongPollingBase {
  xhrSend(packet: Packet): XhrLike;
}

interface Modules {
  CometD: new (name?: string) => CometD;
  LongPollingTransport: new () => LongPollingBase;
  XMLHttpRequest: new (options: XhrOptions) => XhrLike;
}

// `import()` kept out of TypeScript's CommonJS rewrite (which would turn it into require()).
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

let loading: Promise<Modules> | undefined;

function fileUrl(request: string): string {
  return pathToFileURL(require.resolve(request)).href;
}

/** Loads cometd and the Node adapter once per process (the classes, not any state). */
export function loadCometd(): Promise<Modules> {
  loading ??= (async () => {
    const adapter = await dynamicImport(fileUrl('cometd-nodejs-client'));
    const g = globalThis as { window?: unknown };
    if (!g.window) {
      // cometd reads timers from `window`; the adapter provides it. It also rebinds
      // console.debug globally, which a Node-RED process should not notice: put it back.
      const debug = console.debug;
      (adapter.adapt as () => void)();
      console.debug = debug;
    }
    const cometd = await dynamicImport(fileUrl('cometd'));
    const xhrPath = path.join(path.dirname(require.resolve('cometd-nodejs-client')), 'src', 'XMLHttpRequest.js');
    const xhr = await dynamicImport(pathToFileURL(xhrPath).href);
    return {
      CometD: cometd.CometD as Modules['CometD'],
      LongPollingTransport: cometd.LongPollingTransport as Modules['LongPollingTransport'],
      XMLHttpRequest: xhr.XMLHttpRequest as Modules['XMLHttpRequest'],
    };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

export interface SessionBinding {
  jar: CookieJar;
  /** Headers every Bayeux request carries (Basic auth); read at each request. */
  headers(): Record<string, string>;
  /** Called with every HTTP status the CometD endpoint answered. */
  onStatus?(status: number): void;
  /** Proxy URL for the CometD requests (the config node's proxy or HTTP(S)_PROXY), if any. */
  proxy?: string;
  /** The session's transport: when given, Bayeux requests use it (TLS, proxy, keep-alive). */
  transport?: Transport;
  /** Largest answer body (bytes); a larger one is a failed request (cometd connects again). */
  maxAnswerBytes?: number;
  onOversized?(bytes: number, max: number): void;
}

/** What cometd reads of the object `xhrSend` returns: the status, and abort(). */
interface SentRequest {
  status: number;
  statusText: string;
  responseText: string;
  abort(): void;
}

function sendThrough(transport: Transport, binding: SessionBinding, packet: Packet): SentRequest {
  const ctrl = new AbortController();
  const sent: SentRequest = { status: 0, statusText: '', responseText: '', abort: () => ctrl.abort() };
  const cookie = binding.jar.pairs().join('; ');
  transport
    .request({
      operation: 'notifications',
      method: 'POST',
      path: packet.url,
      headers: {
        ...(packet.headers ?? {}),
        ...binding.headers(),
        'Content-Type': 'application/json;charset=UTF-8',
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: packet.body,
      // Long polls are held by the server; cometd's own maxNetworkDelay aborts a stuck one.
      timeout: 0,
      signal: ctrl.signal,
    })
    .then(
      (res) => {
        for (const c of res.setCookie) binding.jar.store(c);
        sent.status = res.status;
        sent.statusText = String(res.status);
        sent.responseText = res.text;
        binding.onStatus?.(res.status);
        const max = binding.maxAnswerBytes;
        const bytes = max !== undefined && res.text.length > max / 4 ? Buffer.byteLength(res.text) : 0;
        if (max !== undefined && bytes > max) {
          // Not handed to cometd: a failed connect, which it repeats on the same client.
          binding.onOversized?.(bytes, max);
          sent.status = 0;
          packet.onError('error', new Error(`answer over ${max} bytes`));
          return;
        }
        if (res.status === 200) packet.onSuccess(res.text);
        else packet.onError(sent.statusText);
      },
      (err: Error) => packet.onError(ctrl.signal.aborted ? 'abort' : 'error', err),
    );
  return sent;
}

/** A long-polling transport whose requests use `binding`'s cookies and headers only. */
export function sessionTransport(mods: Modules, binding: SessionBinding): LongPollingBase {
  class SessionTransport extends mods.LongPollingTransport {
    override xhrSend(packet: Packet): XhrLike {
      if (binding.transport) return sendThrough(binding.transport, binding, packet) as unknown as XhrLike;
      const xhr = new mods.XMLHttpRequest({
        ...(binding.proxy ? { httpProxy: { uri: binding.proxy } } : {}),
        cookies: {
          storeCookie: (_uri, header, callback) => {
            binding.jar.store(header);
            callback(null);
          },
          retrieveCookies: (_context, _uri, callback) => callback(null, binding.jar.pairs()),
        },
      });
      xhr.withCredentials = true;
      xhr.open('POST', packet.url, packet.sync !== true);
      for (const [k, v] of Object.entries({ ...(packet.headers ?? {}), ...binding.headers() })) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Content-Type', 'application/json;charset=UTF-8');
      xhr.onload = () => {
        binding.onStatus?.(xhr.status);
        if (xhr.status === 200) packet.onSuccess(xhr.responseText);
        else packet.onError(xhr.statusText);
      };
      xhr.onabort = xhr.onerror = () => packet.onError(xhr.statusText);
      xhr.send(packet.body);
      return xhr;
    }
  }
  return new SessionTransport();
}
