import { fn, col, Op, type Includeable, type OrderItem, type WhereOptions } from 'sequelize';
import type { AuthUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { badRequest, notFound, unauthorized } from '../lib/errors';
import { likeLocationLabel, preferDistanceLabel } from '../lib/labels';
import { User } from '../users/user.model';
import { Applier } from './applier.model';
import { Group } from './group.model';
import { toListItem, type ListItem } from './groups.mapper';
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

/** One page of runs with their host, by a join. */
function findPage(where: WhereOptions[], order: OrderItem[], page: PageRequest) {
  return Group.findAll({
    attributes: LIST_ATTRIBUTES,
    where: and(where),
    include: [HOST],
    order,
    limit: page.limit,
    offset: page.offset,
    subQuery: false,
  });
}

/**
 * Lists mixing runs to come and past runs (`finish=1`, a host's runs) put the nearest to now
 * first: runs to come soonest first, then past runs most recent first. Read as two index-ordered
 * streams: the page's part of the runs to come, then (if the page is not full) the past runs
 * after those. Only a page entirely past the runs to come needs to count them to know where
 * in the past runs it starts. At most three queries.
 */
async function nearestFirstPage(
  where: WhereOptions[],
  page: PageRequest,
  now: Date,
): Promise<Group[]> {
  const toCome = [...where, notStartedWhere(now)];
  const upcoming = await findPage(toCome, SOONEST_FIRST, page);
  if (upcoming.length === page.limit) return upcoming;
  const skipped =
    upcoming.length > 0 || page.offset === 0 ? 0 : await Group.count({ where: and(toCome) });
  const past = await findPage([...where, startedWhere(now)], MOST_RECENT_FIRST, {
    limit: page.limit - upcoming.length,
    offset: upcoming.length > 0 ? 0 : page.offset - skipped,
  });
  return [...upcoming, ...past];
}

/** Applicant counts and some users' own rows for a page of runs: two grouped queries. */
async function pageFacts(groupIds: string[], userIds: string[]) {
  if (groupIds.length === 0) return { counts: new Map<string, number>(), own: [] as Applier[] };
  const [counts, own] = await Promise.all([
    // Plain rows: the count is not an attribute of the model (MySQL may answer it as text).
    Applier.findAll({
      attributes: ['groupId', [fn('COUNT', col('applyId')), 'applyPeople']],
      where: { groupId: groupIds },
      group: ['groupId'],
      raw: true,
    }) as unknown as Promise<Array<{ groupId: string; applyPeople: number | string }>>,
    userIds.length === 0
      ? Promise.resolve([] as Applier[])
      : Applier.findAll({
          attributes: ['groupId', 'userId', 'attendance', 'evaluation'],
          where: { groupId: groupIds, userId: [...new Set(userIds)] },
        }),
  ]);
  return { counts: new Map(counts.map((c) => [c.groupId, Number(c.applyPeople)])), own };
}

/**
 * A page of runs as list cards: their applicant counts and the viewer's and the profile
 * owner's applications come from two more queries, whatever the page size.
 */
async function toItems(
  ctx: AppContext,
  groups: Group[],
  viewerId: string | null,
  ownerId: string | null = null,
) {
  const people = [viewerId, ownerId].filter((id): id is string => id !== null);
  const { counts, own } = await pageFacts(
    groups.map((g) => g.groupId),
    people,
  );
  const rowOf = (groupId: string, userId: string | null) =>
    userId === null ? undefined : own.find((a) => a.groupId === groupId && a.userId === userId);
  const now = ctx.now();
  return groups.map((group) => {
    const item = toListItem(
      ctx.config,
      {
        group,
        host: group.get('user') as User,
        applyPeople: counts.get(group.groupId) ?? 0,
        applyState: rowOf(group.groupId, viewerId) !== undefined,
      },
      now,
    );
    return { item, ownerRow: rowOf(group.groupId, ownerId) };
  });
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
  const now = ctx.now();
  const where = searchWhere(filters);
  const groups = filters.includeStarted
    ? await nearestFirstPage(where, page, now)
    : await findPage([...where, notStartedWhere(now)], SOONEST_FIRST, page);
  const rows = await toItems(ctx, groups, viewer?.userId ?? null);
  return { data: rows.map((r) => r.item) };
}

async function listMain(ctx: AppContext, viewer: AuthUser | null) {
  const page = { limit: MAIN_SIZE, offset: 0 };
  const groups = await findPage([notStartedWhere(ctx.now())], SOONEST_FIRST, page);
  const rows = await toItems(ctx, groups, viewer?.userId ?? null);
  return { data: rows.map((r) => r.item) };
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
  const now = ctx.now();
  const where: WhereOptions[] = [];
  if (likeLocation !== null && /^[1-9]$/.test(likeLocation)) {
    where.push({ region: Number(likeLocation) });
  }
  if (likeDistance !== null && /^[1-4]$/.test(likeDistance)) {
    where.push(distanceBandWhere(Number(likeDistance)));
  }
  const groups = includeStarted
    ? await nearestFirstPage(where, page, now)
    : await findPage([...where, notStartedWhere(now)], SOONEST_FIRST, page);
  const rows = await toItems(ctx, groups, viewer.userId);
  return {
    data: rows.map((r) => r.item),
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
  const groups = await nearestFirstPage([{ userId: ownerId }], parsePage(query), ctx.now());
  const rows = await toItems(ctx, groups, viewerId, ownerId);
  const isOwner = viewerId === ownerId;
  return {
    data: rows.map((r) => ({
      ...r.item,
      attendance: isOwner && Boolean(r.ownerRow?.attendance),
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
  const page = parsePage(query);
  const groups = await Group.findAll({
    attributes: LIST_ATTRIBUTES,
    where: and([startedWhere(ctx.now()), { userId: { [Op.ne]: ownerId } }]),
    include: [
      HOST,
      {
        model: Applier,
        as: 'Appliers',
        attributes: [],
        where: { userId: ownerId },
        required: true,
      },
    ],
    order: MOST_RECENT_FIRST,
    limit: page.limit,
    offset: page.offset,
    subQuery: false,
  });
  const rows = await toItems(ctx, groups, viewerId, ownerId);
  const isOwner = viewerId === ownerId;
  return {
    data: rows.map((r) => ({
      ...r.item,
      evaluation: isOwner ? (r.ownerRow?.evaluation ?? 0) : 0,
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
