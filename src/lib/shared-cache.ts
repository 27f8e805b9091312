import crypto from 'node:crypto';
import type { AppContext } from './context';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { KeyStore } from '../store/keystore';

/**
 * Values kept in the shared key store for `ttlSeconds`, computed once per key per expiry:
 *
 * - **Single flight.** Concurrent misses of one key in a process share one computation; across
 *   processes, the first miss takes a short lock in the key store (`setIfAbsent`) and the others
 *   wait for its value (polling for at most LOCK_WAIT_MS, then they compute it themselves, so a
 *   crashed holder costs a delay, never an error).
 * - **Generation-checked invalidation.** Entries are stored under the cache's current
 *   *generation*, a random id in the key store; `invalidate()` stores a new one, so the next read
 *   of every process misses, and a computation that started before the write stores its (old)
 *   value under the old generation, where nobody reads it.
 * - **Failure.** When the key store does not answer, the value is computed (not cached) and a
 *   warning logged; the answer never fails because of the cache.
 */
export class SharedCache<T> {
  /** This process's computations in progress, by generation and key. */
  private readonly flights = new Map<string, Promise<T>>();

  constructor(
    private readonly store: KeyStore,
    private readonly logger: Logger,
    /** Prefix of every key in the store, and the name in warnings. */
    private readonly name: string,
    private readonly ttlSeconds: number,
    private readonly metrics: Pick<Metrics, 'cacheHits' | 'cacheMisses' | 'keyStoreErrors'>,
  ) {}

  /** The cache's label in the metrics (`course:ranking` → `course_ranking`). */
  private get label() {
    return this.name.replace(/:/g, '_');
  }

  private get generationKey() {
    return `${this.name}:generation`;
  }

  /** The value of `key`: from the store, or from `load` (once, however many ask at once). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    let generation: string;
    try {
      generation = (await this.store.get(this.generationKey)) ?? 'initial';
    } catch (err) {
      this.warn('reading the generation failed; not cached', err);
      return load();
    }
    const flightKey = `${generation}\n${key}`;
    const running = this.flights.get(flightKey);
    if (running) {
      this.metrics.cacheHits.inc({ cache: this.label });
      return running;
    }
    const flight = this.fetch(`${this.name}:${generation}:${key}`, load);
    this.flights.set(flightKey, flight);
    try {
      return await flight;
    } finally {
      this.flights.delete(flightKey);
    }
  }

  /** Something the values are made from changed: every process computes them again. */
  async invalidate(): Promise<void> {
    try {
      await this.store.set(this.generationKey, crypto.randomUUID());
    } catch (err) {
      this.warn('storing a new generation failed', err);
    }
  }

  private async fetch(entryKey: string, load: () => Promise<T>): Promise<T> {
    const lockKey = `${entryKey}:lock`;
    let locked = false;
    try {
      const stored = await this.store.get(entryKey);
      if (stored !== null) {
        this.metrics.cacheHits.inc({ cache: this.label });
        return JSON.parse(stored) as T;
      }
      locked = await this.store.setIfAbsent(lockKey, '1', LOCK_SECONDS);
      if (!locked) {
        // Another process computes it: wait for its value rather than computing it again.
        const deadline = Date.now() + LOCK_WAIT_MS;
        while (Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          const value = await this.store.get(entryKey);
          if (value !== null) {
            this.metrics.cacheHits.inc({ cache: this.label });
            return JSON.parse(value) as T;
          }
        }
      }
    } catch (err) {
      this.warn('reading the cache failed; computed without it', err);
      return load();
    }
    this.metrics.cacheMisses.inc({ cache: this.label });
    try {
      const value = await load();
      try {
        await this.store.set(entryKey, JSON.stringify(value), this.ttlSeconds);
      } catch (err) {
        this.warn('storing the value failed', err);
      }
      return value;
    } finally {
      if (locked) await this.store.del(lockKey).catch(() => undefined);
    }
  }

  private warn(what: string, err: unknown) {
    this.metrics.keyStoreErrors.inc({ operation: this.label });
    this.logger.warn(`${this.name} cache: ${what}`, { error: (err as Error).message });
  }
}

/** How long a computing process holds its key's lock at most (it is released once stored). */
const LOCK_SECONDS = 5;
/** How long others wait for the lock holder's value before computing it themselves. */
const LOCK_WAIT_MS = 1_000;
const POLL_MS = 20;

const instances = new WeakMap<KeyStore, Map<string, SharedCache<unknown>>>();

/**
 * The cache named `name` on this key store: one per process and store, so that every request
 * of the process shares its computations in progress.
 */
export function sharedCache<T>(
  ctx: Pick<AppContext, 'store' | 'logger' | 'metrics'>,
  name: string,
  ttlSeconds: number,
): SharedCache<T> {
  let named = instances.get(ctx.store);
  if (!named) instances.set(ctx.store, (named = new Map()));
  let cache = named.get(name);
  if (!cache)
    named.set(
      name,
      (cache = new SharedCache<unknown>(ctx.store, ctx.logger, name, ttlSeconds, ctx.metrics)),
    );
  return cache as SharedCache<T>;
}
