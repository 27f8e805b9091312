import type { WhereOptions } from 'sequelize';
import type { AuthUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { boundingBox, haversineKm } from '../lib/geo';
import type { ListItem } from './groups.mapper';
import { selectStartsInBox } from './groups.queries';
import { findPage } from './list-pages';
import type { NearQuery } from './near-query';
import { toItems } from './list-pages';
import { notStartedWhere } from './schedule';

type Deps = Pick<AppContext, 'config' | 'now' | 'sequelize'>;

/** A card of `/group/all` and how far its route starts from the caller, in km (one decimal). */
export type NearItem = ListItem & { distanceFromMe: number };

interface Ranked {
  groupId: string;
  km: number;
}

const nearestFirst = (a: Ranked, b: Ranked) =>
  a.km - b.km || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0);

/**
 * The radii (km) the search widens through before the caller's own: most pages are found in a
 * small box, which reads a thin slice of the index even where runs are dense.
 */
const RINGS_KM = [0.5, 2, 8, 32];

/**
 * The runs in the radius, nearest first, as far as the page needs them (`offset + limit`).
 *
 * The database finds the runs in a bounding box (an index range over the start point, "not
 * started" checked in the index); their great-circle distance is computed here, where both
 * databases agree (SQLite has no trigonometry). The box grows ring by ring: once the runs
 * within a ring's radius fill the page, every run outside is farther than all of them, so the
 * page is exactly the great-circle order without reading the whole radius.
 */
async function rankedWithin(query: NearQuery, upcoming: WhereOptions): Promise<Ranked[]> {
  const { center, radiusKm, page } = query;
  const wanted = page.offset + page.limit;
  for (const ringKm of [...RINGS_KM.filter((km) => km < radiusKm), radiusKm]) {
    const rows = await selectStartsInBox(boundingBox(center, ringKm), [upcoming]);
    const ranked = rows
      .map((row) => ({
        groupId: row.groupId,
        km: haversineKm(center, { lat: Number(row.startLat), lng: Number(row.startLng) }),
      }))
      .filter((run) => run.km <= ringKm)
      .sort(nearestFirst);
    if (ranked.length >= wanted || ringKm === radiusKm) return ranked;
  }
  return [];
}

/**
 * `GET /group/near`: the runs to come (as `/group/all` lists them without `finish=1`) whose
 * route starts within the radius, nearest first by great-circle distance, ties by id, so pages
 * neither overlap nor skip (see {@link rankedWithin}). Then one query reads the page's cards.
 */
export async function listNearby(
  ctx: Deps,
  viewer: AuthUser | null,
  query: NearQuery,
): Promise<{ data: NearItem[] }> {
  const now = ctx.now();
  const upcoming = notStartedWhere(now);
  const { offset, limit } = query.page;
  const page = (await rankedWithin(query, upcoming)).slice(offset, offset + limit);
  if (page.length === 0) return { data: [] };

  const rows = await findPage(
    ctx,
    {
      where: [{ groupId: page.map((run) => run.groupId) }, upcoming],
      page: { limit: page.length, offset: 0 },
      viewerId: viewer?.userId ?? null,
    },
    [],
  );
  const cards = new Map(toItems(ctx, rows, now).map((card) => [card.groupId, card]));
  // A run that started between the two reads is left out.
  const data = page.flatMap(({ groupId, km }) => {
    const card = cards.get(groupId);
    return card ? [{ ...card, distanceFromMe: Math.round(km * 10) / 10 }] : [];
  });
  return { data };
}
