/**
 * The ICWS message stream's server-sent events: bytes decoded as WHATWG decodes an event stream
 * (UTF-8, a BOM at the start dropped: TextDecoder), parsed by the maintained `eventsource-parser`
 * (CR / LF / CRLF, comments, `id` holding NUL ignored), behind a linear byte counter that bounds
 * what the parser may buffer.
 *
 * Bounds: a line, and an event (the bytes between two blank lines), may each hold at most
 * `maxLineBytes` / `maxEventBytes` (default 1 MiB, `DEFAULT_MAX_EVENT_BYTES`). The counter looks
 * at each byte once, so an endless line costs linear time; once over a bound, `push` answers the
 * reason and feeds nothing more: the caller ends the stream and opens a new one, as after a cut.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  data: string;
  id?: string;
  event?: string;
}

export interface SseLimits {
  maxLineBytes?: number;
  maxEventBytes?: number;
}

/** Default bound of one SSE line and of one SSE event: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;

export class SseParser {
  private parser: EventSourceParser;
  /** UTF-8 as WHATWG decodes an event stream: a BOM at the start is dropped, splits are kept. */
  private decoder = new TextDecoder('utf-8');
  private readonly maxLine: number;
  private readonly maxEvent: number;
  private lineBytes = 0;
  private eventBytes = 0;
  private lastWasCr = false;
  private failed: string | undefined;
  /** The stream's last event id (`id:` lines), for `Last-Event-ID` on the next stream. */
  lastEventId: string | undefined;

  constructor(
    private onEvent: (e: SseEvent) => void,
    limits: SseLimits = {},
  ) {
    this.maxLine = limits.maxLineBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.maxEvent = limits.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.parser = createParser({
      onEvent: (e) => {
        // WHATWG: the last event id persists until an `id:` line changes it (the parser gives
        // only the id of the event's own block).
        if (e.id !== undefined) this.lastEventId = e.id;
        const id = this.lastEventId;
        this.onEvent({ data: e.data, ...(id !== undefined && id !== '' ? { id } : {}), ...(e.event ? { event: e.event } : {}) });
      },
    });
  }

  /**
   * Feeds a chunk (any split, even inside a UTF-8 sequence). Answers undefined, or why the
   * stream must be ended (a bound was exceeded); after that, nothing more is parsed.
   */
  push(chunk: Buffer | string): string | undefined {
    if (this.failed) return this.failed;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const reason = this.count(bytes);
    if (reason) {
      this.failed = reason;
      return reason;
    }
    const text = this.decoder.decode(bytes, { stream: true });
    if (text) this.parser.feed(text);
    return undefined;
  }

  /** One pass over the bytes: line and event lengths (a blank line ends an event). */
  private count(bytes: Buffer): string | undefined {
    let line = this.lineBytes;
    let event = this.eventBytes;
    let lastCr = this.lastWasCr;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === LF && lastCr) {
        lastCr = false; // the second half of a CRLF: the line has ended already
        continue;
      }
      if (b === CR || b === LF) {
        if (line === 0) event = 0;
        line = 0;
        lastCr = b === CR;
        continue;
      }
      lastCr = false;
      line++;
      event++;
      if (line > this.maxLine) return `an event-stream line is longer than ${this.maxLine} bytes`;
      if (event > this.maxEvent) return `an event-stream event is larger than ${this.maxEvent} bytes`;
    }
    this.lineBytes = line;
    this.eventBytes = event;
    this.lastWasCr = lastCr;
    return undefined;
  }
}
