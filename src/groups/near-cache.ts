import type { ReadCacheSpec } from '../lib/read-cache';
import { Applier, Group, User } from '../db/models';

/**
 * The near-me pages (`/group/near`), kept in each process for the rest of the current second
 * while nothing they show has changed (see `ReadCache`), by the exact query (position, radius,
 * page). What is kept is the guest's cards of the page with their distances; a signed-in
 * viewer's `applyState` is filled in on every request, as for `/group/all` (`applied-marks.ts`).
 *
 * Watched: what a list card is made from (the run, its applicants, its host), as the list cache
 * (`list-cache.ts`). A run's start point is a column of the run, so moving it invalidates too.
 */
export const GROUP_NEAR: ReadCacheSpec = {
  name: 'groups:near',
  label: 'group_near',
  models: [Group, Applier, User],
};
