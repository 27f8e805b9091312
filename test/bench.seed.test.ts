import { Op } from 'sequelize';
import request from 'supertest';
import { Group } from '../src/db/models';
import { haversineKm } from '../src/lib/geo';
import {
  NEAR_PLANT,
  NEAR_SPOTS,
  PLANT_HOST,
  RARE_PLANT,
  plantedRuns,
  rareSearchQuery,
  seedBench,
} from '../bench/seed';
import { useTestContext, type TestContext } from './support/context';

/**
 * The bench seeder's plant (bench/seed.ts): the runs the bench's rare-match requests find, the
 * same at every size, so that `npm run bench` compares like with like at 1,000 and more runs.
 * Seeded here at the bench's small size (1,000 runs, 200 users, 100 courses), then grown.
 */
let ctx: TestContext;
useTestContext(
  (c) => {
    ctx = c;
  },
  // A database of the file's own (a thousand runs must not show in other files' lists), and the
  // pages read fresh after the seeder writes behind the app's back.
  { ownDatabase: true, config: { cache: { groupLists: false, reads: false } } },
);

const SMALL = { groups: 1_000, courses: 100, users: 200 };
const GROWN = { groups: 1_300, courses: 130, users: 260 };
const GUEST = { Authorization: 'Bearer undefined', reAuthorization: 'Bearer undefined' };
const rareIds = plantedRuns(new Date())
  .map((g) => g.groupId!)
  .filter((id) => id.startsWith('bench-plant-rare-'));

const get = (path: string) => request(ctx.app).get(path).set(GUEST).expect(200);
const idsOf = (body: { data: Array<{ groupId: string }> }) => body.data.map((g) => g.groupId);

/** What the bench's requests answer: the rare search's pages and the near-me pages. */
async function answers() {
  const rare = `/group/all?${rareSearchQuery(ctx.now())}`;
  const near = async (radius: string, page: string) =>
    Promise.all(
      NEAR_SPOTS.map(async ({ lat, lng }) =>
        idsOf((await get(`/group/near?lat=${lat}&lng=${lng}${radius}${page}`)).body),
      ),
    );
  return {
    rare: [
      idsOf((await get(`${rare}&page=1&size=6`)).body),
      idsOf((await get(`${rare}&page=2&size=6`)).body),
    ],
    noMatch: idsOf(
      (await get(`/group/all?region=4/9/&thema=${encodeURIComponent('트랙/')}&page=1&size=6`)).body,
    ),
    near50: await near('&radiusKm=50', '&page=2&size=20'),
    near5: await near('', '&page=1&size=6'),
  };
}

let small: Awaited<ReturnType<typeof answers>>;
let grown: Awaited<ReturnType<typeof answers>>;
let plantRows: number[];

beforeAll(async () => {
  await seedBench(ctx, SMALL, { now: ctx.now(), quiet: true });
  small = await answers();
  const plant = { groupId: { [Op.like]: 'bench-plant-%' } };
  plantRows = [await Group.count({ where: plant })];
  await seedBench(ctx, GROWN, { now: ctx.now(), quiet: true });
  grown = await answers();
  plantRows.push(await Group.count({ where: plant }));
}, 180_000);

test('The plant is the same for the same day, and its near-me clusters lie where planned', () => {
  const now = ctx.now();
  const runs = plantedRuns(now);
  expect(plantedRuns(now)).toEqual(runs);
  expect(rareIds).toHaveLength(RARE_PLANT.count);
  const sparse = NEAR_SPOTS.filter((spot) => spot.plant);
  expect(runs).toHaveLength(RARE_PLANT.count + sparse.length * NEAR_PLANT.perSpot);
  for (const run of runs) {
    expect(run.groupId).toMatch(/^bench-plant-/);
    expect(run.userId).toBe(PLANT_HOST);
  }
  for (const spot of sparse) {
    const cluster = runs.filter((g) =>
      g.groupId!.startsWith(`bench-plant-near-${spot.name.toLowerCase()}-`),
    );
    expect(cluster).toHaveLength(NEAR_PLANT.perSpot);
    for (const run of cluster) {
      const [start] = JSON.parse(run.mapLatLng) as Array<{ lat: number; lng: number }>;
      const km = haversineKm(spot, start);
      expect(km).toBeGreaterThan(NEAR_PLANT.minKm - 0.5);
      expect(km).toBeLessThan(NEAR_PLANT.maxKm + 0.5);
    }
  }
});

test('Growing the database writes the plant once, afresh', () => {
  expect(plantRows).toEqual([plantedRuns(ctx.now()).length, plantedRuns(ctx.now()).length]);
});

test('The rare request answers exactly the planted runs, the same pages at both sizes', () => {
  expect(small.rare[0]).toHaveLength(6);
  expect(small.rare[1]).toHaveLength(RARE_PLANT.count - 6);
  expect([...small.rare[0], ...small.rare[1]].sort()).toEqual([...rareIds].sort());
  expect(grown.rare).toEqual(small.rare);
});

test('The no-match request matches nothing at either size', () => {
  expect(small.noMatch).toEqual([]);
  expect(grown.noMatch).toEqual([]);
});

test("The 50 km request's page 2 of 20 is full at every place and size", () => {
  for (const page of [...small.near50, ...grown.near50]) expect(page).toHaveLength(20);
  // Where runs are dense the plant is not needed, and is never reached.
  NEAR_SPOTS.forEach((spot, i) => {
    if (!spot.plant)
      expect(small.near50[i].some((id) => id.startsWith('bench-plant-'))).toBe(false);
  });
});

test('The 5 km request never reaches the plant', () => {
  for (const page of [...small.near5, ...grown.near5]) {
    expect(page.filter((id) => id.startsWith('bench-plant-'))).toEqual([]);
  }
});
