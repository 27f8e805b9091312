/**
 * A token bucket: `capacity` messages at once, refilled continuously at `capacity` per
 * `windowMs`. Bursts up to the capacity pass, a steady flood is held to the refill rate. Time
 * comes from the caller (the context clock), so tests move it instead of waiting.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** How long nothing was taken (a bucket idle for its window is full). */
  idleFor(now: number): number {
    return now - this.updatedAt;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * One token bucket per key (a user id), shared by every connection of that key in this process.
 * A bucket idle for a whole window is full again, the same as a new one, so such buckets are
 * dropped (at most one sweep per window) and the map stays as large as the recently active keys.
 */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweptAt: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.sweptAt = now;
  }

  take(key: string, now: number): boolean {
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.capacity, this.windowMs, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  private sweep(now: number) {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.idleFor(now) >= this.windowMs) this.buckets.delete(key);
    }
  }
}
