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
 * shared caches must not keep it; its ETag (kept with the cached bytes) lets a calendar app's
 * repeat fetch be a 304.
 */
export function getCalendarFeed(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const feed = await calendarFeed(ctx, feedInput.input(res).secretHash);
    res.set({
      'Content-Type': 'text/calendar; charset=utf-8',
      'Cache-Control': 'private, max-age=300',
      'Content-Disposition': 'inline; filename="erunjrun.ics"',
      'X-Robots-Tag': 'noindex, nofollow',
      // The tag kept with the bytes: Express keeps it and answers a matching If-None-Match 304.
      ETag: feed.etag,
    });
    res.send(feed.bytes);
  };
}
