/**
 * Cancelling requests without an AbortController per message. An AbortSignal is an
 * EventTarget: creating one, adding and removing its listener cost about a tenth of the CPU of
 * a click-to-dial in `npm run bench` (profiled). The transport only needs what
 * `CancelSignal` names, which an AbortSignal also offers, so callers may pass either.
 */

/** What the transport reads of a cancellation signal (an AbortSignal has all of it). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A one-shot cancellation: `abort()` calls each listener once; listeners added later are not called. */
export class Cancel implements CancelSignal {
  private done = false;
  private listeners: Array<() => void> | undefined;

  get aborted(): boolean {
    return this.done;
  }

  /** The signal to hand to a request (the Cancel itself, as AbortController.signal is to its controller). */
  get signal(): CancelSignal {
    return this;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.done) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const l = this.listeners;
    if (!l) return;
    const i = l.lastIndexOf(listener);
    if (i >= 0) l.splice(i, 1);
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    const l = this.listeners;
    this.listeners = undefined;
    if (l) for (const fn of l) fn();
  }
}
