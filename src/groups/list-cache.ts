import type { Sequelize } from 'sequelize';
import type { AppContext } from '../lib/context';
import {
  readCacheOf,
  registerReadCache,
  type ReadCache,
  type ReadCacheSpec,
} from '../lib/read-cache';
import { Applier, Group, User } from '../db/models';

/**
 * The pages of the public group lists (`/group/all`, `/group/main`), kept in each process for
 * the rest of the current second while nothing they show has changed (see
 * {@link ReadCache} for why that is correct). A page depends on the clock only through "runs
 * that have not started at now", to the second, so a run leaves the lists at the second it
 * starts, as without the cache.
 *
 * What is kept is the guest's view of a page; a signed-in viewer's `applyState` is filled in on
 * every request from their applications kept apart (`applied-marks.ts`).
 */
export const GROUP_LISTS: ReadCacheSpec = {
  name: 'groups:lists',
  label: 'group_lists',
  // A card is made from the run, its applicants and its host.
  models: [Group, Applier, User],
};

/**
 * The groups domain's registration (run by `bootstrap` for every process). With
 * `GROUP_LIST_CACHE` off the lists read the database every time.
 */
export function registerGroupListCache(
  root: Pick<AppContext, 'sequelize' | 'store' | 'logger' | 'config' | 'metrics'>,
): void {
  registerReadCache(root, GROUP_LISTS, root.config.cache.groupLists);
}

/** The list cache of this Sequelize instance, or null when lists are not cached. */
export const groupListCacheOf = (sequelize: Sequelize): ReadCache | null =>
  readCacheOf(sequelize, GROUP_LISTS.name);
