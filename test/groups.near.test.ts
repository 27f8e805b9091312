import crypto from 'node:crypto';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { Group } from '../src/db/models';
import { GROUP } from '../src/groups/messages';
import { cellOf, cellRangesOf } from '../src/groups/near-cells';
import { selectStartsInBox } from '../src/groups/near.queries';
import { boundingBox, haversineKm, type BoundingBox } from '../src/lib/geo';
import { kstDate, kstTime } from '../src/lib/time';
import type { LatLng } from '../src/lib/route';
import { countQueries } from './support/comments';
import { destination as onSphere, rad, ownCenter } from './support/geo';
import {
  apply,
  createFields,
  GUEST,
  makeGroup,
  member,
  postGroup,
  useCalendarContext,
  type ListCard,
  type Member,
} from './support/groups';

const file = useCalendarContext();

/** A point on the great circle, rounded as start points are stored (6 decimals). */
function destination(from: LatLng, km: number, bearing: number): LatLng {
  const p = onSphere(from, km, bearing);
  return { lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) };
}

const routeFrom = (start: LatLng) => JSON.stringify([start, start]);

const near = (query: string, headers: Record<string, string> = GUEST) =>
  request(file.ctx.app).get(`/group/near?${query}`).set(headers);

const at = (p: LatLng, extra = '') => `lat=${p.lat}&lng=${p.lng}${extra}`;

/** From `min` to `max`, both included, in steps of at most 1/1000 degree (a cell is 1/200). */
function walk(min: number, max: number): number[] {
  const steps = Math.max(1, Math.ceil((max - min) * 1000));
  return Array.from({ length: steps + 1 }, (_, i) =>
    i === steps ? max : min + ((max - min) * i) / steps,
  );
}

/**
 * The test's own account of the cells a box holds (widened by `margin` degrees on every side),
 * not the search's grid arithmetic: the stored cell (`cellOf`) of every point of a walk across
 * the box in steps smaller than a cell, its edges and corners included, so every cell the box
 * reaches into is stepped in. Ascending, each once.
 */
function cellsIn(box: BoundingBox, margin = 0): number[] {
  const cells = new Set<number>();
  for (const lat of walk(box.minLat - margin, box.maxLat + margin)) {
    for (const [min, max] of box.lngRanges) {
      for (const lng of walk(min - margin, max + margin)) cells.add(cellOf(lat, lng));
    }
  }
  return [...cells].sort((a, b) => a - b);
}

describe('GET /group/near', () => {
  let host: Member;
  let day: { today: string; at: (days: number) => string };

  beforeEach(async () => {
    day = file.calendar.window();
    // Signed in on the test's own calendar (tokens expire by the app's clock).
    host = await member(file.ctx);
  });

  /** Runs starting `km` from `center`, named by letter, tomorrow unless told. */
  async function runsAround(
    center: LatLng,
    spec: Array<[letter: string, km: number, bearing: number]>,
    attrs: Partial<Group> = {},
  ) {
    const names = new Map<string, string>();
    const points = new Map<string, LatLng>();
    for (const [letter, km, bearing] of spec) {
      const start = destination(center, km, bearing);
      const group = await makeGroup(host.user, {
        date: day.at(1),
        title: `near ${letter}`,
        mapLatLng: routeFrom(start),
        ...attrs,
      });
      names.set(group.groupId, letter);
      points.set(letter, start);
    }
    const letters = (body: { data: ListCard[] }) =>
      body.data.map((card) => names.get(card.groupId) ?? '?').join('');
    return { names, points, letters };
  }

  test('Lists the runs whose route starts within 5 km by default, nearest first, each with distanceFromMe in km to one decimal', async () => {
    const center = ownCenter();
    const { points, letters } = await runsAround(center, [
      ['D', 4.0, 200],
      ['A', 0.3, 10],
      ['E', 4.9, 300],
      ['C', 2.5, 90],
      ['B', 1.24, 135],
      ['F', 5.2, 0],
    ]);
    const res = await near(at(center));
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(letters(res.body)).toBe('ABCDE');
    expect(res.body.data.map((card: ListCard) => card.distanceFromMe)).toEqual(
      ['A', 'B', 'C', 'D', 'E'].map(
        (letter) => Math.round(haversineKm(center, points.get(letter)!) * 10) / 10,
      ),
    );
    expect(res.body.data[1].distanceFromMe).toBe(1.2);
  });

  test('Each item is exactly the card /group/all shows for the run, plus distanceFromMe', async () => {
    const center = ownCenter();
    const viewer = await member(file.ctx);
    const { names } = await runsAround(center, [
      ['A', 1, 45],
      ['B', 2, 225],
    ]);
    const [mine] = [...names.keys()];
    await apply(mine, viewer.user);
    file.calendar.set(day.today, '12:00:00');

    const nearby = await near(at(center), viewer.headers);
    const all = await request(file.ctx.app)
      .get('/group/all?date=&region=&time=&distance=&finish=0&thema=&page=1&size=100')
      .set(viewer.headers);
    expect(nearby.status).toBe(200);
    expect(nearby.body.data).toHaveLength(2);
    for (const { distanceFromMe, ...card } of nearby.body.data as ListCard[]) {
      expect(typeof distanceFromMe).toBe('number');
      const listed = all.body.data.find((c: ListCard) => c.groupId === card.groupId);
      expect(card).toEqual(listed);
    }
    const byId = new Map((nearby.body.data as ListCard[]).map((c) => [c.groupId, c]));
    expect(byId.get(mine)?.applyState).toBe(true);
    expect(byId.get(mine)?.applyPeople).toBe(2);
    const guest = await near(at(center));
    expect(guest.body.data.every((c: ListCard) => c.applyState === false)).toBe(true);
  });

  test('A run inside the bounding box but outside the circle is left out; radiusKm widens and narrows the circle', async () => {
    const center = ownCenter();
    const box = boundingBox(center, 5);
    const [west, east] = box.lngRanges[0];
    // Near the box's north-east corner: inside the rectangle, about 7 km away.
    const corner = {
      lat: Number((center.lat + (box.maxLat - center.lat) * 0.9).toFixed(6)),
      lng: Number((center.lng + (east - center.lng) * 0.9).toFixed(6)),
    };
    expect(corner.lat).toBeLessThan(box.maxLat);
    expect(corner.lng).toBeLessThan(east);
    expect(corner.lng).toBeGreaterThan(west);
    expect(haversineKm(center, corner)).toBeGreaterThan(6);
    const { letters } = await runsAround(center, [
      ['A', 1, 300],
      ['B', 4.95, 180],
      ['C', 12, 270],
      ['D', 49, 90],
    ]);
    const cornerRun = await makeGroup(host.user, {
      date: day.at(1),
      mapLatLng: routeFrom(corner),
    });

    const ids = (body: { data: ListCard[] }) => body.data.map((c) => c.groupId);
    const byDefault = await near(at(center));
    expect(letters(byDefault.body)).toBe('AB');
    expect(ids(byDefault.body)).not.toContain(cornerRun.groupId);

    expect(letters((await near(at(center, '&radiusKm=2.5'))).body)).toBe('A');
    const wide = await near(at(center, '&radiusKm=50'));
    expect(letters(wide.body)).toBe('AB?CD');
    expect(ids(wide.body)[2]).toBe(cornerRun.groupId);
  });

  test('Pages follow the distance order with ties broken by id, so they neither overlap nor skip', async () => {
    const center = ownCenter();
    const { names } = await runsAround(center, [
      ['A', 0.5, 0],
      ['B', 1, 90],
      ['C', 1.5, 180],
      ['D', 2, 270],
      ['E', 3, 45],
    ]);
    // Two runs starting at the very same spot.
    const twin = destination(center, 2.5, 135);
    const twins = [
      await makeGroup(host.user, { date: day.at(2), mapLatLng: routeFrom(twin) }),
      await makeGroup(host.user, { date: day.at(3), mapLatLng: routeFrom(twin) }),
    ].map((g) => g.groupId);
    twins.sort();
    twins.forEach((id, i) => names.set(id, `T${i}`));

    const page = async (n: number) =>
      ((await near(at(center, `&page=${n}&size=3`))).body.data as ListCard[]).map((c) =>
        names.get(c.groupId),
      );
    expect(await page(1)).toEqual(['A', 'B', 'C']);
    expect(await page(2)).toEqual(['D', 'T0', 'T1']);
    expect(await page(3)).toEqual(['E']);
    expect(await page(4)).toEqual([]);
    const whole = await near(at(center, '&size=100'));
    expect((whole.body.data as ListCard[]).map((c) => names.get(c.groupId))).toEqual([
      'A',
      'B',
      'C',
      'D',
      'T0',
      'T1',
      'E',
    ]);
  });

  test('Every page size gives the same order, whichever of the widening boxes the page is found in', async () => {
    const center = ownCenter();
    // On both sides of the search's inner radii (0.5, 2, 8 and 32 km), and box corners.
    const { letters } = await runsAround(center, [
      ['A', 0.4, 10],
      ['B', 0.6, 100],
      ['C', 0.52, 45],
      ['D', 1.9, 200],
      ['E', 2.05, 315],
      ['F', 7.9, 135],
      ['G', 8.1, 0],
      ['H', 31, 270],
      ['I', 33, 90],
    ]);
    const full = letters((await near(at(center, '&radiusKm=50'))).body);
    expect(full).toBe('ACBDEFGHI');
    for (let size = 1; size <= 9; size += 1) {
      expect(letters((await near(at(center, `&radiusKm=50&size=${size}`))).body)).toBe(
        full.slice(0, size),
      );
    }
    let paged = '';
    for (let n = 1; n <= 5; n += 1) {
      paged += letters((await near(at(center, `&radiusKm=50&size=2&page=${n}`))).body);
    }
    expect(paged).toBe(full);
    expect(letters((await near(at(center, '&radiusKm=8&size=3&page=2'))).body)).toBe('DEF');
  });

  test('Where a flat map and the great circle disagree, pages follow the great circle', async () => {
    // At 60° north a flat map stretches the north-east: P is nearer than N by great circle,
    // but after N and M on a map scaled at the center's latitude.
    const center = { lat: 60 + crypto.randomInt(1000) / 10_000, lng: crypto.randomInt(170) };
    const { letters, points } = await runsAround(center, [
      ['N', 10, 0],
      ['M', 10.001, 0],
      ['P', 9.998, 60],
    ]);
    const flat = (p: LatLng) =>
      Math.hypot(p.lat - center.lat, (p.lng - center.lng) * Math.cos(rad(center.lat)));
    expect(flat(points.get('P')!)).toBeGreaterThan(flat(points.get('M')!));
    expect(haversineKm(center, points.get('P')!)).toBeLessThan(
      haversineKm(center, points.get('N')!),
    );
    const pages = [];
    for (const n of [1, 2, 3]) {
      pages.push(letters((await near(at(center, `&radiusKm=20&page=${n}&size=1`))).body));
    }
    expect(pages).toEqual(['P', 'N', 'M']);
    expect(letters((await near(at(center, '&radiusKm=20&size=2'))).body)).toBe('PN');
  });

  test("A page not kept yet reads a statement per ring and one for its cards, the viewer's applications with them", async () => {
    const center = ownCenter();
    const { names, letters } = await runsAround(center, [
      ['A', 0.2, 0],
      ['B', 0.3, 90],
    ]);
    const runner = await member(file.ctx);
    const [a] = [...names.keys()];
    await apply(a, runner.user);
    let res: request.Response | undefined;
    // The first ring (0.5 km) fills a page of one: that ring, then the page's cards.
    const statements = await countQueries(file.ctx.sequelize, async () => {
      res = await near(at(center, '&page=1&size=1'), runner.headers).expect(200);
    });
    expect(statements).toBe(2);
    expect(letters(res!.body)).toBe('A');
    expect(res!.body.data[0]).toMatchObject({ applyState: true, applyPeople: 2 });
    const page2 = await near(at(center, '&page=2&size=1'), runner.headers).expect(200);
    expect(letters(page2.body)).toBe('B');
    expect(page2.body.data[0]).toMatchObject({ applyState: false, applyPeople: 1 });
  });

  test("A ring wider than half the caller's radius is not read: a page not full at 8 km reads the radius's box next", async () => {
    const center = ownCenter();
    const { letters } = await runsAround(center, [
      ['E', 5, 200],
      ['F', 40, 30],
    ]);
    let res: request.Response | undefined;
    // Rings of 0.5, 2 and 8 km (the ones between skipped as too small for the page), then the
    // 50 km box, not the 32 km ring first (the run in 8 km tells of enough runs there to fill
    // the page), then the page's cards.
    const statements = await countQueries(file.ctx.sequelize, async () => {
      res = await near(at(center, '&radiusKm=50&size=6')).expect(200);
    });
    expect(letters(res!.body)).toBe('EF');
    expect(statements).toBe(5);
  });

  test('Runs that have started and runs whose route cannot be read are never listed', async () => {
    const center = ownCenter();
    await runsAround(center, [['S', 1, 0]], { date: day.today, standbyTime: '09:00:00' });
    const later = await runsAround(center, [['L', 2, 0]], {
      date: day.today,
      standbyTime: '13:00:00',
    });
    const unreadable = await makeGroup(host.user, { date: day.at(1), mapLatLng: 'not a route' });
    expect(unreadable.startLat).toBeNull();
    expect(unreadable.startLng).toBeNull();

    file.calendar.set(day.today, '12:00:00');
    const res = await near(at(center));
    expect(later.letters(res.body)).toBe('L');
    expect(res.body.data.map((c: ListCard) => c.groupId)).not.toContain(unreadable.groupId);
    file.calendar.set(day.today, '13:00:00');
    expect((await near(at(center))).body.data).toEqual([]);
  });

  test('A new run is found at its route start, and a route edit moves it', async () => {
    const center = ownCenter();
    const first = destination(center, 1, 0);
    const moved = destination(center, 30, 180);
    const created = await postGroup(
      file.ctx,
      host.headers,
      createFields(day.at(2), { mapLatLng: JSON.stringify([first, center]) }),
    );
    expect(created.status).toBe(201);
    const { groupId } = created.body as { groupId: string };
    const stored = await Group.findByPk(groupId);
    expect([stored?.startLat, stored?.startLng]).toEqual([first.lat, first.lng]);
    expect((await near(at(center))).body.data.map((c: ListCard) => c.groupId)).toEqual([groupId]);

    const edit = await request(file.ctx.app)
      .patch(`/group/${groupId}`)
      .set(host.headers)
      .field('mapLatLng', JSON.stringify([moved]));
    expect(edit.status).toBe(200);
    const after = await Group.findByPk(groupId);
    expect([after?.startLat, after?.startLng]).toEqual([moved.lat, moved.lng]);
    expect((await near(at(center))).body.data).toEqual([]);
    const wide = await near(at(center, '&radiusKm=31'));
    expect(wide.body.data.map((c: ListCard) => [c.groupId, c.distanceFromMe])).toEqual([
      [groupId, 30],
    ]);
  });

  test("A run starting on a corner of the search's grid is found from every side, and its stored cell is the search's", async () => {
    const spot = ownCenter();
    // A corner of four cells (1/200 degree), where the database's rounding and the search's meet.
    const corner = {
      lat: Number((Math.round(spot.lat * 200) / 200).toFixed(6)),
      lng: Number((Math.round(spot.lng * 200) / 200).toFixed(6)),
    };
    const inside = destination(corner, 0.1, 45);
    const { names, letters } = await runsAround(corner, [['K', 0, 0]]);
    const other = await runsAround(inside, [['I', 0, 0]]);
    const stored = async (groupId: string) => {
      const [row] = await file.ctx.sequelize.query<{ startCell: number | string }>(
        'SELECT `startCell` FROM `Groups` WHERE `groupId` = ?',
        { replacements: [groupId], type: QueryTypes.SELECT },
      );
      return Number(row.startCell);
    };
    expect(await stored([...other.names.keys()][0])).toBe(cellOf(inside.lat, inside.lng));
    const cornerCell = await stored([...names.keys()][0]);
    for (const bearing of [0, 90, 180, 270]) {
      const from = destination(corner, 0.03, bearing);
      expect(cellsIn(boundingBox(from, 0.05))).toContain(cornerCell);
      const res = await near(at(from, '&radiusKm=0.05'));
      expect(res.status).toBe(200);
      expect(letters(res.body)).toBe('K');
    }
  });

  test('Runs across the antimeridian and beyond the pole are found at their great-circle distance', async () => {
    const east = { lat: -40 - crypto.randomInt(1000) / 1000, lng: 179.99 };
    const { letters } = await runsAround(east, [['W', 0, 0]], {
      mapLatLng: routeFrom({ lat: east.lat, lng: -179.99 }),
    });
    const res = await near(at(east));
    expect(letters(res.body)).toBe('W');
    expect(res.body.data[0].distanceFromMe).toBe(
      Math.round(haversineKm(east, { lat: east.lat, lng: -179.99 }) * 10) / 10,
    );

    const pole = { lat: -89.99, lng: crypto.randomInt(100) };
    const other = { lat: -89.99, lng: pole.lng - 180 };
    const across = await runsAround(pole, [['P', 0, 0]], { mapLatLng: routeFrom(other) });
    const polar = await near(at(pole));
    expect(across.letters(polar.body)).toBe('P');
    expect(polar.body.data[0].distanceFromMe).toBe(2.2);
  });

  /** The cell numbers ranges of cells cover, one by one, ascending. */
  const expand = (ranges: Array<[number, number]>) =>
    ranges
      .flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i))
      .sort((a, b) => a - b);

  /**
   * The ranges hold every cell of the box, each once, and no cell beyond a hair (1e-8 degree,
   * about a millimetre) around it: the grid also takes a cell an edge of the box only grazes
   * (within a millionth of a cell, for the database's rounding of a stored start point).
   */
  const expectCellsOf = (box: BoundingBox, ranges: Array<[number, number]>) => {
    const covered = expand(ranges);
    const inRanges = new Set(covered);
    expect(cellsIn(box).filter((cell) => !inRanges.has(cell))).toEqual([]);
    expect(inRanges.size).toBe(covered.length);
    const aroundBox = new Set(cellsIn(box, 1e-8));
    expect(covered.filter((cell) => !aroundBox.has(cell))).toEqual([]);
  };

  test("A box's ranges of cells are its rows and hold its cells, each once and no others, a small box's and a wide one's, across the antimeridian too", () => {
    for (const [center, km] of [
      [ownCenter(), 1],
      [ownCenter(), 1.5],
      [{ lat: -40.5, lng: 179.999 }, 1.5],
      [{ lat: 45.25, lng: -179.995 }, 1],
    ] as Array<[LatLng, number]>) {
      const box = boundingBox(center, km);
      expectCellsOf(box, cellRangesOf(box));
    }
    // Across the antimeridian, a row is two ranges: one at each end of the row's numbers.
    const across = boundingBox({ lat: -40.5, lng: 179.99 }, 10);
    expect(across.lngRanges).toHaveLength(2);
    const ranges = cellRangesOf(across);
    const rows = new Set(ranges.map(([from]) => Math.floor(from / 100_000)));
    expect(ranges).toHaveLength(2 * rows.size);
    // A wide box (many rows, far more cells than a small box has) holds exactly its cells too.
    expect(rows.size).toBeGreaterThan(30);
    expectCellsOf(across, ranges);
    const starts = ranges.map(([from]) => from);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const [from, to] of ranges)
      expect(Math.floor(to / 100_000)).toBe(Math.floor(from / 100_000));
  });

  test('Read by rows or by the band, a box holds exactly the runs not started whose start lies in it, at its edges and across the antimeridian', async () => {
    const started = { date: day.today, standbyTime: '09:00:00' };
    file.calendar.set(day.today, '12:00:00');
    const now = file.ctx.clock.now();
    const at = { today: kstDate(now), time: kstTime(now) };
    const e = 0.00002;
    // On MariaDB: rows of cells in groups of ranges (8 km; 4 km across the antimeridian, two
    // ranges a row), and the latitude band of a box of too many rows (30 km).
    const antimeridian = { lat: -30 - crypto.randomInt(1000) / 1000, lng: 179.98 };
    for (const [center, km] of [
      [ownCenter(), 8],
      [antimeridian, 4],
      [ownCenter(), 30],
    ] as Array<[LatLng, number]>) {
      const box: BoundingBox = boundingBox(center, km);
      const west = box.lngRanges[0][0];
      const east = box.lngRanges[box.lngRanges.length - 1][1];
      const round = (p: LatLng) => ({
        lat: Number(p.lat.toFixed(6)),
        lng: Number(p.lng.toFixed(6)),
      });
      const spots: Array<[string, LatLng, Partial<Group>?]> = [
        ['N', { lat: box.maxLat - e, lng: center.lng }],
        ['S', { lat: box.minLat + e, lng: center.lng }],
        ['W', { lat: center.lat, lng: west + e }],
        ['E', { lat: center.lat, lng: east - e }],
        ['C', { lat: box.maxLat - e, lng: east - e }],
        ['n', { lat: box.maxLat + e, lng: center.lng }],
        ['s', { lat: box.minLat - e, lng: center.lng }],
        ['w', { lat: center.lat, lng: west - e }],
        ['e', { lat: center.lat, lng: east + e }],
        ['c', { lat: box.maxLat + e, lng: east + e }],
        ['x', { lat: center.lat, lng: center.lng }, started],
      ];
      if (box.lngRanges.length === 2) {
        // Both ends of the rows: the last cells before the antimeridian and the first after it.
        spots.push(
          ['A', { lat: center.lat, lng: 179.99999 }],
          ['B', { lat: center.lat, lng: -179.99999 }],
        );
      }
      const names = new Map<string, string>();
      for (const [letter, spot, attrs] of spots) {
        const group = await makeGroup(host.user, {
          date: day.at(1),
          mapLatLng: routeFrom(round(spot)),
          ...attrs,
        });
        names.set(group.groupId, letter);
      }
      const rows = await selectStartsInBox(file.ctx.sequelize, box, at);
      const found = rows.flatMap((row) => names.get(row.groupId) ?? []).sort();
      expect(found.join('')).toBe(box.lngRanges.length === 2 ? 'ABCENSW' : 'CENSW');
    }
  });

  test('A radius whose box is read by rows lists the runs just inside the circle on every side, not those just outside or started', async () => {
    const center = ownCenter();
    expect(cellRangesOf(boundingBox(center, 10)).length).toBeGreaterThan(30);
    const { letters } = await runsAround(center, [
      ['N', 9.95, 0],
      ['E', 9.96, 90],
      ['S', 9.97, 180],
      ['W', 9.98, 270],
      ['n', 10.02, 0],
      ['e', 10.02, 90],
      ['s', 10.02, 180],
      ['w', 10.02, 270],
      ['c', 10.5, 45],
    ]);
    const today = await runsAround(center, [['L', 9.9, 135]], {
      date: day.today,
      standbyTime: '13:00:00',
    });
    await runsAround(center, [['X', 9.9, 315]], { date: day.today, standbyTime: '09:00:00' });
    file.calendar.set(day.today, '12:00:00');
    // A page larger than the runs: the search reads up to the radius's own box.
    const res = await near(at(center, '&radiusKm=10&size=100'));
    expect(res.status).toBe(200);
    const ids = (res.body.data as ListCard[]).map((c) => c.groupId);
    expect(ids).toHaveLength(5);
    expect(today.letters({ data: res.body.data.slice(0, 1) })).toBe('L');
    expect(letters({ data: res.body.data.slice(1) })).toBe('NESW');
    // The page of one found in the same box, ring by ring.
    expect(letters((await near(at(center, '&radiusKm=10&size=2&page=2'))).body)).toBe('ES');
  });

  test('Across the antimeridian, a radius read by rows finds the runs on both sides at their great-circle distance', async () => {
    const center = { lat: -20 - crypto.randomInt(1000) / 1000, lng: 179.98 };
    expect(boundingBox(center, 5).lngRanges).toHaveLength(2);
    const { letters, points } = await runsAround(center, [
      ['E', 3.5, 90],
      ['W', 2.5, 270],
      ['F', 4.9, 80],
      ['O', 5.2, 100],
    ]);
    expect(points.get('E')!.lng).toBeLessThan(0);
    const res = await near(at(center, '&size=10'));
    expect(letters(res.body)).toBe('WEF');
    expect(res.body.data[1].distanceFromMe).toBe(
      Math.round(haversineKm(center, points.get('E')!) * 10) / 10,
    );
  });

  test.each([
    ['lng=127', GROUP.nearLocationMissing],
    ['lat=37.5', GROUP.nearLocationMissing],
    ['lat=&lng=127', GROUP.nearLocationMissing],
    ['lat=NaN&lng=127', GROUP.badLatitude],
    ['lat=Infinity&lng=127', GROUP.badLatitude],
    ['lat=-Infinity&lng=127', GROUP.badLatitude],
    ['lat=91&lng=127', GROUP.badLatitude],
    ['lat=-91&lng=127', GROUP.badLatitude],
    ['lat=90.0001&lng=127', GROUP.badLatitude],
    ['lat=abc&lng=127', GROUP.badLatitude],
    ['lat=1e1&lng=127', GROUP.badLatitude],
    ['lat=0x10&lng=127', GROUP.badLatitude],
    ['lat=37.5&lat=37.6&lng=127', GROUP.badLatitude],
    ['lat[a]=1&lng=127', GROUP.nearLocationMissing],
    ['lat=37.5&lng=180.5', GROUP.badLongitude],
    ['lat=37.5&lng=-181', GROUP.badLongitude],
    ['lat=37.5&lng=NaN', GROUP.badLongitude],
    ['lat=37.5&lng=Infinity', GROUP.badLongitude],
    ['lat=37.5&lng=127&lng=128', GROUP.badLongitude],
    ['lat=37.5&lng=127&radiusKm=0', GROUP.badRadius],
    ['lat=37.5&lng=127&radiusKm=-1', GROUP.badRadius],
    ['lat=37.5&lng=127&radiusKm=50.01', GROUP.badRadius],
    ['lat=37.5&lng=127&radiusKm=Infinity', GROUP.badRadius],
    ['lat=37.5&lng=127&radiusKm=NaN', GROUP.badRadius],
    ['lat=37.5&lng=127&radiusKm=five', GROUP.badRadius],
    ['lat=37.5&lng=127&page=0', GROUP.badSearch],
    ['lat=37.5&lng=127&page=-1', GROUP.badSearch],
    ['lat=37.5&lng=127&page=1.5', GROUP.badSearch],
    ['lat=37.5&lng=127&size=101', GROUP.badSearch],
    ['lat=37.5&lng=127&size=abc', GROUP.badSearch],
    ['lat=37.5&lng=127&size=1&size=2', GROUP.badSearch],
  ])('GET /group/near?%s answers 400 with a clear message', async (query, message) => {
    const res = await near(query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
  });

  test.each([
    'lat=90&lng=180',
    'lat=-90&lng=-180',
    'lat=+37.5&lng=127.&radiusKm=.5',
    'lat=0&lng=0&radiusKm=50',
  ])('GET /group/near?%s is a valid query at the limits', async (query) => {
    const res = await near(query);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(Array.isArray(res.body.data)).toBe(true);
  });

  test('/group/near is not taken for a list category, and the lists still answer', async () => {
    const res = await near('lat=10&lng=10');
    expect(res.status).toBe(200);
    const unknown = await request(file.ctx.app).get('/group/nearby').set(GUEST);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe(GROUP.badCategory);
  });
});
