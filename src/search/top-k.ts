/**
 * The k best of a stream of scored items without sorting them all: a bounded min-heap of size k
 * (O(n log k)). Ties keep the earlier item, so results are deterministic.
 */
export interface Scored {
  readonly id: number;
  readonly score: number;
}

export class TopK {
  private readonly heap: Scored[] = [];

  constructor(readonly k: number) {}

  /** The score an item must beat to enter, -Infinity while the heap is not full. */
  get threshold(): number {
    return this.heap.length < this.k ? -Infinity : this.heap[0].score;
  }

  push(id: number, score: number): void {
    if (this.k <= 0 || !(score > this.threshold)) return;
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ id, score });
      this.up(heap.length - 1);
    } else {
      heap[0] = { id, score };
      this.down(0);
    }
  }

  /** Best first; equal scores in the order they were pushed. */
  sorted(): Scored[] {
    return [...this.heap].sort((a, b) => b.score - a.score || a.id - b.id);
  }

  private less(a: Scored, b: Scored): boolean {
    return a.score < b.score || (a.score === b.score && a.id > b.id);
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l], heap[m])) m = l;
      if (r < heap.length && this.less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
}

/** The k best entries of a score array (id = index), best first; `accept` filters by score. */
export function topOfScores(scores: Float32Array, k: number, accept: (score: number) => boolean = () => true): Scored[] {
  const top = new TopK(k);
  for (let id = 0; id < scores.length; id++) if (accept(scores[id])) top.push(id, scores[id]);
  return top.sorted();
}
