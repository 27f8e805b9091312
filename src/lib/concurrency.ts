/** Thrown by `ConcurrencyLimit.run` when every slot is busy and the waiting line is full. */
export class QueueFullError extends Error {
  constructor() {
    super('too many tasks waiting');
    this.name = 'QueueFullError';
  }
}

/**
 * Runs at most `maxRunning` tasks at once; the others wait in arrival order, at most
 * `maxWaiting` of them. A task arriving when the line is full is refused at once
 * (`QueueFullError`), so a burst turns into quick refusals instead of ever longer waits.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly line: Array<() => void> = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {}

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.line.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.maxRunning) {
      this.active += 1;
    } else {
      if (this.line.length >= this.maxWaiting) throw new QueueFullError();
      // The finishing task hands its slot over: `active` stays counted.
      await new Promise<void>((resolve) => this.line.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.line.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
