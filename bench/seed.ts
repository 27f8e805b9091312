/**
 * Fills a database with realistic data at scale, for load tests:
 *
 *   DATA_DIR=/tmp/bench-embedded npm run bench:seed -- --groups 100000 --courses 10000 --users 20000
 *   DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench JWT_SECRET=… PHONE_ENCRYPTION_KEY=… \
 *     npm run bench:seed -- --groups 100000
 *
 * It writes to the configured database (DB_URL, or the embedded one in DATA_DIR) and refuses any
 * whose name (or DATA_DIR) does not contain "bench" or "test": it is meant for throw-away data.
 * Rows get ids derived from their index (`bench-group-000042`), so a second run with larger
 * numbers grows the same database instead of duplicating it; `bench/run.ts` relies on that to
 * measure a small database and then the same one grown.
 *
 * Shape (per run, on average): 10 applications, 1 question with an answer every other time; per
 * course 10 comments, 5 bookmarks, 5 ratings; one reply per three course comments; 5 alarms per
 * user. Runs are spread over the 8 weeks before and after today, so half have started, and
 * start within about 3 km of one of 52 real running spots across Korea's cities. Besides, a
 * plant of 90 runs the generator never makes, the same at every size (`plantedRuns`): what the
 * bench's rare-match requests find, so they answer alike at 1,000 runs and at 100,000.
 */
import path from 'node:path';
import { Op, type CreationAttributes, type Transaction } from 'sequelize';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { loadConfigFromEnvironment } from '../src/config';
import {
  Alarm,
  Applier,
  Bookmark,
  Comment,
  Course,
  Group,
  Recomment,
  StarPoint,
  User,
} from '../src/db/models';
import { regionFromAddress, timeSlotFromTime } from '../src/lib/codes';
import { KM_PER_DEGREE } from '../src/lib/geo';
import { kstDate } from '../src/lib/time';
import {
  COURSE_COMMENTS,
  GROUP_QUESTIONS,
  HOST_ANSWERS,
  NICKNAMES,
  SPEEDS,
  USER_LEVELS,
} from '../seeders/content';
import { PLACES } from '../seeders/places';
import { Random } from '../seeders/random';
import { courseTotalTime } from '../seeders/rules';
import { argsOrExit, intOption } from '../src/cli/args';
import { createProgress, QUIET } from '../src/cli/progress';

export interface SeedSizes {
  users: number;
  groups: number;
  courses: number;
}

const DAY_MS = 86_400_000;
const WEEKS = 8;
/** Rows per INSERT: well under MySQL's placeholder limit and SQLite's variable limit per row. */
const CHUNK = 500;
/** Runs (or courses) generated and committed together, so memory stays bounded at any size. */
const BATCH = 2_000;

export const userIdOf = (i: number) => `bench-user-${String(i).padStart(6, '0')}`;
export const groupIdOf = (i: number) => `bench-group-${String(i).padStart(7, '0')}`;
export const courseIdOf = (i: number) => `bench-course-${String(i).padStart(6, '0')}`;

const pad2 = (n: number) => String(n).padStart(2, '0');
const mapOf = (lat: number, lng: number) =>
  JSON.stringify([
    { lat, lng },
    { lat: lat + 0.004, lng: lng + 0.006 },
    { lat: lat + 0.009, lng: lng + 0.002 },
  ]);

/**
 * Where a run starts: somewhere within about 3 km of its place (runners meet at different gates
 * and stations), so the near-me search sees runs spread over each city, not stacked on 52 spots.
 */
const nearby = (place: { lat: number; lng: number }, rand: Random): [number, number] => [
  Number((place.lat + rand.float(-0.027, 0.027)).toFixed(6)),
  Number((place.lng + rand.float(-0.034, 0.034)).toFixed(6)),
];

/** Inserts rows in chunks inside one transaction: one commit (one fsync) per batch, not per row. */
async function insert<T extends object>(
  runtime: Runtime,
  batches: Array<[rows: T[], write: (chunk: T[], transaction: Transaction) => Promise<unknown>]>,
): Promise<void> {
  await runtime.sequelize.transaction(async (transaction) => {
    for (const [rows, write] of batches) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await write(rows.slice(i, i + CHUNK), transaction);
      }
    }
  });
}

const writer =
  <M extends { bulkCreate: (rows: never[], o: object) => Promise<unknown> }>(model: M) =>
  (chunk: object[], transaction: Transaction) =>
    model.bulkCreate(chunk as never[], { transaction });

/** Progress on stderr (a line updated in place on a terminal); `--quiet` turns it off. */
let report = createProgress();

class Progress {
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}
  tick(done: number) {
    report.count(this.label, done, this.total);
  }
}

async function countOf(
  model: { count: (o: object) => Promise<number> },
  prefix: string,
  key: string,
) {
  return model.count({ where: { [key]: { [Op.like]: `${prefix}%` } } });
}

async function seedUsers(runtime: Runtime, from: number, to: number, rand: Random) {
  const progress = new Progress('users', to - from);
  for (let start = from; start < to; start += BATCH) {
    const rows: Array<CreationAttributes<User>> = [];
    for (let i = start; i < Math.min(to, start + BATCH); i += 1) {
      rows.push({
        userId: userIdOf(i),
        nickname: `${rand.pick(NICKNAMES)}${i}`,
        bio: null,
        profileUrl: 'https://example.com/profile.png',
        likeLocation: String(rand.int(1, 9)),
        likeDistance: String(rand.int(0, 4)),
        userLevel: rand.pick(USER_LEVELS),
        social: 'bench',
        socialId: `bench-${i}`,
        phone: null,
      });
    }
    await insert(runtime, [[rows, writer(User)]]);
    progress.tick(Math.min(to, start + BATCH) - from);
  }
}

async function seedGroups(
  runtime: Runtime,
  from: number,
  to: number,
  users: number,
  rand: Random,
  now: Date,
) {
  const progress = new Progress('groups', to - from);
  // Start points have a generator of their own, so the rest of the data is what it was.
  const spots = new Random(5 + from);
  for (let start = from; start < to; start += BATCH) {
    const groups: Array<CreationAttributes<Group>> = [];
    const appliers: Array<CreationAttributes<Applier>> = [];
    const comments: Array<CreationAttributes<Comment>> = [];
    const replies: Array<CreationAttributes<Recomment>> = [];
    for (let i = start; i < Math.min(to, start + BATCH); i += 1) {
      const groupId = groupIdOf(i);
      const place = rand.pick(PLACES);
      const host = rand.int(0, users - 1);
      const standbyTime = `${pad2(rand.int(5, 21))}:${rand.chance(0.5) ? '30' : '00'}:00`;
      const [h, m] = standbyTime.split(':').map(Number);
      const maxPeople = rand.int(3, 20);
      const offsetDays = rand.int(-WEEKS * 7, WEEKS * 7);
      groups.push({
        groupId,
        userId: userIdOf(host),
        mapLatLng: mapOf(...nearby(place, spots)),
        thumbnailUrl1: null,
        thumbnailUrl2: null,
        thumbnailUrl3: null,
        title: `${place.name} 같이 달려요 #${i}`,
        maxPeople,
        date: kstDate(new Date(now.getTime() + offsetDays * DAY_MS)),
        standbyTime,
        finishTime: `${pad2(Math.min(23, h + 2))}:${pad2(m)}:00`,
        distance: Math.round(rand.float(3, 25) * 10) / 10,
        speed: rand.pick(SPEEDS),
        location: place.address,
        parking: place.parking,
        baggage: place.baggage,
        content: '천천히 대화하면서 뛰어요. 초보도 환영합니다.',
        region: regionFromAddress(place.address),
        timecode: timeSlotFromTime(standbyTime),
        thema: rand.pick(place.themes),
        chattingRoom: '',
      });
      // The host is always the first applicant and a run is never above its capacity.
      const members = new Set([host]);
      const wanted = Math.min(maxPeople, rand.int(1, 19), users);
      for (let tries = 0; members.size < wanted && tries < wanted * 4; tries += 1) {
        members.add(rand.int(0, users - 1));
      }
      for (const member of members) {
        appliers.push({ groupId, userId: userIdOf(member), attendance: offsetDays < 0 });
      }
      if (rand.chance(0.7)) {
        const commentId = `${groupId}-c0`;
        const author = [...members][rand.int(0, members.size - 1)];
        comments.push({
          commentId,
          groupId,
          courseId: null,
          userId: userIdOf(author === host ? (host + 1) % users : author),
          content: rand.pick(GROUP_QUESTIONS),
        });
        if (rand.chance(0.5)) {
          replies.push({ commentId, userId: userIdOf(host), content: rand.pick(HOST_ANSWERS) });
        }
      }
    }
    await insert<object>(runtime, [
      [groups, writer(Group)],
      [appliers, writer(Applier)],
      [comments, writer(Comment)],
      [replies, writer(Recomment)],
    ]);
    progress.tick(Math.min(to, start + BATCH) - from);
  }
}

async function seedCourses(
  runtime: Runtime,
  from: number,
  to: number,
  users: number,
  rand: Random,
) {
  const progress = new Progress('courses', to - from);
  for (let start = from; start < to; start += BATCH) {
    const courses: Array<CreationAttributes<Course>> = [];
    const comments: Array<CreationAttributes<Comment>> = [];
    const replies: Array<CreationAttributes<Recomment>> = [];
    const bookmarks: Array<CreationAttributes<Bookmark>> = [];
    const ratings: Array<CreationAttributes<StarPoint>> = [];
    for (let i = start; i < Math.min(to, start + BATCH); i += 1) {
      const courseId = courseIdOf(i);
      const place = rand.pick(PLACES);
      const author = rand.int(0, users - 1);
      const distance = Math.round(rand.float(2, 21) * 10) / 10;
      const fans = rand.sample(
        Array.from({ length: Math.min(users, 10) }, () => rand.int(0, users - 1)),
        rand.int(0, 10),
      );
      const distinctFans = [...new Set(fans)];
      // A user bookmarks and rates a course once at most (unique keys), so draw distinct users.
      const bookmarkers = distinctFans.filter(() => rand.chance(0.5));
      const raters = distinctFans.filter(() => rand.chance(0.5));
      let total = 0;
      for (const rater of raters) {
        const stars = rand.int(2, 5);
        total += stars;
        ratings.push({ courseId, userId: userIdOf(rater), myStarPoint: stars });
      }
      for (const fan of bookmarkers) bookmarks.push({ courseId, userId: userIdOf(fan) });
      const created = new Date(Date.now() - rand.int(0, 365) * DAY_MS);
      const thema = rand.pick(place.themes);
      const commentCount = rand.int(0, 20);
      courses.push({
        courseId,
        userId: userIdOf(author),
        title: `${place.name} ${distance}km 코스 #${i}`,
        content: `${place.name}에서 출발하는 ${distance}km 코스예요. 평탄하고 경치가 좋아요.`,
        location: place.address,
        mapLatLng: mapOf(place.lat, place.lng),
        distance,
        totalTime: courseTotalTime(distance),
        courseImageUrl1: 'https://example.com/course.png',
        courseImageUrl2: null,
        courseImageUrl3: null,
        // The feed's sort keys, computed as src/courses/stats.ts does after each change.
        starPoint: raters.length > 0 ? Math.round((total * 10) / raters.length) / 10 : 0,
        bookmarkCnt: bookmarkers.length,
        commentCnt: commentCount,
        baggage: place.baggage,
        parking: place.parking,
        region: regionFromAddress(place.address),
        thema,
        createdAt: created,
        updatedAt: created,
      });
      for (let c = 0; c < commentCount; c += 1) {
        const commentId = `${courseId}-c${c}`;
        comments.push({
          commentId,
          groupId: null,
          courseId,
          userId: userIdOf(rand.int(0, users - 1)),
          content: rand.pick(COURSE_COMMENTS),
        });
        if (c % 3 === 0) {
          replies.push({ commentId, userId: userIdOf(author), content: '감사합니다!' });
        }
      }
    }
    await insert<object>(runtime, [
      [courses, writer(Course)],
      [comments, writer(Comment)],
      [replies, writer(Recomment)],
      [bookmarks, writer(Bookmark)],
      [ratings, writer(StarPoint)],
    ]);
    progress.tick(Math.min(to, start + BATCH) - from);
  }
}

/** Five alarms per new user, about runs (the Dday/start kind the worker writes) and comments. */
async function seedAlarms(
  runtime: Runtime,
  from: number,
  to: number,
  groups: number,
  rand: Random,
) {
  if (groups === 0) return;
  const progress = new Progress('alarms', to - from);
  for (let start = from; start < to; start += BATCH) {
    const rows: Array<CreationAttributes<Alarm>> = [];
    for (let u = start; u < Math.min(to, start + BATCH); u += 1) {
      for (let k = 0; k < 5; k += 1) {
        const g = rand.int(0, groups - 1);
        rows.push({
          userId: userIdOf(u),
          category: rand.pick(['Dday', 'start', 'comment', 'recomment', 'end']),
          groupId: groupIdOf(g),
          groupTitle: `같이 달려요 #${g}`,
          nickname: `러너${rand.int(0, 9999)}`,
          role: 'attendance',
          check: rand.chance(0.5),
        });
      }
    }
    await insert(runtime, [[rows, writer(Alarm)]]);
    progress.tick(Math.min(to, start + BATCH) - from);
  }
}

// ---------------------------------------------------------------------------------------------
// The plant: a few runs the generator never makes, the same at every size, so that the bench's
// rare-match requests (`bench/run.ts`) answer the same runs at 1,000 runs and at 100,000.

/** The Korean date `days` after `now`. */
const dayAfter = (now: Date, days: number) => kstDate(new Date(now.getTime() + days * DAY_MS));

/** Hosts every planted run: a user of its own, in no other run (nobody's feed or alarms grow). */
export const PLANT_HOST = 'bench-plant-host';
const plantIdOf = (kind: string, i: number) => `bench-plant-${kind}-${pad2(i + 1)}`;

/**
 * City runs in Gangwon: none of the generator's spots there (Chuncheon's lake, Gyeongpo beach,
 * Yeongnang lake) is a city one, nor is any in Chungcheong, so `region=4/5/&thema=도시/` (2
 * regions × 1 theme × 7 time slots × 5 distance bands: 70 keys, read through the probe of
 * `src/groups/probe.ts`) matches exactly these, at every size. All within the search's week.
 */
export const RARE_PLANT = {
  count: 10,
  address: '강원 춘천시 조양동 50-1',
  name: '춘천 명동',
  lat: 37.8808,
  lng: 127.7283,
  thema: '도시',
  /** The days after today the planted runs fall on (the search asks for exactly this week). */
  fromDay: 7,
  toDay: 13,
} as const;

/** The rare-match request's query string at `now`: the planted runs, and only them. */
export const rareSearchQuery = (now: Date) =>
  `date=${dayAfter(now, RARE_PLANT.fromDay)}/${dayAfter(now, RARE_PLANT.toDay)}` +
  `&region=4/5/&thema=${encodeURIComponent(`${RARE_PLANT.thema}/`)}`;

/**
 * Where the near-me requests of `npm run bench` stand. The generator's runs are dense around
 * Yeouido and Haeundae; around Gwangju and Gangneung there are few (at 1,000 runs about 15 and 7
 * runs to come within 50 km, a number that moves with the day), so each of those two gets a
 * planted cluster of `NEAR_PLANT.perSpot` runs to come, enough alone to fill the 50 km request's
 * page 2 of 20 at any size. They lie `minKm`–`maxKm` away on the landward side, beyond the
 * 5 km request's box and its latitude band, and beyond the 40 nearest runs at 100,000 runs (all
 * within 8 km there), so neither the 5 km answers nor the 100,000-run answers change.
 */
export const NEAR_SPOTS = [
  { name: 'Yeouido', lat: 37.5285, lng: 126.9326, plant: null },
  { name: 'Haeundae', lat: 35.1587, lng: 129.16, plant: null },
  {
    name: 'Gwangju',
    lat: 35.1595,
    lng: 126.8526,
    plant: { address: '광주 광산구', thema: '공원' },
  },
  {
    name: 'Gangneung',
    lat: 37.7519,
    lng: 128.8761,
    plant: { address: '강원 강릉시', thema: '강변' },
  },
] as const;

export const NEAR_PLANT = {
  perSpot: 40,
  minKm: 15,
  maxKm: 45,
  /** Bearings (degrees from north) the clusters spread over: west-south-west to north-west. */
  bearings: [200, 340],
  /** The days after today the planted runs fall on: past the first pages of the date lists. */
  fromDay: 14,
  toDay: 42,
} as const;

/** A point `km` from `from` at `bearing` degrees (flat-earth offsets: exact enough at 50 km). */
function offsetPoint(from: { lat: number; lng: number }, km: number, bearing: number) {
  const rad = (bearing * Math.PI) / 180;
  const lat = from.lat + (km * Math.cos(rad)) / KM_PER_DEGREE;
  const lng =
    from.lng + (km * Math.sin(rad)) / (KM_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180));
  return [Number(lat.toFixed(6)), Number(lng.toFixed(6))] as const;
}

/** The planted runs at `now`, deterministic for the day (a generator of their own). */
export function plantedRuns(now: Date): Array<CreationAttributes<Group>> {
  const rand = new Random(7);
  const run = (
    groupId: string,
    where: { name: string; address: string; lat: number; lng: number },
    thema: string,
    day: number,
  ): CreationAttributes<Group> => {
    const standbyTime = `${pad2(rand.int(5, 21))}:${rand.chance(0.5) ? '30' : '00'}:00`;
    const [h, m] = standbyTime.split(':').map(Number);
    return {
      groupId,
      userId: PLANT_HOST,
      mapLatLng: mapOf(where.lat, where.lng),
      thumbnailUrl1: null,
      thumbnailUrl2: null,
      thumbnailUrl3: null,
      title: `${where.name} 같이 달려요 (${groupId.slice('bench-plant-'.length)})`,
      maxPeople: rand.int(3, 20),
      date: dayAfter(now, day),
      standbyTime,
      finishTime: `${pad2(Math.min(23, h + 2))}:${pad2(m)}:00`,
      distance: Math.round(rand.float(3, 25) * 10) / 10,
      speed: rand.pick(SPEEDS),
      location: where.address,
      parking: null,
      baggage: null,
      content: '천천히 대화하면서 뛰어요. 초보도 환영합니다.',
      region: regionFromAddress(where.address),
      timecode: timeSlotFromTime(standbyTime),
      thema,
      chattingRoom: '',
    };
  };
  const rare = Array.from({ length: RARE_PLANT.count }, (_, i) =>
    run(
      plantIdOf('rare', i),
      RARE_PLANT,
      RARE_PLANT.thema,
      RARE_PLANT.fromDay + (i % (RARE_PLANT.toDay - RARE_PLANT.fromDay + 1)),
    ),
  );
  const near = NEAR_SPOTS.flatMap((spot) => {
    if (!spot.plant) return [];
    const { address, thema } = spot.plant;
    return Array.from({ length: NEAR_PLANT.perSpot }, (_, i) => {
      const [lat, lng] = offsetPoint(
        spot,
        rand.float(NEAR_PLANT.minKm, NEAR_PLANT.maxKm),
        rand.float(...NEAR_PLANT.bearings),
      );
      return run(
        plantIdOf(`near-${spot.name.toLowerCase()}`, i),
        { name: `${address.split(' ')[1]} 근교`, address: `${address} 근교 ${i + 1}`, lat, lng },
        thema,
        rand.int(NEAR_PLANT.fromDay, NEAR_PLANT.toDay),
      );
    });
  });
  return [...rare, ...near];
}

/**
 * Writes the plant afresh (its dates follow today, so a database seeded on another day still
 * answers the bench's requests): the host, the runs and each run's host as its applicant.
 */
async function seedPlant(runtime: Runtime, now: Date): Promise<void> {
  const runs = plantedRuns(now);
  const ids = runs.map((g) => g.groupId!);
  await runtime.sequelize.transaction(async (transaction) => {
    await Applier.destroy({ where: { groupId: ids }, transaction });
    await Group.destroy({ where: { groupId: ids }, transaction });
    await User.findOrCreate({
      where: { userId: PLANT_HOST },
      defaults: {
        userId: PLANT_HOST,
        nickname: '벤치플랜트',
        bio: null,
        profileUrl: 'https://example.com/profile.png',
        likeLocation: '4',
        likeDistance: '2',
        userLevel: USER_LEVELS[0],
        social: 'bench',
        socialId: PLANT_HOST,
        phone: null,
      },
      transaction,
    });
    await Group.bulkCreate(runs, { transaction });
    await Applier.bulkCreate(
      ids.map((groupId) => ({ groupId, userId: PLANT_HOST, attendance: false })),
      { transaction },
    );
  });
}

/**
 * Grows the bench rows of the database up to the given sizes (never shrinks), and writes the
 * plant (above). Deterministic for given sizes and day, so two backends seeded alike hold the
 * same data. `now` places the dates (the clock by default); `quiet` writes no progress.
 */
export async function seedBench(
  runtime: Runtime,
  sizes: SeedSizes,
  { now = new Date(), quiet = false }: { now?: Date; quiet?: boolean } = {},
): Promise<SeedSizes> {
  const shown = report;
  if (quiet) report = createProgress({ quiet });
  try {
    return await grow(runtime, sizes, now);
  } finally {
    report = shown;
  }
}

async function grow(runtime: Runtime, sizes: SeedSizes, now: Date): Promise<SeedSizes> {
  const have = {
    users: await countOf(User, 'bench-user-', 'userId'),
    groups: await countOf(Group, 'bench-group-', 'groupId'),
    courses: await countOf(Course, 'bench-course-', 'courseId'),
  };
  const users = Math.max(have.users, sizes.users);
  // Each size gets its own stream, seeded by where it starts, so growing is repeatable.
  await seedUsers(runtime, have.users, users, new Random(1 + have.users));
  await seedGroups(runtime, have.groups, sizes.groups, users, new Random(2 + have.groups), now);
  await seedCourses(runtime, have.courses, sizes.courses, users, new Random(3 + have.courses));
  await seedAlarms(
    runtime,
    have.users,
    users,
    Math.max(have.groups, sizes.groups),
    new Random(4 + have.users),
  );
  await seedPlant(runtime, now);
  if (runtime.sequelize.getDialect() === 'mysql') {
    // Fresh statistics, or the optimiser plans for the empty tables it last looked at.
    await runtime.sequelize.query(
      'ANALYZE TABLE `Users`, `Groups`, `Appliers`, `Courses`, `Comments`, `Recomments`, `Bookmarks`, `starpoint`, `Alarms`',
    );
  } else {
    await runtime.sequelize.query('ANALYZE');
  }
  return {
    users,
    groups: Math.max(have.groups, sizes.groups),
    courses: Math.max(have.courses, sizes.courses),
  };
}

/** The database's name (MySQL) or its folder (embedded), which must say it is disposable. */
export function assertDisposable(dbUrl: string | null, sqliteFile: string): void {
  const name = dbUrl
    ? decodeURIComponent(new URL(dbUrl.replace(/^mariadb:/, 'mysql:')).pathname.slice(1))
    : path.resolve(sqliteFile);
  if (!/bench|test/i.test(name)) {
    throw new Error(
      `refusing to seed "${name}": its name must contain "bench" or "test" (this writes ` +
        'hundreds of thousands of rows)',
    );
  }
}

export function numberArg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 10_000_000) {
    throw new Error(`--${name} must be a whole number up to 10,000,000`);
  }
  return value;
}

const LIMIT: [number, number] = [0, 10_000_000];

export const BENCH_SEED_CLI = {
  command: 'npm run bench:seed --',
  summary:
    'Grows the bench rows of the configured database (DB_URL, or the embedded one in DATA_DIR) ' +
    'up to the given sizes. Refuses a database whose name (or DATA_DIR) has no "bench" or "test".',
  options: {
    groups: { type: 'string', value: '<n>', description: 'group runs (default 100000)' },
    courses: { type: 'string', value: '<n>', description: 'courses (default 10000)' },
    users: { type: 'string', value: '<n>', description: 'users, at least 1 (default 20000)' },
    ...QUIET,
  },
} as const;

async function main() {
  const { sizes, quiet } = argsOrExit(BENCH_SEED_CLI, ({ values }) => ({
    sizes: {
      groups: intOption('groups', values.groups, 100_000, LIMIT),
      courses: intOption('courses', values.courses, 10_000, LIMIT),
      users: intOption('users', values.users, 20_000, [1, LIMIT[1]]),
    },
    quiet: values.quiet === true,
  }));
  if (quiet) report = createProgress({ quiet });
  const config = { ...loadConfigFromEnvironment() };
  assertDisposable(config.db.url, config.db.sqliteFile);
  const runtime = await bootstrap(
    { ...config, log: { ...config.log, level: 'warn' } },
    { migrate: true },
  );
  const started = performance.now();
  try {
    const seeded = await seedBench(runtime, sizes);
    report.line(
      `seeded ${JSON.stringify(seeded)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await runtime.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
