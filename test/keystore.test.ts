import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/lib/logger';
import type { KeyStore } from '../src/store/keystore';
import { RedisKeyStore } from '../src/store/redis-store';
import { SqliteKeyStore } from '../src/store/sqlite-store';
import { uniqueSuffix } from './support/context';
import { PrivateRedis } from './support/redis-server';

const logger = createLogger({ level: 'silent', format: 'json' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: PrivateRedis;
const sqliteFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-kv-')), 'kv.sqlite');
const stores: Record<string, () => Promise<KeyStore>> = {
  sqlite: () => SqliteKeyStore.open(sqliteFile),
  redis: () => RedisKeyStore.connect(redis.url, 'kv-test:', logger),
};

beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

describe.each(Object.keys(stores))('%s key store', (kind) => {
  let store: KeyStore;
  beforeAll(async () => {
    store = await stores[kind]();
  });
  afterAll(async () => {
    await store.close();
  });
  const key = () => `k-${uniqueSuffix()}`;

  it('stores, replaces and deletes values', async () => {
    const k = key();
    expect(await store.get(k)).toBeNull();
    await store.set(k, 'one');
    await store.set(k, 'two');
    expect(await store.get(k)).toBe('two');
    expect(await store.ttl(k)).toBeNull();
    await store.del(k);
    expect(await store.get(k)).toBeNull();
  });

  it('forgets a value once its time to live has passed', async () => {
    const k = key();
    await store.set(k, 'short', 1);
    expect(await store.get(k)).toBe('short');
    expect(await store.ttl(k)).toBeGreaterThan(0);
    await sleep(1100);
    expect(await store.get(k)).toBeNull();
  });

  it('sets only when absent, and again after expiry', async () => {
    const k = key();
    expect(await store.setIfAbsent(k, 'first', 1)).toBe(true);
    expect(await store.setIfAbsent(k, 'second', 1)).toBe(false);
    expect(await store.get(k)).toBe('first');
    await sleep(1100);
    expect(await store.setIfAbsent(k, 'third', 10)).toBe(true);
    expect(await store.get(k)).toBe('third');
  });

  it('counts up with a window that starts at the first hit', async () => {
    const k = key();
    const counts = await Promise.all([1, 2, 3, 4, 5].map(() => store.increment(k, 1)));
    expect(counts.sort()).toEqual([1, 2, 3, 4, 5]);
    await sleep(1100);
    expect(await store.increment(k, 1)).toBe(1);
  });

  it('adds any amount, and takes a counter out in one step', async () => {
    const k = key();
    expect(await store.increment(k, 60, 5)).toBe(5);
    expect(await store.increment(k, 60)).toBe(6);
    const [taken, next] = await Promise.all([store.take(k), store.increment(k, 60, 2)]);
    // Whichever ran first, no count is lost or seen twice.
    expect(Number(taken) + (Number(taken) === 6 ? 2 : 0)).toBe(8);
    expect(next).toBe(Number(taken) === 6 ? 2 : 8);
    expect(await store.take(k)).toBe(Number(taken) === 6 ? '2' : null);
    expect(await store.take(k)).toBeNull();
    expect(await store.increment(k, 60, -3)).toBe(-3);
  });

  it('counts hits on counters in turn, stopping after the first over its most', async () => {
    const [a, b] = [key(), key()];
    const hit = () =>
      store.countHits([
        { key: a, windowSeconds: 60, max: 2 },
        { key: b, windowSeconds: 1, max: 5 },
      ]);
    const started = Date.now();
    const first = await hit();
    expect(first.map((c) => c.count)).toEqual([1, 1]);
    expect(first[0].resetsAt).toBeGreaterThan(started + 58_000);
    expect(first[0].resetsAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(first[1].resetsAt).toBeLessThanOrEqual(Date.now() + 1_000);
    // The second hit reaches the first counter's most, not past it: the second is counted.
    expect((await hit()).map((c) => c.count)).toEqual([2, 2]);
    // Over the first counter's most: the second is neither counted nor answered.
    expect((await hit()).map((c) => c.count)).toEqual([3]);
    expect((await hit()).map((c) => c.count)).toEqual([4]);
    // The counters are the plain counters `increment` counts (its window kept).
    expect(await store.increment(b, 60)).toBe(3);
    expect(await store.ttl(b)).toBeLessThanOrEqual(1);
    await sleep(1100);
    // The second counter's window has ended: it starts again; the first goes on.
    expect(await store.increment(a, 60)).toBe(5);
    const again = await store.countHits([{ key: b, windowSeconds: 60, max: 1 }]);
    expect(again.map((c) => c.count)).toEqual([1]);
    expect(await store.ttl(b)).toBeGreaterThan(50);
  });

  it('counts hits sent together without losing one', async () => {
    const k = key();
    const counts = await Promise.all(
      Array.from({ length: 8 }, () => store.countHits([{ key: k, windowSeconds: 60, max: 100 }])),
    );
    expect(counts.map(([c]) => c.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('takes nothing from an expired key', async () => {
    const k = key();
    await store.increment(k, 1, 4);
    await sleep(1100);
    expect(await store.take(k)).toBeNull();
  });
});

describe('embedded key store', () => {
  it('is shared between connections to the same file and survives a reopen', async () => {
    const a = await SqliteKeyStore.open(sqliteFile);
    const b = await SqliteKeyStore.open(sqliteFile);
    await a.set('shared', 'from-a', 60);
    expect(await b.get('shared')).toBe('from-a');
    await a.close();
    await b.close();
    const reopened = await SqliteKeyStore.open(sqliteFile);
    expect(await reopened.get('shared')).toBe('from-a');
    await reopened.close();
  });
});

describe('redis key store when Redis goes away', () => {
  it('fails fast with 503 while down and recovers by itself', async () => {
    const own = await PrivateRedis.start();
    const store = await RedisKeyStore.connect(own.url, 'kv-fault:', logger);
    await store.set('a', '1');
    await own.stop();
    await expect(store.get('a')).rejects.toMatchObject({ status: 503 });
    await own.restart();
    const deadline = Date.now() + 10_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = await store.ping().then(
        () => true,
        () => false,
      );
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    await store.close();
    await own.stop();
  });
});

describe('redis key store when Redis is down at start', () => {
  it('starts after a bounded wait, answers 503 meanwhile, and connects once Redis is up', async () => {
    const own = await PrivateRedis.start();
    await own.stop();
    const started = Date.now();
    const store = await RedisKeyStore.connect(own.url, 'kv-late:', logger, { startWaitMs: 500 });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(store.get('a')).rejects.toMatchObject({ status: 503 });
    await own.restart();
    const deadline = Date.now() + 10_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await store.ping().then(
        () => true,
        () => false,
      );
      if (!ready) await sleep(100);
    }
    expect(ready).toBe(true);
    await store.close();
    await own.stop();
  });
});
