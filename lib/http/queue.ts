/**
 * The socket cap in front of undici: at most `size` requests hold a connection slot; the others
 * wait here, in order, as the small record they already are (no undici request is built for
 * them), so a burst of thousands costs little memory and the transport knows which requests
 * were never handed a connection (a timeout there is "not sent").
 */

/** A waiting request: `go` is called when it gets a slot. */
export interface Waiter {
  /** True while in the queue; cleared when it leaves (slot, timeout, cancel, close). */
  queued: boolean;
  go(): void;
}

export class SlotQueue {
  private active = 0;
  private items: Array<Waiter | undefined> = [];
  private head = 0;
  private waitingCount = 0;

  constructor(private readonly size: number) {}

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Takes a slot now if one is free. */
  take(): boolean {
    if (this.active < this.size) {
      this.active++;
      return true;
    }
    return false;
  }

  /** Waits, in order, for a slot: `w.go()` is called once it holds one. */
  wait(w: Waiter): void {
    w.queued = true;
    this.items.push(w);
    this.waitingCount++;
  }

  /** A waiter gave up (timeout, cancel): it is skipped when its turn comes. */
  leave(w: Waiter): void {
    if (!w.queued) return;
    w.queued = false;
    this.waitingCount--;
  }

  /** Hands the slot to the next waiting request, or frees it. */
  release(): void {
    while (this.head < this.items.length) {
      const w = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (w && w.queued) {
        w.queued = false;
        this.waitingCount--;
        w.go();
        return;
      }
    }
    this.items.length = 0;
    this.head = 0;
    this.active--;
  }

  /** Empties the queue (close): the waiters are ended by their owner. */
  clear(): void {
    for (let i = this.head; i < this.items.length; i++) {
      const w = this.items[i];
      if (w) w.queued = false;
    }
    this.items = [];
    this.head = 0;
    this.waitingCount = 0;
  }
}
