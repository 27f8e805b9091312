import { SharedCache } from '../src/lib/shared-cache';
import type { KeyStore } from '../src/store/keystore';
import { uniqueSuffix, useTestContext, type TestContext } from './support/context';

/**
 * src/lib/shared-cache.ts on the configured key store (Redis or the SQLite one): one computation
 * per key and generation whatever the concurrency, in a process and across processes (two
 * instances on one store stand for two processes), and a new generation seen by the next read.
 */
let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});

/** A computation that reads `value()` when it starts, answers after `ms`, and counts its calls. */
function slowLoad<T>(value: () => T, ms = 50) {
  return jest.fn(() => {
    const read = value();
    return new Promise<T>((resolve) => setTimeout(() => resolve(read), ms));
  });
}

const cacheNamed = (name: string, store: KeyStore = ctx.store) =>
  new SharedCache<string[]>(store, ctx.logger, name, 60, ctx.metrics);

describe('SharedCache', () => {
  it('computes once for concurrent misses in one process, then answers from the store', async () => {
    const cache = cacheNamed(`test-cache-${uniqueSuffix()}`);
    const load = slowLoad(() => ['a', 'b']);
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', load)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ['a', 'b']));
    expect(load).toHaveBeenCalledTimes(1);
    expect(await cache.get('k', load)).toEqual(['a', 'b']);
    expect(load).toHaveBeenCalledTimes(1);
    // Another key is computed on its own.
    expect(
      await cache.get(
        'other',
        slowLoad(() => ['c']),
      ),
    ).toEqual(['c']);
  });

  it('counts its hits and misses in the metrics, under its name', async () => {
    const name = `test:cache-${uniqueSuffix()}`;
    const label = name.replace(/:/g, '_');
    const count = async (counter: typeof ctx.metrics.cacheHits) =>
      (await counter.get()).values.find((v) => v.labels.cache === label)?.value ?? 0;
    const cache = cacheNamed(name);
    const load = slowLoad(() => ['a']);
    await Promise.all(Array.from({ length: 5 }, () => cache.get('k', load)));
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(1);
    expect(await count(ctx.metrics.cacheMisses)).toBe(1);
    expect(await count(ctx.metrics.cacheHits)).toBe(5);
  });

  it('computes once for concurrent misses of several processes sharing the store', async () => {
    const name = `test-cache-${uniqueSuffix()}`;
    const processes = [cacheNamed(name), cacheNamed(name), cacheNamed(name)];
    const load = slowLoad(() => ['shared'], 100);
    const answers = await Promise.all(
      processes.flatMap((cache) => [cache.get('k', load), cache.get('k', load)]),
    );
    expect(answers.every((a) => a[0] === 'shared')).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shows a write to the next read of every process, even one computing at the time', async () => {
    const name = `test-cache-${uniqueSuffix()}`;
    const here = cacheNamed(name);
    const elsewhere = cacheNamed(name);
    let version = 1;
    let started!: () => void;
    const computing = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const load = jest.fn(async () => {
      const read = [`v${version}`];
      started();
      if (version === 1) await held;
      return read;
    });
    // A computation starts, reading version 1; the write lands while it runs (however slow the
    // key store is to let it start, the write waits for it to have read).
    const inFlight = here.get('k', load);
    await computing;
    version = 2;
    await elsewhere.invalidate();
    finish();
    expect(await inFlight).toEqual(['v1']);
    // What the computation stored under the old generation is not read again.
    expect(await here.get('k', load)).toEqual(['v2']);
    expect(await elsewhere.get('k', load)).toEqual(['v2']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed computation, and lets the next one run at once', async () => {
    const cache = cacheNamed(`test-cache-${uniqueSuffix()}`);
    const failing = jest.fn(async (): Promise<string[]> => {
      throw new Error('database down');
    });
    await expect(cache.get('k', failing)).rejects.toThrow('database down');
    const reads = jest.spyOn(ctx.store, 'get');
    try {
      expect(await cache.get('k', async () => ['back'])).toEqual(['back']);
      // The failed one's lock was released: no waiting for another process's value (a waiter
      // polls the value every 20 ms for a second); only the generation and the value are read.
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('computes every time while the key store is down, and invalidating still succeeds', async () => {
    const down = {
      ...ctx.store,
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const cache = cacheNamed(`test-cache-${uniqueSuffix()}`, down);
    const load = jest.fn(async () => ['fresh']);
    expect(await cache.get('k', load)).toEqual(['fresh']);
    expect(await cache.get('k', load)).toEqual(['fresh']);
    expect(load).toHaveBeenCalledTimes(2);
    await expect(cache.invalidate()).resolves.toBeUndefined();
  });
});
