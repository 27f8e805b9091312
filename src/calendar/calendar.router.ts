import { Router } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { createRateLimitChain } from '../lib/rate-limit';
import { getCalendarFeed, getCalendarLinks, removeCalendar } from './calendar.controller';
import { feedInput } from './calendar.validators';

/**
 * The personal calendar: `GET`/`DELETE /user/calendar` for the signed-in user, and the feed at
 * `GET /calendar/<secret>.ics`, whose address is its only credential. The feed is limited per
 * client IP and per address before the database is asked anything; its input comes first (it
 * refuses nothing), so the secret is hashed once for the per-feed limit and the lookup.
 */
export function calendarRouter(ctx: AppContext): Router {
  const router = Router();
  const { max, feedMax, windowSeconds } = ctx.config.rateLimit.calendar;
  // Per address, then per feed: one round trip to the key store for both.
  const limited = createRateLimitChain(ctx, [
    { name: 'calendar', rule: { max, windowSeconds } },
    {
      name: 'calendarFeed',
      rule: { max: feedMax, windowSeconds },
      keyOf: (_req, res) => feedInput.input(res).limitKey,
    },
  ]);

  router.get('/user/calendar', requireUser(ctx), getCalendarLinks(ctx));
  router.delete('/user/calendar', requireUser(ctx), removeCalendar());
  router.get('/calendar/:file', feedInput.check, limited, getCalendarFeed(ctx));
  return router;
}
