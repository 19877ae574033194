/**
 * Content decoding with the decoded size capped. A whole answer is decoded by zlib's one-shot
 * functions off the main thread with `maxOutputLength` (zlib stops at the cap; nothing keeps
 * running after the request ended); an event stream is decoded chunk by chunk (its lines and
 * messages are capped by the stream parsers).
 */
import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

type OneShot = (buf: Buffer, opts: zlib.ZlibOptions & zlib.BrotliOptions, cb: (err: Error | null, out: Buffer) => void) => void;

const zstd = zlib as unknown as {
  zstdDecompress?: OneShot;
  createZstdDecompress?: () => Transform;
};

/** The encodings this Node can decode, for `Accept-Encoding`. */
export const ACCEPT_ENCODING = zstd.zstdDecompress ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

/** Lenient as browsers and fetch are: a gzip or deflate answer cut short still yields what arrived. */
const LENIENT = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** A known `Content-Encoding` (lower case), or undefined for identity / unknown. */
export function codingOf(header: string | string[] | undefined): string | undefined {
  if (!header) return undefined;
  const v = (Array.isArray(header) ? header.join(',') : header).trim().toLowerCase();
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate' || v === 'br') return v;
  if (v === 'zstd' && zstd.zstdDecompress) return v;
  return undefined;
}

/** `deflate` is meant to be zlib-wrapped (RFC 9110), but servers send raw deflate too: tell them apart by the header. */
function zlibWrapped(buf: Buffer): boolean {
  return buf.length >= 2 && (buf[0] & 0x0f) === 8 && ((buf[0] << 8) | buf[1]) % 31 === 0;
}

export class TooLarge extends Error {
  readonly code = 'TOO_LARGE';
}

/** Decodes a whole body; fails with `TooLarge` past `max` decoded bytes. */
export function decodeBody(coding: string, buf: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => {
      if (!err) resolve(out);
      else if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
        reject(new TooLarge(`decoded answer larger than ${max} bytes`));
      else reject(err);
    };
    if (buf.length === 0) return resolve(buf);
    const opts = { maxOutputLength: max };
    if (coding === 'gzip') zlib.gunzip(buf, { ...opts, ...LENIENT }, done);
    else if (coding === 'deflate') (zlibWrapped(buf) ? zlib.inflate : zlib.inflateRaw)(buf, { ...opts, ...LENIENT }, done);
    else if (coding === 'br') zlib.brotliDecompress(buf, opts, done);
    else if (coding === 'zstd' && zstd.zstdDecompress) zstd.zstdDecompress(buf, opts, done);
    else resolve(buf);
  });
}

/** A streaming decoder for an event stream (deflate: zlib-wrapped or raw, told apart by the first bytes). */
export function streamDecoder(coding: string): Transform {
  if (coding === 'gzip') return zlib.createGunzip(LENIENT);
  if (coding === 'br') return zlib.createBrotliDecompress();
  if (coding === 'zstd' && zstd.createZstdDecompress) return zstd.createZstdDecompress();
  let inner: Transform | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, cb): void {
      if (!inner) {
        inner = zlibWrapped(chunk) ? zlib.createInflate(LENIENT) : zlib.createInflateRaw(LENIENT);
        inner.on('data', (d: Buffer) => this.push(d));
        inner.on('error', (e) => this.destroy(e));
      }
      inner.write(chunk, () => cb());
    },
    flush(cb): void {
      if (!inner) return cb();
      inner.once('end', () => cb());
      inner.end();
    },
    destroy(err, cb): void {
      inner?.destroy();
      cb(err);
    },
  });
}
