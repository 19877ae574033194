/**
 * A server-sent-events parser (WHATWG event-stream format) for the ICWS message stream:
 * `data:` lines of one event are joined with `\n`, a blank line ends the event, lines
 * starting with `:` are comments (ICWS sends `:ping`), `id:` is kept. Chunks may split lines
 * anywhere, and lines may end with CRLF, LF or CR.
 */
export interface SseEvent {
  data: string;
  id?: string;
  event?: string;
}

export class SseParser {
  private buf = '';
  private data: string[] = [];
  private id: string | undefined;
  private event: string | undefined;
  private lastCr = false;

  constructor(private onEvent: (e: SseEvent) => void) {}

  push(chunk: string): void {
    let text = chunk;
    // A CR at the end of the previous chunk may be half of a CRLF.
    if (this.lastCr && text.startsWith('\n')) text = text.slice(1);
    this.lastCr = text.endsWith('\r');
    this.buf += text;
    const lines = this.buf.split(/\r\n|\r|\n/);
    this.buf = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length)
        this.onEvent({ data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}), ...(this.event ? { event: this.event } : {}) });
      this.data = [];
      this.event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
  }
}
