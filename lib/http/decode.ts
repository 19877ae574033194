/**
 * Content-Encoding of answers: gzip (x-gzip), deflate (zlib-wrapped or raw, told apart by the
 * first byte as Node's fetch does), br, and zstd where this Node has it (22.15+, 23.8+).
 *
 * A whole answer is decoded at once with `maxOutputLength`: zlib stops as soon as the output
 * would pass the cap, so a small compressed answer that expands to a gigabyte costs the cap, no
 * more. Event streams are decoded as they arrive (`streamDecoder`).
 *
 * Why not undici's `interceptors.decompress` (undici 7.30, marked experimental): it inflates
 * `deflate` as zlib only, so a raw deflate answer fails, and its `maxSize` is checked after each
 * decoded chunk rather than inside zlib. test/unit/transport-decode.test.ts shows the raw deflate
 * case and fails once undici decodes it, the moment to switch.
 */
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type Encoding = 'gzip' | 'deflate' | 'br' | 'zstd';

type SyncDecode = (buf: Buffer, options: zlib.ZlibOptions & { maxOutputLength?: number }) => Buffer;
interface ZstdZlib {
  zstdDecompressSync?: SyncDecode;
  createZstdDecompress?: () => Transform;
}
const zstd = zlib as unknown as ZstdZlib;

/** True when this Node decodes zstd (zlib.createZstdDecompress exists). */
export const ZSTD = typeof zstd.zstdDecompressSync === 'function' && typeof zstd.createZstdDecompress === 'function';

/** What the transport asks for in Accept-Encoding. */
export const ACCEPT_ENCODING = ZSTD ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

/** The encoding named by a Content-Encoding header, if it is one this Node decodes. */
export function encodingOf(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  switch (header.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    case 'zstd':
      return ZSTD ? 'zstd' : undefined;
    default:
      return undefined;
  }
}

/** A zlib-wrapped deflate stream starts with CM = 8 in the low nibble; anything else is raw deflate. */
function zlibWrapped(firstByte: number): boolean {
  return (firstByte & 0x0f) === 0x08;
}

// Lenient at the end of the data as browsers are: a body cut after a full block still decodes.
const FLUSH = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** Thrown by `decodeAll` when the decoded answer would pass the cap. */
export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`answer larger than ${limit} bytes (maxResponseBytes)`);
  }
}

/** Decodes a whole answer, stopping at `limit` decoded bytes (then throws TooLarge). */
export function decodeAll(body: Buffer, encoding: Encoding, limit: number): Buffer {
  if (body.length === 0) return body;
  // zlib refuses a maxOutputLength above kMaxLength; the cap is far below it in practice.
  const maxOutputLength = Math.max(1, Math.min(limit, 2 ** 31 - 1));
  try {
    switch (encoding) {
      case 'gzip':
        return zlib.gunzipSync(body, { ...FLUSH, maxOutputLength });
      case 'deflate':
        return zlibWrapped(body[0]) ? zlib.inflateSync(body, { ...FLUSH, maxOutputLength }) : zlib.inflateRawSync(body, { ...FLUSH, maxOutputLength });
      case 'br':
        return zlib.brotliDecompressSync(body, { maxOutputLength });
      case 'zstd':
        return (zstd.zstdDecompressSync as SyncDecode)(body, { maxOutputLength });
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge(limit);
    throw err;
  }
}

/** A streaming decoder for an event stream; `firstByte` picks zlib or raw deflate. */
export function streamDecoder(encoding: Encoding, firstByte: number): Transform {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, ...FLUSH });
    case 'deflate':
      return zlibWrapped(firstByte)
        ? zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, ...FLUSH })
        : zlib.createInflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH, ...FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return (zstd.createZstdDecompress as () => Transform)();
  }
}
