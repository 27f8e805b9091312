import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenBucket } from '../src/chat/rate-limit';
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

  it('takes tokens like a TokenBucket: a burst up to the capacity, then as they refill', async () => {
    const k = key();
    const start = Date.now();
    const take = (at: number) => store.takeToken(k, 3, 3000, start + at);
    expect([await take(0), await take(0), await take(0)]).toEqual([true, true, true]);
    expect(await take(0)).toBe(false);
    // One token a second: not yet at 999 ms (a refusal takes nothing), at 1000 ms.
    expect(await take(999)).toBe(false);
    expect(await take(1000)).toBe(true);
    expect(await take(1000)).toBe(false);
    // Idle for longer than the window: full again, never more than the capacity.
    const after = [];
    for (let i = 0; i < 4; i += 1) after.push(await take(9000));
    expect(after).toEqual([true, true, true, false]);
  });

  it('answers as a TokenBucket on the same clock does, take for take', async () => {
    const k = key();
    let now = Date.now();
    const local = new TokenBucket(4, 4000, now);
    // Steps of a quarter second (a whole token, in binary fractions the local bucket adds up
    // exactly), mostly short so the bucket runs dry and refills in turn.
    let seed = 7;
    const answers: [boolean, boolean][] = [];
    for (let i = 0; i < 60; i += 1) {
      seed = (seed * 48271) % 2147483647;
      now += [0, 0, 0, 250, 250, 500, 1000, 2750][seed % 8];
      answers.push([await store.takeToken(k, 4, 4000, now), local.take(now)]);
    }
    expect(answers.map(([shared]) => shared)).toEqual(answers.map(([, own]) => own));
    // Both answers occur.
    expect(new Set(answers.map(([shared]) => shared)).size).toBe(2);
  });

  it('counts a time earlier than the last take as no time passed', async () => {
    const k = key();
    const start = Date.now();
    const take = (at: number) => store.takeToken(k, 3, 3000, start + at);
    expect([await take(1000), await take(1000)]).toEqual([true, true]);
    // Another caller's clock a second behind: it takes the last token, and refills nothing...
    expect(await take(0)).toBe(true);
    expect(await take(0)).toBe(false);
    // ...nor does it move the bucket's time back: the second up to 1000 ms is not refilled again.
    expect(await take(1000)).toBe(false);
    expect(await take(1999)).toBe(false);
    expect(await take(2000)).toBe(true);
  });

  it('shares a bucket between callers on their own connections, losing no take', async () => {
    const k = key();
    const other = await stores[kind]();
    try {
      const now = Date.now();
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).takeToken(k, 6, 60_000, now)),
      );
      expect(taken.filter(Boolean)).toHaveLength(6);
      expect(await other.takeToken(k, 6, 60_000, now)).toBe(false);
      expect(await store.takeToken(k, 6, 60_000, now + 10_000)).toBe(true);
      expect(await other.takeToken(k, 6, 60_000, now + 10_000)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('forgets a bucket a window after its last take', async () => {
    const k = key();
    const now = Date.now();
    expect(await store.takeToken(k, 1, 1000, now)).toBe(true);
    expect(await store.takeToken(k, 1, 1000, now)).toBe(false);
    expect(await store.ttl(k)).toBeLessThanOrEqual(1);
    await sleep(1100);
    expect(await store.get(k)).toBeNull();
    // Full again, even on the same (stopped) caller clock.
    expect(await store.takeToken(k, 1, 1000, now)).toBe(true);
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
