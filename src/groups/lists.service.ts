import {
  IndexHints,
  literal,
  Op,
  type FindAttributeOptions,
  type Includeable,
  type OrderItem,
  type WhereOptions,
} from 'sequelize';
import type { AuthUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { badRequest, notFound, unauthorized } from '../lib/errors';
import { likeLocationLabel, preferDistanceLabel } from '../lib/labels';
import { User } from '../users/user.model';
import { Applier } from './applier.model';
import { Group } from './group.model';
import { toListItem, type ListGroup, type ListItem } from './groups.mapper';
import { groupListCacheOf } from './list-cache';
import { GROUP } from './messages';
import { notStartedWhere, startedWhere } from './schedule';
import { distanceBandWhere, parsePage, parseSearch, searchWhere, type PageRequest } from './search';

const LIST_CATEGORIES = ['all', 'main', 'prefer', 'mypage', 'complete'] as const;
type ListCategory = (typeof LIST_CATEGORIES)[number];

const isListCategory = (value: string): value is ListCategory =>
  (LIST_CATEGORIES as readonly string[]).includes(value);

/** The main page shows the three runs starting soonest. */
const MAIN_SIZE = 3;

export interface GroupList {
  data: Array<ListItem & { attendance?: boolean; evaluation?: number }>;
  preferData?: { likeLocation: string | null; likeDistance: string };
}

type Query = Record<string, unknown>;

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
const MOST_RECENT_FIRST: OrderItem[] = [
  ['date', 'DESC'],
  ['standbyTime', 'DESC'],
  ['groupId', 'DESC'],
];

const and = (where: WhereOptions[]): WhereOptions => ({ [Op.and]: where });

/** A card's row as read: the run's list columns, its host, and the two per-run facts. */
interface PageRow extends ListGroup {
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

interface PageQuery {
  where: WhereOptions[];
  page: PageRequest;
  viewerId: string | null;
  /** The single region searched, when there is one (see {@link regionHint}). */
  regions?: number[] | null;
}

/** One page of runs as cards' rows: the host by a join, the counts as subqueries. */
async function findPage(
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
async function nearestFirstPage(ctx: AppContext, query: PageQuery, now: Date): Promise<PageRow[]> {
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
function runsPage(ctx: AppContext, query: PageQuery, includeStarted: boolean, now = ctx.now()) {
  return includeStarted
    ? nearestFirstPage(ctx, query, now)
    : findPage(ctx, { ...query, where: [...query.where, notStartedWhere(now)] }, SOONEST_FIRST);
}

/**
 * A page of a public list (`all`, `main`) through the list cache when it is on: the cache
 * keeps the guest's rows, and a signed-in viewer's own applications to the page's runs are
 * read on every request. `key` must name everything the page depends on besides the clock.
 */
async function publicPage(
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

function toItems(ctx: AppContext, rows: PageRow[]): ListItem[] {
  const now = ctx.now();
  return rows.map((row) =>
    toListItem(
      ctx.config,
      {
        group: row,
        host: row.user,
        applyPeople: Number(row.applyPeople),
        applyState: Boolean(Number(row.applyState)),
      },
      now,
    ),
  );
}

/**
 * The profile owner's own applications to these runs (their attendance and evaluation), by run:
 * private, so read only when the viewer is the owner (anyone else gets none).
 */
async function ownerRows(
  rows: PageRow[],
  ownerId: string,
  viewerId: string | null,
): Promise<Map<string, Applier>> {
  if (viewerId !== ownerId || rows.length === 0) return new Map();
  const own = await Applier.findAll({
    attributes: ['groupId', 'attendance', 'evaluation'],
    where: { groupId: rows.map((r) => r.groupId), userId: ownerId },
  });
  return new Map(own.map((a) => [a.groupId, a]));
}

/** The profile owner named by `?userId=` (mypage, complete). */
async function profileOwner(query: Query): Promise<string> {
  const userId = query.userId;
  if (typeof userId !== 'string' || userId.trim() === '') throw badRequest(GROUP.badUser);
  const owner = await User.findByPk(userId.trim(), { attributes: ['userId'] });
  if (!owner) throw notFound(GROUP.badUser);
  return owner.userId;
}

async function listAll(ctx: AppContext, viewer: AuthUser | null, query: Query) {
  const filters = parseSearch(query);
  const page = parsePage(query);
  const rows = await publicPage(
    ctx,
    JSON.stringify(['all', filters, page]),
    {
      where: searchWhere(filters),
      page,
      viewerId: viewer?.userId ?? null,
      regions: filters.regions,
    },
    filters.includeStarted,
  );
  return { data: toItems(ctx, rows) };
}

async function listMain(ctx: AppContext, viewer: AuthUser | null) {
  const page = { limit: MAIN_SIZE, offset: 0 };
  const rows = await publicPage(
    ctx,
    'main',
    { where: [], page, viewerId: viewer?.userId ?? null },
    false,
  );
  return { data: toItems(ctx, rows) };
}

/**
 * Runs matching the signed-in user's preferences: their region (codes 1..9) and distance band
 * (1..4); a preference not chosen does not filter.
 */
async function listPreferred(ctx: AppContext, viewer: AuthUser | null, query: Query) {
  if (!viewer) throw unauthorized(GROUP.loginRequired);
  const { includeStarted } = parseSearch({ finish: query.finish });
  const page = parsePage(query);
  const user = await User.findByPk(viewer.userId, {
    attributes: ['likeLocation', 'likeDistance'],
  });
  const likeLocation = user?.likeLocation ?? null;
  const likeDistance = user?.likeDistance ?? null;
  const where: WhereOptions[] = [];
  const regions =
    likeLocation !== null && /^[1-9]$/.test(likeLocation) ? [Number(likeLocation)] : null;
  if (regions) where.push({ region: regions[0] });
  if (likeDistance !== null && /^[1-4]$/.test(likeDistance)) {
    where.push(distanceBandWhere(Number(likeDistance)));
  }
  const rows = await runsPage(
    ctx,
    { where, page, viewerId: viewer.userId, regions },
    includeStarted,
  );
  return {
    data: toItems(ctx, rows),
    preferData: {
      likeLocation: likeLocationLabel(likeLocation),
      likeDistance: preferDistanceLabel(likeDistance),
    },
  };
}

/**
 * Runs a user hosts, public like the posts themselves. `attendance` (has the host submitted
 * the sheet) is the host's own to-do state: the owner sees it, anyone else reads false.
 */
async function listHosted(ctx: AppContext, viewer: AuthUser | null, query: Query) {
  const ownerId = await profileOwner(query);
  const viewerId = viewer?.userId ?? null;
  const rows = await nearestFirstPage(
    ctx,
    { where: [{ userId: ownerId }], page: parsePage(query), viewerId },
    ctx.now(),
  );
  const own = await ownerRows(rows, ownerId, viewerId);
  return {
    data: toItems(ctx, rows).map((item) => ({
      ...item,
      attendance: Boolean(own.get(item.groupId)?.attendance),
    })),
  };
}

/**
 * Started runs a user applied to and did not host, most recent first. Who took part in a run
 * is public (every detail page lists its applicants), so the list is too; `evaluation` (how
 * the user rated the host) is private: the owner sees it, anyone else reads 0.
 */
async function listCompleted(ctx: AppContext, viewer: AuthUser | null, query: Query) {
  const ownerId = await profileOwner(query);
  const viewerId = viewer?.userId ?? null;
  const rows = await findPage(
    ctx,
    {
      where: [startedWhere(ctx.now()), { userId: { [Op.ne]: ownerId } }],
      page: parsePage(query),
      viewerId,
    },
    MOST_RECENT_FIRST,
    {
      include: [
        {
          model: Applier,
          as: 'Appliers',
          attributes: [],
          where: { userId: ownerId },
          required: true,
        },
      ],
    },
  );
  const own = await ownerRows(rows, ownerId, viewerId);
  return {
    data: toItems(ctx, rows).map((item) => ({
      ...item,
      evaluation: own.get(item.groupId)?.evaluation ?? 0,
    })),
  };
}

/** `GET /group/:category`. */
export async function listGroups(
  ctx: AppContext,
  category: string,
  viewer: AuthUser | null,
  query: Query,
): Promise<GroupList> {
  if (!isListCategory(category)) throw notFound(GROUP.badCategory);
  switch (category) {
    case 'all':
      return listAll(ctx, viewer, query);
    case 'main':
      return listMain(ctx, viewer);
    case 'prefer':
      return listPreferred(ctx, viewer, query);
    case 'mypage':
      return listHosted(ctx, viewer, query);
    case 'complete':
      return listCompleted(ctx, viewer, query);
  }
}
