import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { calendarFeed, calendarLinks, revokeCalendar } from './calendar.service';
import { feedInput } from './calendar.validators';
import { CALENDAR } from './messages';

/** `GET /user/calendar`: the signed-in user's private subscription address. */
export function getCalendarLinks(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const links = await calendarLinks(ctx, currentUser(res).userId);
    res.json({ success: true, ...links });
  };
}

/** `DELETE /user/calendar`: revokes the address (a new one is issued by the next GET). */
export function removeCalendar() {
  return async (_req: Request, res: Response) => {
    const revoked = await revokeCalendar(currentUser(res).userId);
    res.json({ success: true, revoked, message: revoked ? CALENDAR.revoked : CALENDAR.notIssued });
  };
}

/**
 * `GET /calendar/<secret>.ics`: the feed itself. Private to whoever holds the address, so
 * shared caches must not keep it; Express's ETag lets a calendar app's repeat fetch be a 304.
 */
export function getCalendarFeed(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const body = await calendarFeed(ctx, feedInput.input(res).secret);
    res.set({
      'Content-Type': 'text/calendar; charset=utf-8',
      'Cache-Control': 'private, max-age=300',
      'Content-Disposition': 'inline; filename="erunjrun.ics"',
      'X-Robots-Tag': 'noindex, nofollow',
    });
    res.send(body);
  };
}
