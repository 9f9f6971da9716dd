/**
 * A binary min-heap of vehicle indices by due time: one timer drives 20,000 vehicles instead of
 * 20,000 timers, and equal due times keep insertion order stable enough for fairness.
 */
export class DueQueue {
  private readonly due: number[] = [];
  private readonly index: number[] = [];

  get size(): number {
    return this.due.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekDue(): number {
    return this.due[0] ?? Number.POSITIVE_INFINITY;
  }

  push(dueMs: number, vehicleIndex: number): void {
    this.due.push(dueMs);
    this.index.push(vehicleIndex);
    this.siftUp(this.due.length - 1);
  }

  /** Removes the earliest entry and returns its vehicle index (undefined when empty). */
  pop(): number | undefined {
    const top = this.index[0];
    const lastDue = this.due.pop();
    const lastIndex = this.index.pop();
    if (this.due.length > 0 && lastDue !== undefined && lastIndex !== undefined) {
      this.due[0] = lastDue;
      this.index[0] = lastIndex;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(position: number): void {
    let child = position;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.at(parent) <= this.at(child)) return;
      this.swap(parent, child);
      child = parent;
    }
  }

  private siftDown(position: number): void {
    let parent = position;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.due.length && this.at(left) < this.at(smallest)) smallest = left;
      if (right < this.due.length && this.at(right) < this.at(smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private at(position: number): number {
    return this.due[position] as number;
  }

  private swap(a: number, b: number): void {
    [this.due[a], this.due[b]] = [this.due[b] as number, this.due[a] as number];
    [this.index[a], this.index[b]] = [this.index[b] as number, this.index[a] as number];
  }
}
