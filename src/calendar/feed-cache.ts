import type { ReadCacheSpec } from '../lib/read-cache';
import { Applier, Group, User } from '../db/models';
import { CalendarFeed } from './calendar-feed.model';

/**
 * The rendered calendar feeds (`GET /calendar/<secret>.ics`), kept in each process for the rest
 * of the current second while nothing they show has changed (see `ReadCache`). An entry is
 * named by the SHA-256 of the address's secret (the feed row's own lookup key; the secret in
 * clear is kept nowhere) and holds its owner and the iCalendar text, or that no feed has it.
 *
 * Watched: the runs (hosted, edited, deleted), the applications (apply, cancel, and a run's
 * roster deleted by foreign key goes with a watched `Groups` delete), the feed rows (a revoked
 * or re-issued address stops on the next read) and users (a withdrawal deletes the feed row by
 * foreign key, which no hook sees).
 */
export const CALENDAR_FEEDS: ReadCacheSpec = {
  name: 'calendar:feeds',
  label: 'calendar_feeds',
  models: [Group, Applier, CalendarFeed, User],
};
