import { kindKey, type ReadCacheSpec } from '../lib/read-cache';
import { Applier, Group, User, Waiter } from '../db/models';

/**
 * The run detail pages (`/group/detail/:groupId`), kept in each process for the rest of the
 * current second while nothing they show has changed (see `ReadCache`). What is kept is the
 * run's row with its roster and queue, and the guest's body serialized; a viewer who applied
 * or waits gets their own fields (`applyState`, `chattingRoom`, `waitlistPosition`) from the
 * same entry, without a query.
 *
 * Watched: the run, its applications, its waitlist, and users (the host's name, level and
 * manner points, the applicants' names and avatars). Manner points move by `User.increment`,
 * which runs no hooks, but always in a transaction that also writes `Appliers` (evaluation,
 * attendance), which invalidates the details when it commits.
 *
 * The run's route file (`/group/:groupId/route.gpx`) is kept here too, under a key of its own
 * (see `routeFileThrough`): it shows the run's title and route, which only the run's writes change.
 */
export const GROUP_DETAILS: ReadCacheSpec = {
  name: 'groups:details',
  label: 'group_details',
  models: [Group, Applier, User, Waiter],
};

export const groupDetailKey = (groupId: string) => kindKey('detail', groupId);
