import { Op } from 'sequelize';
import type { AuthUser } from '../auth/middleware';
import { Applier, User } from '../db/models';
import type { AppContext } from '../lib/context';
import { notFound, unauthorized } from '../lib/errors';
import { likeLocationLabel, preferDistanceLabel } from '../lib/labels';
import type { JsonText } from '../lib/json-text';
import type { ListItem } from './groups.mapper';
import {
  findPage,
  MOST_RECENT_FIRST,
  nearestFirstPage,
  publicPage,
  runsPage,
  toItems,
  type PageRow,
} from './list-pages';
import { GROUP } from './messages';
import { startedWhere } from './schedule';
import type { ListQuery, ProfileListQuery } from './list-query';
import { searchAccess } from './search';

type Deps = Pick<AppContext, 'config' | 'now' | 'sequelize'>;

/** The main page shows the three runs starting soonest. */
const MAIN_SIZE = 3;

export interface GroupList {
  /** The cards, or their JSON already written (the cached public lists). */
  data: Array<ListItem & { attendance?: boolean; evaluation?: number }> | JsonText;
  preferData?: { likeLocation: string | null; likeDistance: string };
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

/** The profile owner named by `?userId=` (mypage, complete): 404 when there is none. */
async function profileOwner(userId: string): Promise<string> {
  const owner = await User.findByPk(userId, { attributes: ['userId'] });
  if (!owner) throw notFound(GROUP.badUser);
  return owner.userId;
}

type QueryOf<C extends ListQuery['category']> = Extract<ListQuery, { category: C }>;

async function listAll(ctx: Deps, viewer: AuthUser | null, query: QueryOf<'all'>) {
  const { filters, page } = query;
  const data = await publicPage(
    ctx,
    JSON.stringify(['all', filters, page]),
    { ...searchAccess(filters), page, viewerId: viewer?.userId ?? null },
    filters.includeStarted,
  );
  return { data };
}

async function listMain(ctx: Deps, viewer: AuthUser | null) {
  const page = { limit: MAIN_SIZE, offset: 0 };
  const data = await publicPage(
    ctx,
    'main',
    { where: [], page, viewerId: viewer?.userId ?? null },
    false,
  );
  return { data };
}

/**
 * Runs matching the signed-in user's preferences: their region (codes 1..9) and distance band
 * (1..4); a preference not chosen does not filter.
 */
async function listPreferred(ctx: Deps, viewer: AuthUser | null, query: QueryOf<'prefer'>) {
  if (!viewer) throw unauthorized(GROUP.loginRequired);
  const { includeStarted, page } = query;
  const user = await User.findByPk(viewer.userId, {
    attributes: ['likeLocation', 'likeDistance'],
  });
  const likeLocation = user?.likeLocation ?? null;
  const likeDistance = user?.likeDistance ?? null;
  const access = searchAccess({
    dateFrom: null,
    dateTo: null,
    regions: likeLocation !== null && /^[1-9]$/.test(likeLocation) ? [Number(likeLocation)] : null,
    distanceBands:
      likeDistance !== null && /^[1-4]$/.test(likeDistance) ? [Number(likeDistance)] : null,
    timeSlots: null,
    themes: null,
  });
  const rows = await runsPage(ctx, { ...access, page, viewerId: viewer.userId }, includeStarted);
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
async function listHosted(ctx: Deps, viewer: AuthUser | null, query: ProfileListQuery) {
  const ownerId = await profileOwner(query.ownerId);
  const viewerId = viewer?.userId ?? null;
  const rows = await nearestFirstPage(
    ctx,
    { where: [{ userId: ownerId }], page: query.page, viewerId },
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
async function listCompleted(ctx: Deps, viewer: AuthUser | null, query: ProfileListQuery) {
  const ownerId = await profileOwner(query.ownerId);
  const viewerId = viewer?.userId ?? null;
  const rows = await findPage(
    ctx,
    {
      where: [startedWhere(ctx.now()), { userId: { [Op.ne]: ownerId } }],
      page: query.page,
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

/** `GET /group/:category`, its query parsed at the edge. */
export async function listGroups(
  ctx: Deps,
  viewer: AuthUser | null,
  query: ListQuery,
): Promise<GroupList> {
  switch (query.category) {
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
