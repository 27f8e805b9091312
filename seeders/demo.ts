import {
  Op,
  UniqueConstraintError,
  type CreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import {
  Applier,
  Bookmark,
  Comment,
  Course,
  Group,
  Recomment,
  StarPoint,
  User,
} from '../src/db/models';
import { updateCommentCnt } from '../src/courses/marks.queries';
import { refreshStats } from '../src/courses/stats';
import { fromKst, kstDate, kstParts } from '../src/lib/time';
import {
  AFTER_RUN_COMMENTS,
  AFTER_RUN_REPLIES,
  APPLICANT_REPLIES,
  BIOS,
  COURSE_COMMENTS,
  GROUP_QUESTIONS,
  HOST_ANSWERS,
  NICKNAMES,
  SPEEDS,
  USER_LEVELS,
  courseContent,
  courseTitle,
  groupContent,
  groupTitle,
} from './content';
import { PLACES, type Place, type Theme } from './places';
import { Random, seedId } from './random';
import { regionFromAddress, timeSlotFromTime } from '../src/lib/codes';
import { courseTotalTime } from './rules';
import { buildShowcase } from './showcase';

/** `Users.social` of every demo account; how a database that already has the demo is recognised. */
export const SEED_SOCIAL = 'seed';

export const DEMO_SIZE = {
  users: 36,
  upcomingGroups: 40,
  pastGroups: 8,
  /** The runs of seeders/showcase.ts (starting soon, just ended, full). */
  showcaseGroups: 3,
  courses: 15,
} as const;

/** The socialId of the first demo account (`seed-${pad2(1)}`). */
const DEMO_FIRST_SOCIAL_ID = 'seed-01';

/** Fixed so that the same clock gives the same demo, run after run. */
const PRNG_SEED = 20220610;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface DemoData {
  users: CreationAttributes<User>[];
  groups: CreationAttributes<Group>[];
  appliers: CreationAttributes<Applier>[];
  courses: CreationAttributes<Course>[];
  bookmarks: CreationAttributes<Bookmark>[];
  starpoints: CreationAttributes<StarPoint>[];
  comments: CreationAttributes<Comment>[];
  recomments: CreationAttributes<Recomment>[];
}

export type DemoCounts = Record<keyof DemoData, number>;

export interface SeedContext {
  sequelize: Sequelize;
  now: () => Date;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Stored timestamps have whole seconds on MySQL; keep SQLite identical. */
const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

/** Always draws once, so a different clock shifts dates without reshuffling everything else. */
function between(rand: Random, from: number, to: number): Date {
  const at = rand.float(from, to);
  return wholeSeconds(to <= from ? from : at);
}

const twoDecimals = (n: number) => Math.round(n * 100) / 100;

/** `5'30" km/h` → 5.5 minutes per kilometre. */
function paceMinutes(speed: string): number {
  const m = /^(\d+)'(\d+)"/.exec(speed);
  return m ? Number(m[1]) + Number(m[2]) / 60 : 6;
}

function clock(minutesOfDay: number): string {
  const m = ((minutesOfDay % 1440) + 1440) % 1440;
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}:00`;
}

const DISTANCE_BANDS: readonly [number, number][] = [
  [3, 6],
  [5, 10],
  [5, 10],
  [8, 12],
  [10, 16],
  [15, 21],
];

/** Km with two decimals, as the SPA sends them; late runs are short, tracks and trails shorter. */
function distanceFor(rand: Random, theme: Theme, lateEvening: boolean): number {
  const band = rand.pick(DISTANCE_BANDS);
  const share = rand.next();
  let [min, max] = band;
  if (lateEvening) [min, max] = [3, 8];
  else if (theme === '트랙') [min, max] = [3, 10];
  else if (theme === '산') [min, max] = [5, 15];
  return twoDecimals(min + share * (max - min));
}

/**
 * A drawn route: a rough loop through the meeting place, which is the first point (the SPA takes
 * the address from the first point). A track stays on its 400 m oval.
 */
function route(rand: Random, place: Place, theme: Theme, distanceKm: number, points: number) {
  const radiusKm = theme === '트랙' ? 0.06 : Math.min(2, Math.max(0.3, distanceKm / (2 * Math.PI)));
  const kmPerLat = 111.32;
  const kmPerLng = 111.32 * Math.cos((place.lat * Math.PI) / 180);
  const toCentre = rand.float(0, 2 * Math.PI);
  const centre = {
    lat: place.lat + (radiusKm * Math.sin(toCentre)) / kmPerLat,
    lng: place.lng + (radiusKm * Math.cos(toCentre)) / kmPerLng,
  };
  const round = (n: number) => Math.round(n * 1e7) / 1e7;
  const path = [{ lat: place.lat, lng: place.lng }];
  for (let i = 1; i < points; i += 1) {
    const angle = toCentre + Math.PI + (2 * Math.PI * i) / points;
    const r = radiusKm * rand.float(0.85, 1.15);
    path.push({
      lat: round(centre.lat + (r * Math.sin(angle)) / kmPerLat),
      lng: round(centre.lng + (r * Math.cos(angle)) / kmPerLng),
    });
  }
  return JSON.stringify(path);
}

function openChatLink(rand: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let code = '';
  for (let i = 0; i < 8; i += 1) code += alphabet[rand.int(0, alphabet.length - 1)];
  return `https://open.kakao.com/o/g${code}`;
}

const PLACES_BY_REGION = new Map<number, Place[]>();
for (const place of PLACES) {
  const region = regionFromAddress(place.address);
  PLACES_BY_REGION.set(region, [...(PLACES_BY_REGION.get(region) ?? []), place]);
}

/** Most runners are in the capital area, as on the real service. */
const REGION_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 5, 6, 7, 7, 8, 9];
const LIKE_LOCATIONS = REGION_WEIGHTS.map(String);
const WEEKEND_HOURS = [6, 7, 7, 8, 8, 9, 10, 15, 16, 17];
const WEEKDAY_HOURS = [5, 6, 6, 7, 19, 19, 20, 20, 21];
const QUARTERS = [0, 0, 30, 30, 15, 45];
const STAR_POINTS = [5, 5, 5, 4, 4, 4, 3, 3, 2, 1];

/**
 * The whole demo as plain rows, computed from the clock alone (plus nicknames other accounts
 * already use, which the demo leaves to them). No database access, so it is cheap to check,
 * also with other PRNG seeds than the one the demo ships with.
 */
export function buildDemo(
  now: Date,
  takenNicknames: ReadonlySet<string> = new Set(),
  prngSeed = PRNG_SEED,
): DemoData {
  const rand = new Random(prngSeed);
  const nowMs = wholeSeconds(now.getTime()).getTime();
  const today = kstDate(now);
  const dayAt = (offset: number) =>
    kstDate(new Date(fromKst(today, '12:00').getTime() + offset * DAY));

  const nicknames = NICKNAMES.filter((n) => !takenNicknames.has(n));
  if (nicknames.length < DEMO_SIZE.users) {
    throw new Error('Not enough free demo nicknames: other accounts already use them');
  }

  const data: DemoData = {
    users: [],
    groups: [],
    appliers: [],
    courses: [],
    bookmarks: [],
    starpoints: [],
    comments: [],
    recomments: [],
  };

  const userIdOf = (index: number) => seedId(`user:${index + 1}`);
  const mannerPoints: number[] = [];
  for (let n = 1; n <= DEMO_SIZE.users; n += 1) {
    mannerPoints.push(50 + rand.int(-2, 6));
    data.users.push({
      userId: userIdOf(n - 1),
      nickname: nicknames[n - 1],
      bio: rand.chance(0.8) ? rand.pick(BIOS) : null,
      profileUrl: `https://example.com/seed/avatar-${pad2(n)}.png`,
      likeLocation: rand.pick(LIKE_LOCATIONS),
      likeDistance: String(rand.int(0, 4)),
      userLevel: rand.pick(USER_LEVELS),
      social: SEED_SOCIAL,
      socialId: `seed-${pad2(n)}`,
      phone: null,
      agreeSMS: false,
    });
  }
  const userIndexes = data.users.map((_, i) => i);
  const othersThan = (...excluded: number[]) => userIndexes.filter((i) => !excluded.includes(i));

  // Every region shows up at least once before the weighting takes over.
  const upcomingRegions = [
    ...rand.sample([1, 2, 3, 4, 5, 6, 7, 8, 9], 9),
    ...Array.from({ length: DEMO_SIZE.upcomingGroups - 9 }, () => rand.pick(REGION_WEIGHTS)),
  ];
  const plans = [
    ...upcomingRegions.map((region) => ({ region, dayOffset: rand.int(1, 21) })),
    ...Array.from({ length: DEMO_SIZE.pastGroups }, () => ({
      region: rand.pick(REGION_WEIGHTS),
      dayOffset: -rand.int(1, 14),
    })),
  ];

  plans.forEach(({ region, dayOffset }, index) => {
    const no = index + 1;
    const past = dayOffset < 0;
    const place = rand.pick(PLACES_BY_REGION.get(region) ?? PLACES);
    const theme = rand.pick(place.themes);
    let date = dayAt(dayOffset);
    const weekday = kstParts(fromKst(date, '12:00')).weekday;
    const hour = rand.pick(weekday === 0 || weekday === 6 ? WEEKEND_HOURS : WEEKDAY_HOURS);
    const startMinute = hour * 60 + rand.pick(QUARTERS);
    const standbyTime = clock(startMinute);
    const distance = distanceFor(rand, theme, hour >= 20);
    const speed = rand.pick(SPEEDS);
    const runMinutes = Math.ceil((distance * paceMinutes(speed) + 10) / 5) * 5;
    const finishTime = clock(startMinute + runMinutes);
    const maxPeople = rand.pick([2, 3, 4, 4, 5, 5, 6, 6, 8, 8, 10, 10, 12, 15, 20]);
    const host = rand.int(0, DEMO_SIZE.users - 1);
    // The API refuses a run starting within 6 hours; late at night, tomorrow morning is too soon.
    if (!past && fromKst(date, standbyTime).getTime() - 6 * HOUR <= nowMs) {
      date = dayAt(dayOffset + 1);
    }
    const startMs = fromKst(date, standbyTime).getTime();
    const createdAt = past
      ? between(rand, startMs - 7 * DAY, startMs - 7 * HOUR)
      : between(
          rand,
          Math.min(nowMs, startMs - 7 * HOUR) - 6 * DAY,
          Math.min(nowMs, startMs - 7 * HOUR),
        );
    const km = String(Math.round(distance));
    const groupId = seedId(`group:${no}`);

    data.groups.push({
      groupId,
      userId: userIdOf(host),
      mapLatLng: route(rand, place, theme, distance, rand.int(3, 8)),
      thumbnailUrl1: null,
      thumbnailUrl2: null,
      thumbnailUrl3: null,
      title: groupTitle(theme, place.name, km, (items) => rand.pick(items)),
      maxPeople,
      date,
      standbyTime,
      finishTime,
      distance,
      speed,
      location: place.address,
      parking: place.parking,
      baggage: place.baggage,
      content: groupContent(place.name, speed, km, (items) => rand.pick(items)),
      region: regionFromAddress(place.address),
      timecode: timeSlotFromTime(standbyTime),
      thema: theme,
      chattingRoom: rand.chance(0.6) ? openChatLink(rand) : '',
      createdAt,
      updatedAt: createdAt,
    });

    // maxPeople counts the host, who is always the first applier.
    const full = rand.chance(0.15);
    const seats = maxPeople - 1;
    const others = full
      ? seats
      : rand.int(past ? 1 : 0, Math.max(past ? 1 : 0, Math.ceil(seats * 0.7)));
    const applicants = rand.sample(othersThan(host), Math.min(seats, others));
    data.appliers.push({
      applyId: seedId(`applier:${no}:${host + 1}`),
      groupId,
      userId: userIdOf(host),
      attendance: past,
      evaluation: 0,
    });
    for (const a of applicants) {
      const attended = past && rand.chance(0.9);
      let evaluation = 0;
      if (attended && rand.chance(0.9)) {
        evaluation = rand.chance(0.88) ? rand.int(1, 5) : rand.int(6, 10);
        mannerPoints[host] += evaluation <= 5 ? 1 : -1;
      }
      data.appliers.push({
        applyId: seedId(`applier:${no}:${a + 1}`),
        groupId,
        userId: userIdOf(a),
        attendance: attended,
        evaluation,
      });
    }

    const commentCount = rand.pick([0, 0, 1, 1, 2, 2, 3, 4]);
    const startOrNow = Math.min(nowMs, startMs);
    for (let c = 1; c <= commentCount; c += 1) {
      const author =
        applicants.length > 0 && rand.chance(0.7)
          ? rand.pick(applicants)
          : rand.pick(othersThan(host));
      const commentId = seedId(`comment:group:${no}:${c}`);
      const afterRun = past && rand.chance(0.7);
      const commentAt = afterRun
        ? between(rand, startMs + runMinutes * MINUTE + 30 * MINUTE, nowMs)
        : between(rand, createdAt.getTime() + 5 * MINUTE, startOrNow);
      data.comments.push({
        commentId,
        groupId,
        courseId: null,
        userId: userIdOf(author),
        content: rand.pick(afterRun ? AFTER_RUN_COMMENTS : GROUP_QUESTIONS),
        createdAt: commentAt,
        updatedAt: commentAt,
      });
      const replyUntil = afterRun ? nowMs : startOrNow;
      const replies: { by: number; text: string }[] = [];
      if (rand.chance(0.55)) {
        replies.push({ by: host, text: rand.pick(afterRun ? AFTER_RUN_REPLIES : HOST_ANSWERS) });
      }
      if (!afterRun && rand.chance(0.2)) {
        replies.push({
          by: rand.pick(othersThan(host, author)),
          text: rand.pick(APPLICANT_REPLIES),
        });
      }
      let replyFrom = commentAt.getTime() + 2 * MINUTE;
      replies.forEach((reply, r) => {
        const replyAt = between(rand, replyFrom, Math.max(replyFrom, replyUntil));
        replyFrom = replyAt.getTime() + MINUTE;
        data.recomments.push({
          recommentId: seedId(`recomment:group:${no}:${c}:${r + 1}`),
          commentId,
          userId: userIdOf(reply.by),
          content: reply.text,
          createdAt: replyAt,
          updatedAt: replyAt,
        });
      });
    }
  });

  const coursePlaces = rand.sample(PLACES, DEMO_SIZE.courses);
  coursePlaces.forEach((place, index) => {
    const no = index + 1;
    const courseId = seedId(`course:${no}`);
    const theme = rand.pick(place.themes);
    const author = rand.int(0, DEMO_SIZE.users - 1);
    const distance = distanceFor(rand, theme, false);
    const createdAt = between(rand, nowMs - 60 * DAY, nowMs - 2 * HOUR);
    data.courses.push({
      courseId,
      userId: userIdOf(author),
      title: courseTitle(theme, place.name, (items) => rand.pick(items)),
      content: courseContent(place.name, (items) => rand.pick(items)),
      location: place.address,
      mapLatLng: route(rand, place, theme, distance, rand.int(5, 8)),
      distance,
      totalTime: courseTotalTime(distance),
      courseImageUrl1: `seed-course-${pad2(no)}.png`,
      courseImageUrl2: null,
      courseImageUrl3: null,
      starPoint: null,
      baggage: place.baggage,
      parking: place.parking,
      clickCnt: rand.int(0, 60) + (rand.chance(0.3) ? rand.int(50, 400) : 0),
      region: regionFromAddress(place.address),
      thema: theme,
      createdAt,
      updatedAt: createdAt,
    });

    // Authors neither bookmark nor rate their own course.
    for (const u of rand.sample(othersThan(author), rand.int(0, 8))) {
      data.bookmarks.push({
        bookmarkId: seedId(`bookmark:${no}:${u + 1}`),
        courseId,
        userId: userIdOf(u),
      });
    }
    for (const u of rand.sample(othersThan(author), rand.int(0, 10))) {
      data.starpoints.push({
        starPointId: seedId(`starpoint:${no}:${u + 1}`),
        courseId,
        userId: userIdOf(u),
        myStarPoint: rand.pick(STAR_POINTS),
      });
    }
    const commentCount = rand.pick([0, 1, 1, 2, 3, 4]);
    for (let c = 1; c <= commentCount; c += 1) {
      const commentAt = between(rand, createdAt.getTime() + 10 * MINUTE, nowMs);
      data.comments.push({
        commentId: seedId(`comment:course:${no}:${c}`),
        groupId: null,
        courseId,
        userId: userIdOf(rand.pick(othersThan(author))),
        content: rand.pick(COURSE_COMMENTS),
        createdAt: commentAt,
        updatedAt: commentAt,
      });
    }
  });

  // Placed by the clock alone (no draws), so the random part above stays as it was.
  const showcase = buildShowcase(nowMs, userIdOf);
  data.groups.push(...showcase.groups);
  data.appliers.push(...showcase.appliers);

  data.users.forEach((user, i) => {
    user.mannerPoint = Math.max(0, Math.min(100, mannerPoints[i]));
  });
  return data;
}

const CHUNK = 100;

async function insertRows<M extends Model>(
  label: string,
  model: ModelStatic<M>,
  rows: CreationAttributes<M>[],
  transaction: Transaction,
  log: (line: string) => void,
): Promise<void> {
  // Chunks keep each INSERT well under SQLite's bound-variable limit.
  for (let done = 0; done < rows.length; done += CHUNK) {
    const chunk = rows.slice(done, done + CHUNK);
    await model.bulkCreate(chunk, { transaction });
    log(`${label} ${done + chunk.length}/${rows.length}`);
  }
  if (rows.length === 0) log(`${label} 0/0`);
}

/**
 * The nickname of the first demo account, the one the showcase runs are arranged around: what to
 * pass to `npm run token`. Null when it is gone (withdrawn).
 */
export async function firstDemoNickname(transaction?: Transaction): Promise<string | null> {
  const user = await User.findOne({
    attributes: ['nickname'],
    where: { social: SEED_SOCIAL, socialId: DEMO_FIRST_SOCIAL_ID },
    transaction,
  });
  return user?.nickname ?? null;
}

/** What the demo accounts and their posts hold right now. */
export async function countDemo(transaction?: Transaction): Promise<DemoCounts> {
  const users = await User.findAll({
    attributes: ['userId'],
    where: { social: SEED_SOCIAL },
    transaction,
  });
  const userIds = users.map((u) => u.userId);
  const [groups, courses] = await Promise.all([
    Group.findAll({ attributes: ['groupId'], where: { userId: userIds }, transaction }),
    Course.findAll({ attributes: ['courseId'], where: { userId: userIds }, transaction }),
  ]);
  const groupIds = groups.map((g) => g.groupId);
  const courseIds = courses.map((c) => c.courseId);
  const comments = await Comment.findAll({
    attributes: ['commentId'],
    where: { [Op.or]: [{ groupId: groupIds }, { courseId: courseIds }] },
    transaction,
  });
  const [appliers, bookmarks, starpoints, recomments] = await Promise.all([
    Applier.count({ where: { groupId: groupIds }, transaction }),
    Bookmark.count({ where: { courseId: courseIds }, transaction }),
    StarPoint.count({ where: { courseId: courseIds }, transaction }),
    Recomment.count({ where: { commentId: comments.map((c) => c.commentId) }, transaction }),
  ]);
  return {
    users: users.length,
    groups: groups.length,
    appliers,
    courses: courses.length,
    bookmarks,
    starpoints,
    comments: comments.length,
    recomments,
  };
}

/**
 * Fills a development database with the demo. Runs once: when demo accounts exist already it
 * reports `created: false` and writes nothing. Everything goes in one transaction, so a failure
 * leaves no partial demo behind.
 */
export async function seedDemo(
  ctx: SeedContext,
  log: (line: string) => void,
): Promise<{ created: boolean; counts: DemoCounts; tryAs: string | null }> {
  const now = ctx.now();
  const alreadySeeded = async (transaction?: Transaction) => {
    const existing = await User.count({ where: { social: SEED_SOCIAL }, transaction });
    if (existing === 0) return null;
    log(`demo data already present (${existing} demo users): nothing changed`);
    return {
      created: false,
      counts: await countDemo(transaction),
      tryAs: await firstDemoNickname(transaction),
    };
  };

  try {
    return await ctx.sequelize.transaction(async (transaction) => {
      const existing = await alreadySeeded(transaction);
      if (existing) return existing;

      const taken = await User.findAll({
        attributes: ['nickname'],
        where: { nickname: [...NICKNAMES] },
        transaction,
      });
      const data = buildDemo(now, new Set(taken.map((u) => u.nickname)));

      // Parents before children, so the foreign keys hold at every step.
      await insertRows('users', User, data.users, transaction, log);
      await insertRows('groups', Group, data.groups, transaction, log);
      await insertRows('appliers', Applier, data.appliers, transaction, log);
      await insertRows('courses', Course, data.courses, transaction, log);
      await insertRows('bookmarks', Bookmark, data.bookmarks, transaction, log);
      await insertRows('starpoints', StarPoint, data.starpoints, transaction, log);
      await insertRows('comments', Comment, data.comments, transaction, log);
      await insertRows('recomments', Recomment, data.recomments, transaction, log);
      // The course feed sorts by copies of these counts kept on each course.
      for (const { courseId } of data.courses) {
        await refreshStats(ctx.sequelize, courseId as string, transaction);
        await updateCommentCnt(ctx.sequelize, courseId as string, transaction);
      }

      const counts = Object.fromEntries(
        Object.entries(data).map(([table, rows]) => [table, rows.length]),
      ) as DemoCounts;
      return { created: true, counts, tryAs: data.users[0].nickname };
    });
  } catch (err) {
    // A second run that started alongside this one committed first: its demo is the demo.
    if (err instanceof UniqueConstraintError) {
      const existing = await alreadySeeded();
      if (existing) return existing;
    }
    throw err;
  }
}
