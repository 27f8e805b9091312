import type { Request, RequestHandler, Response } from 'express';
import {
  ipKeyGenerator,
  rateLimit,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RateLimitRule } from '../config';
import type { KeyStore } from '../store/keystore';
import { RedisKeyStore } from '../store/redis-store';
import type { AppContext } from './context';
import type { Logger } from './logger';

export const RATE_LIMIT_MESSAGES = {
  login: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.',
  write: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  sms: '인증번호 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  calendar: '캘린더 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  calendarFeed: '캘린더 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_MESSAGES;

/**
 * An express-rate-limit store on the app's KeyStore (the SQLite key store in the embedded
 * mode), so every process on the machine shares one count, like they share sessions.
 * The KeyStore has no decrement; express-rate-limit only calls it for the skip*Requests
 * options, which we do not use.
 */
export class KeyStoreRateLimitStore implements Store {
  private windowSeconds = 60;

  constructor(
    private readonly store: KeyStore,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowSeconds = Math.max(1, Math.ceil(options.windowMs / 1000));
  }

  private key(key: string) {
    return this.prefix + key;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [count, ttl] = await Promise.all([
      this.store.get(this.key(key)),
      this.store.ttl(this.key(key)),
    ]);
    if (count === null) return undefined;
    return { totalHits: Number(count), resetTime: this.resetTime(ttl) };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const totalHits = await this.store.increment(this.key(key), this.windowSeconds);
    const ttl = await this.store.ttl(this.key(key));
    return { totalHits, resetTime: this.resetTime(ttl) };
  }

  decrement(): void {
    // Not needed (see above); a no-op keeps the count conservative.
  }

  async resetKey(key: string): Promise<void> {
    await this.store.del(this.key(key));
  }

  private resetTime(ttl: number | null): Date {
    return new Date(Date.now() + (ttl ?? this.windowSeconds) * 1000);
  }
}

/**
 * rate-limit-redis loads its Lua scripts once, at init. If Redis is down then, the stored
 * script promise stays rejected and every later increment fails even after Redis is back.
 * This wrapper re-runs init after a failure, so the limits recover by themselves.
 */
class RecoveringStore implements Store {
  private options: Options | undefined;
  private broken = false;

  constructor(private readonly inner: Store) {}

  get prefix() {
    return this.inner.prefix;
  }

  async init(options: Options): Promise<void> {
    this.options = options;
    try {
      await this.inner.init?.(options);
    } catch (err) {
      this.broken = true;
      throw err;
    }
  }

  private async guard<T>(op: () => Promise<T> | T): Promise<T> {
    if (this.broken && this.options) {
      await this.inner.init?.(this.options);
      this.broken = false;
    }
    try {
      return await op();
    } catch (err) {
      this.broken = true;
      throw err;
    }
  }

  increment(key: string) {
    return this.guard(() => this.inner.increment(key));
  }

  decrement(key: string) {
    return this.guard(() => this.inner.decrement(key));
  }

  resetKey(key: string) {
    return this.guard(() => this.inner.resetKey(key));
  }
}

/**
 * Counts the store's failed increments (one per request let through unlimited while the key
 * store is down) in the key-store error metric.
 */
class CountedStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly failed: () => void,
  ) {}

  get prefix() {
    return this.inner.prefix;
  }

  init(options: Options) {
    return this.inner.init?.(options);
  }

  async increment(key: string) {
    try {
      return await this.inner.increment(key);
    } catch (err) {
      this.failed();
      throw err;
    }
  }

  decrement(key: string) {
    return this.inner.decrement(key);
  }

  resetKey(key: string) {
    return this.inner.resetKey(key);
  }
}

function storeFor(ctx: Pick<AppContext, 'config' | 'store'>, name: RateLimitName): Store {
  const prefix = `rl:${name}:`;
  if (ctx.store instanceof RedisKeyStore) {
    const client = ctx.store.connection;
    return new RecoveringStore(
      new RedisStore({
        // rate-limit-redis talks to Redis directly, so the app's key prefix is added here.
        prefix: ctx.config.store.keyPrefix + prefix,
        sendCommand: (...args: string[]) => client.sendCommand(args) as Promise<RedisReply>,
      }),
    );
  }
  return new KeyStoreRateLimitStore(ctx.store, prefix);
}

function loggerAdapter(logger: Logger) {
  const log = (level: 'warn' | 'error') => (error: unknown, message?: string) =>
    logger[level](message ?? 'rate limit problem', {
      error: error instanceof Error ? error.message : String(error),
    });
  return { warn: log('warn'), error: log('error') };
}

/**
 * One limiter, per client IP unless `keyOf` names another key (it must not be a secret: keys
 * are stored as they are). When the store fails (Redis down) the request passes unlimited
 * rather than failing: a key-store outage must not take every write down with it, and the SMS
 * route keeps its own per-user/per-number limits in the store (which answer 503 then).
 */
export function createRateLimiter(
  ctx: Pick<AppContext, 'config' | 'logger' | 'metrics' | 'store'>,
  name: RateLimitName,
  rule: RateLimitRule,
  keyOf?: (req: Request) => string,
): RequestHandler {
  const windowMs = rule.windowSeconds * 1000;
  return rateLimit({
    windowMs,
    limit: rule.max,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    store: new CountedStore(storeFor(ctx, name), () =>
      ctx.metrics.keyStoreErrors.inc({ operation: 'rate_limit' }),
    ),
    passOnStoreError: true,
    ...(keyOf && { keyGenerator: keyOf }),
    logger: loggerAdapter(ctx.logger),
    // Retry-After is set by the library before the handler runs.
    handler: (_req, res) => {
      res.status(429).json({ success: false, message: RATE_LIMIT_MESSAGES[name] });
    },
  });
}

/**
 * One limit of a {@link createRateLimitChain}: keyed by `keyOf` or by the client IP. `keyOf`
 * gets the response too, to read what an earlier step left in `res.locals` (a route's input).
 */
export interface ChainedLimit {
  name: RateLimitName;
  rule: RateLimitRule;
  keyOf?: (req: Request, res: Response) => string;
}

/**
 * Limits applied one after the other, as {@link createRateLimiter}s in a row apply them, with
 * one round trip to the key store for all of them ({@link KeyStore.countHits}) where each
 * limiter took its own (two on the embedded key store: the count, then its expiry). The same
 * keys and counts: a request over a limit is refused with that limit's message and is not
 * counted by the limits after it. The same answers: the draft-6 `RateLimit-*` headers of the
 * last limit counted, `Retry-After` and the limit's message on 429, and the request let through
 * when the store fails (counted in the key-store error metric).
 */
export function createRateLimitChain(
  ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>,
  limits: ChainedLimit[],
): RequestHandler {
  const keyOf = ({ keyOf }: ChainedLimit, req: Request, res: Response) =>
    keyOf ? keyOf(req, res) : ipKeyGenerator(req.ip ?? '');
  return (req, res, next) => {
    const counters = limits.map((limit) => ({
      key: `rl:${limit.name}:${keyOf(limit, req, res)}`,
      windowSeconds: limit.rule.windowSeconds,
      max: limit.rule.max,
    }));
    ctx.store.countHits(counters).then(
      (counts) => {
        const last = counts.length - 1;
        const { rule, name } = limits[last];
        const { count, resetsAt } = counts[last];
        const resetSeconds = Math.max(0, Math.ceil((resetsAt - Date.now()) / 1000));
        res.setHeader('RateLimit-Policy', `${rule.max};w=${rule.windowSeconds}`);
        res.setHeader('RateLimit-Limit', String(rule.max));
        res.setHeader('RateLimit-Remaining', String(Math.max(rule.max - count, 0)));
        res.setHeader('RateLimit-Reset', String(resetSeconds));
        if (count <= rule.max) {
          next();
          return;
        }
        res.setHeader('Retry-After', String(resetSeconds));
        res.status(429).json({ success: false, message: RATE_LIMIT_MESSAGES[name] });
      },
      (err: unknown) => {
        ctx.metrics.keyStoreErrors.inc({ operation: 'rate_limit' });
        loggerAdapter(ctx.logger).error(err, 'rate limit store failed; request let through');
        next();
      },
    );
  };
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function isWrite(req: Request): boolean {
  return WRITE_METHODS.has(req.method);
}

/** The three limits the app mounts; see createApp for where. */
export function createRateLimits(ctx: Pick<AppContext, 'config' | 'logger' | 'metrics' | 'store'>) {
  const { rateLimit: rules } = ctx.config;
  const write = createRateLimiter(ctx, 'write', rules.write);
  return {
    login: createRateLimiter(ctx, 'login', rules.login),
    sms: createRateLimiter(ctx, 'sms', rules.sms),
    write: ((req, res, next) => (isWrite(req) ? write(req, res, next) : next())) as RequestHandler,
  };
}
