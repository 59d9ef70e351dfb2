/**
 * A set of string keys stored as 64-bit hashes in typed arrays (open addressing), remembering the
 * first row number of each key. Used to find duplicate ids within an input file with ~12 bytes per
 * row instead of one JS string per row. Two 32-bit FNV-1a variants make the 64-bit hash; a false
 * "duplicate" needs a 64-bit collision (≈ 1 in 10¹¹ for a 10-million-row file).
 */
export class IdSet {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private rows = new Int32Array(1024).fill(-1);
  private count = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.count;
  }

  /**
   * Adds `key` first seen at `row`.
   * @returns -1 when the key is new, else the row where it was first seen
   */
  add(key: string, row: number): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 >>>= 0;
    h2 >>>= 0;
    if ((this.count + 1) * 2 > this.rows.length) this.grow();
    return this.insert(h1, h2, row);
  }

  private insert(h1: number, h2: number, row: number): number {
    const mask = this.rows.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
    for (;;) {
      const r = this.rows[i] as number;
      if (r === -1) {
        this.hi[i] = h1;
        this.lo[i] = h2;
        this.rows[i] = row;
        this.count++;
        return -1;
      }
      if (this.hi[i] === h1 && this.lo[i] === h2) return r;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo, rows } = this;
    this.hi = new Uint32Array(rows.length * 2);
    this.lo = new Uint32Array(rows.length * 2);
    this.rows = new Int32Array(rows.length * 2).fill(-1);
    this.count = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      if (r !== -1) this.insert(hi[i] as number, lo[i] as number, r);
    }
  }
}
