import {
  IndexHints,
  literal,
  Op,
  type FindAttributeOptions,
  type Includeable,
  type OrderItem,
  type WhereOptions,
} from 'sequelize';
import type { AppContext } from '../lib/context';
import { User } from '../users/user.model';
import { Applier } from './applier.model';
import { Group } from './group.model';
import type { ListGroup } from './groups.mapper';
import { groupListCacheOf } from './list-cache';
import { notStartedWhere, startedWhere } from './schedule';
import type { PageRequest } from './list-query';

/**
 * Reading one page of group cards: the columns, the host join, the per-run counts, the orders
 * the (date, standbyTime) index yields, and the list cache in front of the public lists. Which
 * list asks for which page is `lists.service.ts`.
 */

const LIST_ATTRIBUTES = [
  'groupId',
  'userId',
  'title',
  'location',
  'distance',
  'date',
  'standbyTime',
  'maxPeople',
  'thumbnailUrl1',
  'thema',
];

/** Host fields come with the page, by a join. */
const HOST: Includeable = {
  model: User,
  as: 'user',
  attributes: ['nickname', 'profileUrl'],
  required: true,
};

/**
 * Orders. The groupId tie-break keeps pages stable, and each order is what the (date,
 * standbyTime) index yields read forwards or backwards (InnoDB appends the primary key to it),
 * so a page is read from the index without sorting every matching run.
 */
const SOONEST_FIRST: OrderItem[] = [
  ['date', 'ASC'],
  ['standbyTime', 'ASC'],
  ['groupId', 'ASC'],
];
export const MOST_RECENT_FIRST: OrderItem[] = [
  ['date', 'DESC'],
  ['standbyTime', 'DESC'],
  ['groupId', 'DESC'],
];

const and = (where: WhereOptions[]): WhereOptions => ({ [Op.and]: where });

/** A card's row as read: the run's list columns, its host, and the two per-run facts. */
export interface PageRow extends ListGroup {
  user: { nickname: string; profileUrl: string };
  /** MySQL may answer a count as text. */
  applyPeople: number | string;
  applyState: number | string | boolean;
}

/**
 * The card's columns plus, per run in the same statement, its applicant count and whether the
 * viewer applied: correlated subqueries over the `(groupId, userId)` key of `Appliers`, so a page
 * of N runs is one query and N index lookups each, whatever the page size.
 */
function cardAttributes(ctx: AppContext, viewerId: string | null): FindAttributeOptions {
  const ofRun = '`a`.`groupId` = `Group`.`groupId`';
  return [
    ...LIST_ATTRIBUTES,
    [literal(`(SELECT COUNT(*) FROM \`Appliers\` AS \`a\` WHERE ${ofRun})`), 'applyPeople'],
    [
      viewerId === null
        ? literal('0')
        : literal(
            `EXISTS (SELECT 1 FROM \`Appliers\` AS \`a\` WHERE ${ofRun} AND \`a\`.\`userId\` = ${ctx.sequelize.escape(viewerId)})`,
          ),
      'applyState',
    ],
  ];
}

/**
 * MariaDB reads a one-region search by `ref` on the region alone (every past run of the region
 * first) rather than as a range over (region, date); the hint makes it read from today on.
 * A page costs then the same at 100,000 runs as at 1,000. SQLite ignores index hints.
 */
function regionHint(regions: number[] | null | undefined) {
  if (regions?.length !== 1) return {};
  return {
    indexHints: [{ type: IndexHints.FORCE, values: ['idx_Groups_region_date_standbyTime'] }],
  };
}

export interface PageQuery {
  where: WhereOptions[];
  page: PageRequest;
  viewerId: string | null;
  /** The single region searched, when there is one (see {@link regionHint}). */
  regions?: number[] | null;
}

/** One page of runs as cards' rows: the host by a join, the counts as subqueries. */
export async function findPage(
  ctx: AppContext,
  query: PageQuery,
  order: OrderItem[],
  extra: { include?: Includeable[] } = {},
): Promise<PageRow[]> {
  const rows = await Group.findAll({
    attributes: cardAttributes(ctx, query.viewerId),
    where: and(query.where),
    include: [HOST, ...(extra.include ?? [])],
    order,
    limit: query.page.limit,
    offset: query.page.offset,
    subQuery: false,
    raw: true,
    nest: true,
    ...regionHint(query.regions),
  });
  return rows as unknown as PageRow[];
}

/**
 * Lists mixing runs to come and past runs (`finish=1`, a host's runs) put the nearest to now
 * first: runs to come soonest first, then past runs most recent first. Read as two index-ordered
 * streams: the page's part of the runs to come, then (if the page is not full) the past runs
 * after those. Only a page entirely past the runs to come needs to count them to know where
 * in the past runs it starts. At most three queries.
 */
export async function nearestFirstPage(
  ctx: AppContext,
  query: PageQuery,
  now: Date,
): Promise<PageRow[]> {
  const { where, page } = query;
  const toCome = [...where, notStartedWhere(now)];
  const upcoming = await findPage(ctx, { ...query, where: toCome }, SOONEST_FIRST);
  if (upcoming.length === page.limit) return upcoming;
  const skipped =
    upcoming.length > 0 || page.offset === 0 ? 0 : await Group.count({ where: and(toCome) });
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
  ctx: AppContext,
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
  ctx: AppContext,
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
  const applied = await Applier.findAll({
    attributes: ['groupId'],
    where: { groupId: rows.map((r) => r.groupId), userId: query.viewerId },
    raw: true,
  });
  const mine = new Set(applied.map((a) => a.groupId));
  return rows.map((row) => ({ ...row, applyState: mine.has(row.groupId) }));
}
