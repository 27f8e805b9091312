import { UniqueConstraintError } from 'sequelize';
import type { AppContext } from '../lib/context';
import { notFound } from '../lib/errors';
import { prepareBody, type PreparedBody } from '../lib/prepared-body';
import { readThrough } from '../lib/read-cache';
import { kstDate } from '../lib/time';
import { runStart } from '../groups/schedule';
import { CalendarFeed } from './calendar-feed.model';
import { feedRunsOnCalendar, type CalendarRun } from './calendar.queries';
import { CALENDAR_FEEDS } from './feed-cache';
import { renderCalendar, type CalendarEvent } from './ical';
import { CALENDAR } from './messages';
import { hashOf, newSeed, secretOf } from './secrets';

/** Runs from this many days back stay on the calendar. */
export const PAST_DAYS = 30;
/** At most this many events in one feed (a calendar, not an archive). */
export const MAX_EVENTS = 500;
/** How often calendar apps are asked to fetch again (minutes). */
export const REFRESH_MINUTES = 60;

const DAY_MS = 86_400_000;

export interface CalendarLinks {
  url: string;
  /** The same address for apps that subscribe on a `webcal:` link (Apple Calendar, Outlook). */
  webcalUrl: string;
}

function linksOf(ctx: Pick<AppContext, 'config'>, secret: string): CalendarLinks {
  const url = `${ctx.config.publicUrl}/calendar/${secret}.ics`;
  return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
}

/**
 * `GET /user/calendar`: the user's feed address, issued on the first call and the same after
 * (derived again from the stored seed). When the server's key changed since, the stored hash no
 * longer matches and a new address is issued. Two first calls at once make one feed.
 */
export async function calendarLinks(
  ctx: Pick<AppContext, 'config'>,
  userId: string,
): Promise<CalendarLinks> {
  const key = ctx.config.jwt.secret;
  const existing = await CalendarFeed.findByPk(userId);
  if (existing) {
    const secret = secretOf(key, existing.seed);
    if (hashOf(secret) === existing.secretHash) return linksOf(ctx, secret);
    const seed = newSeed();
    const fresh = secretOf(key, seed);
    await CalendarFeed.update({ seed, secretHash: hashOf(fresh) }, { where: { userId } });
    return linksOf(ctx, fresh);
  }
  const seed = newSeed();
  const secret = secretOf(key, seed);
  try {
    await CalendarFeed.create({ userId, seed, secretHash: hashOf(secret) });
    return linksOf(ctx, secret);
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    // Another request made it first: answer with that one.
    return calendarLinks(ctx, userId);
  }
}

/** `DELETE /user/calendar`: the address stops working; the next GET issues a new one. */
export async function revokeCalendar(userId: string): Promise<boolean> {
  return (await CalendarFeed.destroy({ where: { userId } })) > 0;
}

/**
 * The event's length: the SPA always sends 23:00 as `finishTime`, so the run's own distance at
 * its pace (`5'30" km/h` is 5.5 minutes a kilometre; 7 when unreadable) stands in for it,
 * rounded up to a quarter of an hour, from 30 minutes to 12 hours.
 */
export function durationMinutes(distanceKm: number, speed: string): number {
  const pace = /(\d{1,2})\s*'\s*(\d{1,2})/.exec(speed);
  const minutesPerKm = pace ? Number(pace[1]) + Number(pace[2]) / 60 : 7;
  const minutes = Math.ceil((distanceKm * minutesPerKm) / 15) * 15;
  return Math.min(12 * 60, Math.max(30, minutes));
}

function eventOf(ctx: Pick<AppContext, 'config'>, host: string, run: CalendarRun): CalendarEvent {
  const start = runStart(run);
  const link = `${ctx.config.worker.spaUrl}/groupdetail/${run.groupId}`;
  return {
    uid: `group-${run.groupId}@${host}`,
    start,
    end: new Date(start.getTime() + durationMinutes(run.distance, run.speed) * 60_000),
    summary: run.title,
    location: run.location,
    description: CALENDAR.description(run.distance, run.speed, link),
    url: link,
    created: run.createdAt,
    lastModified: run.updatedAt,
    // Grows with every edit (seconds since creation), so calendar apps take the new version.
    sequence: Math.max(0, Math.floor((run.updatedAt.getTime() - run.createdAt.getTime()) / 1000)),
  };
}

/**
 * The feed whose secret hashes to `secretHash`, rendered (the cached part of a feed request) as
 * bytes with their ETag, or null when no feed has that hash: the feed row and its runs in one
 * statement.
 */
async function renderFeedOf(
  ctx: Pick<AppContext, 'config' | 'sequelize'>,
  secretHash: string,
  now: Date,
): Promise<PreparedBody | null> {
  const from = kstDate(new Date(now.getTime() - PAST_DAYS * DAY_MS));
  const runs = await feedRunsOnCalendar(ctx.sequelize, secretHash, from, MAX_EVENTS);
  if (runs === null) return null;
  // The UIDs' domain, once per feed.
  const host = new URL(ctx.config.publicUrl).hostname;
  const text = renderCalendar({
    name: CALENDAR.name,
    refreshMinutes: REFRESH_MINUTES,
    events: runs.map((run) => eventOf(ctx, host, run)),
  });
  // Kept as bytes with their ETag: a cached feed (~20 kB) is not encoded and hashed per request.
  return prepareBody(text);
}

/**
 * `GET /calendar/<secret>.ics`: the feed of the runs the secret's owner hosts or joined, from
 * {@link PAST_DAYS} days back on, found by the secret's hash (hashed once per request by the
 * route's input, which the per-feed rate limit counts by too; null for a malformed secret). A
 * malformed, unknown or revoked secret is the same 404 (a malformed one without asking the
 * database). Read through the feed cache (./feed-cache), by the hash: an unknown address is
 * kept as such too, so a stream of requests for one revoked address reads the database once a
 * second at most.
 */
export async function calendarFeed(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  secretHash: string | null,
): Promise<PreparedBody> {
  if (secretHash === null) throw notFound(CALENDAR.notFound);
  const now = ctx.now();
  const body = await readThrough(ctx.sequelize, CALENDAR_FEEDS.name, secretHash, now, () =>
    renderFeedOf(ctx, secretHash, now),
  );
  if (body === null) throw notFound(CALENDAR.notFound);
  return body;
}
