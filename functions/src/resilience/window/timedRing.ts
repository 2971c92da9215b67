/**
 * A ring buffer of (time, value) pairs in arrival order, in two typed arrays
 * that grow by doubling up to `maxSize`: `push` is O(1) and allocates nothing
 * once grown, and dropping old entries walks only what leaves. The storage
 * behind LatencyWindow and the breaker's RollingWindow.
 */
export class TimedRing {
  private at: Float64Array;
  private val: Float64Array;
  /** Index of the oldest entry. */
  private head = 0;
  /** Entries kept. */
  size = 0;

  constructor(
    private readonly maxSize: number,
    initialCapacity = 64,
  ) {
    const capacity = Math.max(1, Math.min(initialCapacity, maxSize));
    this.at = new Float64Array(capacity);
    this.val = new Float64Array(capacity);
  }

  /** Appends an entry; when `maxSize` are kept, the oldest goes and its value is returned. */
  push(at: number, value: number): number | undefined {
    if (this.maxSize <= 0) return undefined;
    if (this.size === this.at.length && this.size < this.maxSize) this.grow();
    const capacity = this.at.length;
    let evicted: number | undefined;
    let slot: number;
    if (this.size < capacity) {
      slot = (this.head + this.size) % capacity;
      this.size++;
    } else {
      slot = this.head;
      evicted = this.val[slot]!;
      this.head = (this.head + 1) % capacity;
    }
    this.at[slot] = at;
    this.val[slot] = value;
    return evicted;
  }

  /** Drops entries from the oldest while `isOld(time)`, passing each dropped value to `onDrop`. */
  dropWhile(isOld: (at: number) => boolean, onDrop?: (value: number) => void): void {
    const capacity = this.at.length;
    while (this.size > 0 && isOld(this.at[this.head]!)) {
      onDrop?.(this.val[this.head]!);
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
  }

  /** The values, oldest first, copied into a new typed array. */
  values(): Float64Array {
    const out = new Float64Array(this.size);
    const capacity = this.at.length;
    for (let i = 0; i < this.size; i++) out[i] = this.val[(this.head + i) % capacity]!;
    return out;
  }

  /** Forgets every entry (keeps the grown capacity). */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** Doubles the capacity (up to maxSize), moving the entries to the front in order. */
  private grow(): void {
    const capacity = Math.min(this.maxSize, this.at.length * 2);
    const at = new Float64Array(capacity);
    const val = new Float64Array(capacity);
    const old = this.at.length;
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % old;
      at[i] = this.at[j]!;
      val[i] = this.val[j]!;
    }
    this.at = at;
    this.val = val;
    this.head = 0;
  }
}
