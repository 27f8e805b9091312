import { Router, type Request } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { createRateLimiter } from '../lib/rate-limit';
import { getCalendarFeed, getCalendarLinks, removeCalendar } from './calendar.controller';
import { feedInput } from './calendar.validators';
import { hashOf } from './secrets';

/** The per-feed limit counts by a hash of the address, so the key store never holds a secret. */
const feedKey = (req: Request) => hashOf(String(req.params.file));

/**
 * The personal calendar: `GET`/`DELETE /user/calendar` for the signed-in user, and the feed at
 * `GET /calendar/<secret>.ics`, whose address is its only credential. The feed is limited per
 * client IP and per address before the database is asked anything.
 */
export function calendarRouter(ctx: AppContext): Router {
  const router = Router();
  const { max, feedMax, windowSeconds } = ctx.config.rateLimit.calendar;
  const perIp = createRateLimiter(ctx, 'calendar', { max, windowSeconds });
  const perFeed = createRateLimiter(ctx, 'calendarFeed', { max: feedMax, windowSeconds }, feedKey);

  router.get('/user/calendar', requireUser(ctx), getCalendarLinks(ctx));
  router.delete('/user/calendar', requireUser(ctx), removeCalendar());
  router.get('/calendar/:file', perIp, perFeed, feedInput.check, getCalendarFeed(ctx));
  return router;
}
