import type { ReadCacheSpec } from '../lib/read-cache';
import { Alarm, Comment, Course, Group, User } from '../db/models';

/**
 * Each signed-in user's `GET /alarm` body, kept in each process for the rest of the current
 * second while nothing it shows has changed (see `ReadCache`), under the user's id: the SPA
 * asks for it on every page. Its relative times ("3분 전") depend on the clock to the minute.
 *
 * Watched: alarms (a new one, the read mark, a trim, the texts' status: every write to
 * `Alarms`, from the API or the worker, whose reminders and pruning write through the same
 * models and hooks), comments (a reply alarm shows its parent comment's content), and what
 * deletes comments by foreign key, which no hook sees: runs, courses and users.
 */
export const ALARM_LISTS: ReadCacheSpec = {
  name: 'alarms:lists',
  label: 'alarm_lists',
  models: [Alarm, Comment, Group, Course, User],
};
