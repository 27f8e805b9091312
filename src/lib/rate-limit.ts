import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { RateLimitRule } from '../config';
import type { AppContext } from './context';

export const RATE_LIMIT_MESSAGES = {
  login: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.',
  write: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  sms: '인증번호 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  calendar: '캘린더 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  calendarFeed: '캘린더 요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_MESSAGES;

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
 * Limits applied one after the other, with one round trip to the key store for all of them
 * ({@link KeyStore.countHits}): fixed windows counted in the shared key store (Redis, or the
 * embedded one), so every process on the machine shares one count, like they share sessions.
 * A request over a limit is refused with that limit's message and is not counted by the limits
 * after it. Answers: the draft-6 `RateLimit-*` headers of the last limit counted, `Retry-After`
 * and the limit's message on 429. When the store fails (Redis down) the request passes
 * unlimited rather than failing, counted in the key-store error metric: a key-store outage must
 * not take every write down with it, and the SMS route keeps its own per-user/per-number limits
 * in the store (which answer 503 then).
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
        ctx.logger.error('rate limit store failed; request let through', {
          error: err instanceof Error ? err.message : String(err),
        });
        next();
      },
    );
  };
}

/**
 * One limit, per client IP unless `keyOf` names another key (it must not be a secret: keys are
 * stored as they are).
 */
export function createRateLimiter(
  ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>,
  name: RateLimitName,
  rule: RateLimitRule,
  keyOf?: ChainedLimit['keyOf'],
): RequestHandler {
  return createRateLimitChain(ctx, [{ name, rule, keyOf }]);
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
