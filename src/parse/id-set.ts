// A set of goroutine ids. Dumps number their goroutines from 1 up, densely: a bitmap holds the small ones in an
// eighth of a byte each (a Set of 200,000 numbers cost a quarter of a big dump's main-thread time), and the rare
// large ids (a server up for months) go to a Set.

/** Ids below this live in the bitmap (2 MiB at most). */
const BITMAP_LIMIT = 1 << 24;

export class IdSet {
  private bits = new Uint8Array(1024);
  private readonly large = new Set<number>();

  has(id: number): boolean {
    if ((id | 0) === id && id >= 0 && id < BITMAP_LIMIT) {
      const byte = id >>> 3;
      return byte < this.bits.length && ((this.bits[byte] as number) & (1 << (id & 7))) !== 0;
    }
    return this.large.has(id);
  }

  add(id: number): void {
    if ((id | 0) === id && id >= 0 && id < BITMAP_LIMIT) {
      const byte = id >>> 3;
      if (byte >= this.bits.length) {
        let size = this.bits.length * 2;
        while (size <= byte) size *= 2;
        const grown = new Uint8Array(Math.min(size, BITMAP_LIMIT >>> 3));
        grown.set(this.bits);
        this.bits = grown;
      }
      this.bits[byte] = (this.bits[byte] as number) | (1 << (id & 7));
      return;
    }
    this.large.add(id);
  }

  clear(): void {
    if (this.bits.length > 1024) this.bits = new Uint8Array(1024);
    else this.bits.fill(0);
    this.large.clear();
  }
}
