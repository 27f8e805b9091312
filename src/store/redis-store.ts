import crypto from 'node:crypto';
import { createClient } from 'redis';
import { UnavailableError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { HitCount, HitCounter, KeyStore } from './keystore';

type RedisClient = ReturnType<typeof createClient>;

/**
 * {@link KeyStore.countHits} in one step: per key, its window in milliseconds and its most hits
 * (ARGV); answers each counted key's count and milliseconds left, flat.
 */
const COUNT_HITS = `
local answer = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local left = redis.call('PTTL', key)
  if left < 0 then
    left = tonumber(ARGV[2 * i - 1])
    redis.call('PEXPIRE', key, left)
  end
  answer[2 * i - 1] = count
  answer[2 * i] = left
  if count > tonumber(ARGV[2 * i]) then break end
end
return answer`;

/**
 * {@link KeyStore.takeToken} in one step: ARGV capacity, window (ms), now (ms). The value is
 * `units:at`: the tokens left in 1/window parts (whole numbers, so refilling is exact: one token
 * is `window` units, and each millisecond adds `capacity` units) and the time of the last take.
 * A refusal writes nothing: the stored bucket refills to the same state later. Answers 1 when a
 * token was taken, 0 otherwise.
 */
const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local full = capacity * window
local units, at = full, now
local stored = redis.call('GET', KEYS[1])
if stored then
  local u, a = string.match(stored, '^(%d+):(%d+)$')
  if u then
    units = math.min(full, tonumber(u) + math.max(0, now - tonumber(a)) * capacity)
    at = math.max(now, tonumber(a))
  end
end
if units < window then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', units - window, at), 'PX', window)
return 1`;

/** A Lua script and its SHA-1, for EVALSHA. */
const script = (source: string) => ({
  source,
  sha: crypto.createHash('sha1').update(source).digest('hex'),
});
const SCRIPTS = { countHits: script(COUNT_HITS), takeToken: script(TAKE_TOKEN) };

/**
 * Redis-backed store. Commands fail fast while the connection is down (no offline queue),
 * which the API turns into 503; the client reconnects on its own with capped backoff.
 */
export class RedisKeyStore implements KeyStore {
  readonly kind = 'redis' as const;
  private lastErrorLogged = 0;

  private constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  static async connect(
    url: string,
    prefix: string,
    logger: Logger,
    options: { connectTimeoutMs?: number; startWaitMs?: number } = {},
  ): Promise<RedisKeyStore> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5000,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 3000),
      },
    });
    const store = new RedisKeyStore(client, prefix);
    client.on('error', (err: Error) => {
      // The client emits an error for every failed reconnect attempt; log at most every 10 s.
      const now = Date.now();
      if (now - store.lastErrorLogged > 10_000) {
        store.lastErrorLogged = now;
        logger.warn('redis connection problem', { error: err.message });
      }
    });
    client.on('ready', () => logger.info('redis ready'));
    // node-redis keeps retrying a first connection that fails, so connect() may never settle
    // while Redis is down: wait a bounded time, then start anyway. The client goes on
    // reconnecting in the background, requests that need the store answer 503 meanwhile and
    // /health reports it down.
    const connecting = client.connect().catch((err: Error) => {
      logger.error('redis unreachable at start', { error: err.message });
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.startWaitMs ?? 5000);
    });
    if ((await Promise.race([connecting, waited])) === 'timeout') {
      logger.error('redis not ready at start; continuing and retrying in the background');
    }
    clearTimeout(timer);
    return store;
  }

  private k(key: string) {
    return this.prefix + key;
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (!this.client.isReady) throw new UnavailableError();
    try {
      return await op();
    } catch (err) {
      if (!this.client.isReady) throw new UnavailableError();
      throw err;
    }
  }

  get(key: string) {
    return this.run(() => this.client.get(this.k(key)));
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    await this.run(() =>
      ttlSeconds
        ? this.client.set(this.k(key), value, { EX: ttlSeconds })
        : this.client.set(this.k(key), value),
    );
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    const result = await this.run(() =>
      this.client.set(this.k(key), value, { EX: ttlSeconds, NX: true }),
    );
    return result === 'OK';
  }

  async increment(key: string, ttlSeconds: number, by = 1) {
    const [count] = await this.run(() =>
      this.client.multi().incrBy(this.k(key), by).expire(this.k(key), ttlSeconds, 'NX').exec(),
    );
    return Number(count);
  }

  /** Runs one of {@link SCRIPTS} on these keys (given without the prefix) and arguments. */
  private evalScript(name: keyof typeof SCRIPTS, keys: string[], args: string[]) {
    const { source, sha } = SCRIPTS[name];
    const send = (command: string, script: string) =>
      this.client.sendCommand([
        command,
        script,
        String(keys.length),
        ...keys.map((key) => this.k(key)),
        ...args,
      ]);
    return this.run(async () => {
      try {
        return await send('EVALSHA', sha);
      } catch (err) {
        // The first call after Redis started (or flushed its scripts) loads the script.
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return send('EVAL', source);
      }
    });
  }

  async countHits(counters: HitCounter[]): Promise<HitCount[]> {
    const reply = await this.evalScript(
      'countHits',
      counters.map((c) => c.key),
      counters.flatMap((c) => [String(c.windowSeconds * 1000), String(c.max)]),
    );
    if (!Array.isArray(reply)) throw new Error('countHits: the script answered no list');
    const now = Date.now();
    const counts: HitCount[] = [];
    for (let i = 0; i < reply.length; i += 2) {
      counts.push({ count: Number(reply[i]), resetsAt: now + Number(reply[i + 1]) });
    }
    return counts;
  }

  async takeToken(key: string, capacity: number, windowMs: number, nowMs: number) {
    const reply = await this.evalScript(
      'takeToken',
      [key],
      [String(capacity), String(windowMs), String(Math.floor(nowMs))],
    );
    return Number(reply) === 1;
  }

  take(key: string) {
    return this.run(() => this.client.getDel(this.k(key)));
  }

  async ttl(key: string) {
    const seconds = await this.run(() => this.client.ttl(this.k(key)));
    return seconds >= 0 ? seconds : null;
  }

  async del(key: string) {
    await this.run(() => this.client.del(this.k(key)));
  }

  async ping() {
    await this.run(() => this.client.ping());
  }

  /** The underlying connection, for libraries that need their own (socket.io adapter, rate limits). */
  get connection(): RedisClient {
    return this.client;
  }

  async close() {
    if (this.client.isOpen) {
      await this.client.close();
    } else {
      this.client.destroy();
    }
  }
}
