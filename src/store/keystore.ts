/**
 * A small key/value store with expiry: refresh tokens, verification codes, throttles and
 * counters. Redis in production; a SQLite file in the embedded mode, so values survive a
 * restart and are shared by every process on the machine (API, worker, CLI).
 */
export interface KeyStore {
  readonly kind: 'redis' | 'sqlite';
  get(key: string): Promise<string | null>;
  /** Stores the value, replacing any other; expires after `ttlSeconds` when given. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Stores the value only when the key is absent; true when it was stored. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Adds `by` (one unless given) and returns the new count; a new counter expires after
   * `ttlSeconds`.
   */
  increment(key: string, ttlSeconds: number, by?: number): Promise<number>;
  /**
   * Counts a hit on each of these counters in turn (a new counter expires after its
   * `windowSeconds`), in one round trip, and stops after the first whose count goes over its
   * `max`: the counters after it are not counted, and not answered. Limits applied one after
   * the other, like the calendar feed's per address and per feed.
   */
  countHits(counters: HitCounter[]): Promise<HitCount[]>;
  /**
   * Takes one token from the token bucket at `key`, in one step: `capacity` tokens at once,
   * refilled continuously at `capacity` per `windowMs`; false, and nothing taken, when fewer
   * than one is left. Time is the caller's (`nowMs`, the context clock), so every caller sharing
   * a key shares one bucket; a `nowMs` earlier than the bucket's last take (another process's
   * clock a little ahead) counts as no time passed, so no stretch of time is refilled twice. The
   * key expires after a window without a token taken (the bucket is full again by then).
   * `capacity` and `windowMs` are whole numbers, the same for every caller of a key.
   */
  takeToken(key: string, capacity: number, windowMs: number, nowMs: number): Promise<boolean>;
  /** Reads the value and deletes the key in one step (null when absent): counters drained. */
  take(key: string): Promise<string | null>;
  /** Seconds until the key expires, or null when it is absent or has no expiry. */
  ttl(key: string): Promise<number | null>;
  del(key: string): Promise<void>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A counter of hits in a window, for {@link KeyStore.countHits}. */
export interface HitCounter {
  key: string;
  windowSeconds: number;
  /** The most hits the window allows: a count over it stops the counting there. */
  max: number;
}

/** A counter's count after the hit, and when its window ends (epoch milliseconds). */
export interface HitCount {
  count: number;
  resetsAt: number;
}
