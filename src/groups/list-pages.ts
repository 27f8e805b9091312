import type { Includeable } from 'sequelize';
import type { AppContext } from '../lib/context';
import {
  appliedAmong,
  countRuns,
  selectCards,
  type ColumnOrder,
  type PageQuery,
  type PageRow,
} from './groups.queries';
import { groupListCacheOf } from './list-cache';
import { notStartedWhere, startedWhere } from './schedule';

export type { PageQuery, PageRow };

/**
 * Reading one page of group cards: the orders the (date, standbyTime) index yields, the two
 * streams of the nearest-first lists, and the list cache in front of the public lists. The
 * SQL is `groups.queries.ts`; which list asks for which page is `lists.service.ts`.
 */

/**
 * Orders. The groupId tie-break keeps pages stable, and each order is what the (date,
 * standbyTime) index yields read forwards or backwards (InnoDB appends the primary key to it),
 * so a page is read from the index without sorting every matching run.
 */
const SOONEST_FIRST: ColumnOrder = [
  ['date', 'ASC'],
  ['standbyTime', 'ASC'],
  ['groupId', 'ASC'],
];
export const MOST_RECENT_FIRST: ColumnOrder = [
  ['date', 'DESC'],
  ['standbyTime', 'DESC'],
  ['groupId', 'DESC'],
];

/** One page of runs as cards' rows (see {@link selectCards}). */
export const findPage = (
  ctx: Pick<AppContext, 'sequelize'>,
  query: PageQuery,
  order: ColumnOrder,
  extra: { include?: Includeable[] } = {},
): Promise<PageRow[]> => selectCards(ctx.sequelize, query, order, extra);

/**
 * Lists mixing runs to come and past runs (`finish=1`, a host's runs) put the nearest to now
 * first: runs to come soonest first, then past runs most recent first. Read as two index-ordered
 * streams: the page's part of the runs to come, then (if the page is not full) the past runs
 * after those. Only a page entirely past the runs to come needs to count them to know where
 * in the past runs it starts. At most three queries.
 */
export async function nearestFirstPage(
  ctx: Pick<AppContext, 'sequelize'>,
  query: PageQuery,
  now: Date,
): Promise<PageRow[]> {
  const { where, page } = query;
  const toCome = [...where, notStartedWhere(now)];
  const upcoming = await findPage(ctx, { ...query, where: toCome }, SOONEST_FIRST);
  if (upcoming.length === page.limit) return upcoming;
  const skipped =
    upcoming.length > 0 || page.offset === 0 ? 0 : await countRuns(toCome, query.searchKeys);
  const past = await findPage(
    ctx,
    {
      ...query,
      where: [...where, startedWhere(now)],
      page: {
        limit: page.limit - upcoming.length,
        offset: upcoming.length > 0 ? 0 : page.offset - skipped,
      },
    },
    MOST_RECENT_FIRST,
  );
  return [...upcoming, ...past];
}

/** The runs to come, soonest first, or with `includeStarted` the nearest to now first. */
export function runsPage(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  query: PageQuery,
  includeStarted: boolean,
  now = ctx.now(),
) {
  return includeStarted
    ? nearestFirstPage(ctx, query, now)
    : findPage(ctx, { ...query, where: [...query.where, notStartedWhere(now)] }, SOONEST_FIRST);
}

/**
 * A page of a public list (`all`, `main`) through the list cache when it is on: the cache
 * keeps the guest's rows, and a signed-in viewer's own applications to the page's runs are
 * read on every request. `key` must name everything the page depends on besides the clock.
 */
export async function publicPage(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  key: string,
  query: PageQuery,
  includeStarted: boolean,
): Promise<PageRow[]> {
  const cache = groupListCacheOf(ctx.sequelize);
  if (!cache) return runsPage(ctx, query, includeStarted);
  const now = ctx.now();
  const rows = await cache.get(key, now, () =>
    runsPage(ctx, { ...query, viewerId: null }, includeStarted, now),
  );
  if (query.viewerId === null || rows.length === 0) return rows;
  const mine = await appliedAmong(
    rows.map((r) => r.groupId),
    query.viewerId,
  );
  return rows.map((row) => ({ ...row, applyState: mine.has(row.groupId) }));
}
