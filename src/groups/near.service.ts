import type { AuthUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { boundingBox, haversineKm } from '../lib/geo';
import type { JsonText } from '../lib/json-text';
import { readThrough } from '../lib/read-cache';
import { appliedReader } from './applied-marks';
import { toCardTemplate } from './groups.mapper';
import { selectCardsOf, selectStartsInBox, type KoreaNow } from './near.queries';
import { cachedCards, pageJson, toListRow, type PageRow } from './list-pages';
import { GROUP_NEAR } from './near-cache';
import type { NearQuery } from './near-query';
import { kstDate, kstTime } from '../lib/time';

type Deps = Pick<AppContext, 'config' | 'now' | 'sequelize'>;

interface Ranked {
  groupId: string;
  km: number;
}

const nearestFirst = (a: Ranked, b: Ranked) =>
  a.km - b.km || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0);

/**
 * The radii (km) the search widens through before the caller's own: most pages are found in a
 * small box, which reads a few cells of the grid even where runs are dense. Each ring reads
 * about four times the area of the one before, so a page costs about what its last ring reads.
 */
const RINGS_KM = [0.5, 1, 2, 4, 8, 32];

/**
 * The runs in the radius, nearest first, as far as the page needs them (`offset + limit`).
 *
 * The database finds the runs not started yet whose start is in a bounding box: on MariaDB by
 * the rows of grid cells covering it (`near-cells.ts`) up to about 10 km, else (and on SQLite)
 * by the latitude band, the box checked in the index. Their great-circle distance is computed
 * here, where both databases agree (SQLite has no trigonometry). The box grows ring by ring:
 * once the runs within a ring's radius fill the page, every run outside is farther than all of
 * them, so the page is exactly the great-circle order without reading the whole radius.
 */
async function rankedWithin(
  sequelize: Deps['sequelize'],
  query: NearQuery,
  at: KoreaNow,
): Promise<Ranked[]> {
  const { center, radiusKm, page } = query;
  const wanted = page.offset + page.limit;
  // A ring wider than half the radius is not read: its box is more than a quarter of the
  // radius's, so reading the radius's box instead costs less than reading both when the ring
  // does not fill the page (at 1,000 runs the 32 km ring of a 50 km search filled no page in
  // two of the bench's four places, which then read the 50 km box too).
  const rings = [...RINGS_KM.filter((km) => km <= radiusKm / 2), radiusKm];
  for (let i = 0; i < rings.length; i += 1) {
    const ringKm = rings[i];
    const box = boundingBox(center, ringKm);
    const rows = await selectStartsInBox(sequelize, box, at);
    const ranked: Ranked[] = [];
    for (const row of rows) {
      const km = haversineKm(center, { lat: Number(row.startLat), lng: Number(row.startLng) });
      if (km <= ringKm) ranked.push({ groupId: row.groupId, km });
    }
    if (ranked.length >= wanted || ringKm === radiusKm) return ranked.sort(nearestFirst);
    // Runs found here tell how dense the place is (none counted as one): skip the rings whose
    // area would not hold twice the page at that density (any ring order gives the same page,
    // the last being the radius itself).
    const found = Math.max(1, ranked.length);
    while (i + 2 < rings.length && (rings[i + 1] / ringKm) ** 2 * found < 2 * wanted) {
      i += 1;
    }
  }
  return [];
}

/** A page read from the database: its cards' rows (the viewer's applications in them). */
async function loadPage(ctx: Deps, viewerId: string | null, query: NearQuery, now: Date) {
  // The runs not started at `now` (as `notStartedWhere` of ./schedule has them).
  const at: KoreaNow = { today: kstDate(now), time: kstTime(now) };
  const { offset, limit } = query.page;
  const page = (await rankedWithin(ctx.sequelize, query, at)).slice(offset, offset + limit);
  if (page.length === 0) return { page, rows: [] as PageRow[] };
  const ids = page.map((run) => run.groupId);
  return { page, rows: await selectCardsOf(ctx.sequelize, ids, at, viewerId) };
}

/**
 * `GET /group/near`: the runs to come (as `/group/all` lists them without `finish=1`) whose
 * route starts within the radius, nearest first by great-circle distance, ties by id, so pages
 * neither overlap nor skip (see {@link rankedWithin}); each card is `/group/all`'s with
 * `distanceFromMe` (km, one decimal) after its fields. Then one query reads the page's cards.
 *
 * Through the near-me cache (`near-cache.ts`) when it is on, keyed by the exact query: the
 * guest's cards are kept written as JSON, and per request only the countdowns are computed and
 * a signed-in viewer's applications to the page's runs filled in, as for `/group/all`.
 */
export async function listNearby(
  ctx: Deps,
  viewer: AuthUser | null,
  query: NearQuery,
): Promise<JsonText> {
  const now = ctx.now();
  const viewerId = viewer?.userId ?? null;
  const { center, radiusKm, page } = query;
  const key = `${center.lat}|${center.lng}|${radiusKm}|${page.offset}|${page.limit}`;
  // A miss reads the viewer's applications with the cards (as without the cache); a hit takes
  // them from the viewer's kept marks, whose generation is read in this tick with the page's.
  const applied = appliedReader(ctx, viewerId);
  let loaded: PageRow[] | null = null;
  const cards = await readThrough(ctx.sequelize, GROUP_NEAR.name, key, now, async () => {
    const read = await loadPage(ctx, viewerId, query, now);
    loaded = read.rows;
    const rows = new Map(read.rows.map((row) => [row.groupId, row]));
    // A run that started between the two reads is left out.
    return cachedCards(
      read.page.flatMap(({ groupId, km }) => {
        const row = rows.get(groupId);
        if (!row) return [];
        const distanceFromMe = Math.round(km * 10) / 10;
        return [toCardTemplate(ctx.config, toListRow(row), now, { distanceFromMe })];
      }),
    );
  });
  return pageJson(cards, viewerId, loaded, now, applied);
}
