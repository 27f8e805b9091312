import type { AuthUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { boundingBox, haversineKm, KM_PER_DEGREE, type BoundingBox } from '../lib/geo';
import type { LatLng } from '../lib/route';
import type { ListItem } from './groups.mapper';
import { selectStartsInBox, type PlanarOrder, type StartPointRow } from './groups.queries';
import { findPage } from './list-pages';
import type { NearQuery } from './near-query';
import { toItems } from './lists.service';
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

const rank = (center: LatLng, rows: StartPointRow[]): Ranked[] =>
  rows
    .map((row) => ({
      groupId: row.groupId,
      km: haversineKm(center, { lat: Number(row.startLat), lng: Number(row.startLng) }),
    }))
    .sort(nearestFirst);

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * The flat-earth order around the center, and how far below its distance the great circle can
 * be in the box: at least `floor` times it. Along a meridian both agree; east-west the flat one
 * scales longitudes by cos φ of the center, where the great circle's scale is that of latitudes
 * between, never below cos φ of the box's edge farthest from the equator (and the earth's
 * curvature takes well under 0.1% over 100 km, the margin added). Null where the flat order is
 * no good guide: the box touches a pole, spans every longitude or crosses the antimeridian
 * (then every run in the box is ranked exactly).
 */
function planarBound(center: LatLng, box: BoundingBox): { scale: number; floor: number } | null {
  if (box.lngRanges.length !== 1 || box.minLat <= -90 || box.maxLat >= 90) return null;
  const [west, east] = box.lngRanges[0];
  if (west <= -180 && east >= 180) return null;
  const scale = Math.cos(radians(center.lat));
  const edge = Math.cos(radians(Math.max(Math.abs(box.minLat), Math.abs(box.maxLat))));
  const floor = (edge / scale) * 0.999;
  return floor > 0.5 ? { scale, floor } : null;
}

/** Squared degrees of the flat order for a distance in km. */
const keyOf = (km: number) => (km / KM_PER_DEGREE) ** 2;

/**
 * The runs in the box within the radius, nearest first, as far as the page needs them.
 *
 * The database ranks the box's runs by the flat order and answers the first 2 × (offset + limit)
 * (one index range and a sort of ids). Their great-circle distances
 * tell how far the page's runs can be at most (D); every run the flat order put after them is
 * at least as far as the last one answered, so when that is beyond D / floor, the page is
 * among them. Otherwise one more read takes every run whose flat distance is within
 * D / floor. Either way the exact distance orders the page.
 */
async function rankedWithin(
  ctx: Deps,
  query: NearQuery,
  upcoming: ReturnType<typeof notStartedWhere>,
) {
  const { center, radiusKm, page } = query;
  const box = boundingBox(center, radiusKm);
  const within = (runs: Ranked[]) => runs.filter((run) => run.km <= radiusKm);
  const bound = planarBound(center, box);
  if (!bound) return within(rank(center, await selectStartsInBox(ctx.sequelize, box, [upcoming])));

  const wanted = page.offset + page.limit;
  const order: PlanarOrder = { center, lngScale: bound.scale };
  // Twice what the page needs, so that the last one answered is usually well beyond it.
  const first = await selectStartsInBox(ctx.sequelize, box, [upcoming], {
    ...order,
    limit: 2 * wanted,
  });
  const ranked = rank(center, first);
  if (first.length < 2 * wanted) return within(ranked);
  const farthest = Math.min(radiusKm, ranked[wanted - 1].km);
  const last = first[first.length - 1];
  const lastKm =
    KM_PER_DEGREE *
    Math.hypot(
      Number(last.startLat) - center.lat,
      (Number(last.startLng) - center.lng) * bound.scale,
    );
  if (lastKm > farthest / bound.floor) return within(ranked);
  const all = await selectStartsInBox(ctx.sequelize, box, [upcoming], {
    ...order,
    maxKey: keyOf(farthest / bound.floor),
  });
  return within(rank(center, all));
}

/**
 * `GET /group/near`: the runs to come (as `/group/all` lists them without `finish=1`) whose
 * route starts within the radius, nearest first by great-circle distance, ties by id, so pages
 * neither overlap nor skip. The database finds the candidates by the bounding box (an index
 * range, see {@link boundingBox}) and ranks them roughly; the exact distance, computed here
 * where both databases agree, applies the radius and orders the page (see
 * {@link rankedWithin}). Then one query reads the page's cards.
 */
export async function listNearby(
  ctx: Deps,
  viewer: AuthUser | null,
  query: NearQuery,
): Promise<{ data: NearItem[] }> {
  const now = ctx.now();
  const upcoming = notStartedWhere(now);
  const { offset, limit } = query.page;
  const page = (await rankedWithin(ctx, query, upcoming)).slice(offset, offset + limit);
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
