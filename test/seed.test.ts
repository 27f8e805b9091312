import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Op, UniqueConstraintError, type InferAttributes, type Model } from 'sequelize';
import { loadConfig } from '../src/config';
import { bootstrap, type Runtime } from '../src/bootstrap';
import {
  Alarm,
  Applier,
  Bookmark,
  Chat,
  Comment,
  Course,
  Group,
  Recomment,
  StarPoint,
  User,
} from '../src/db/models';
import { fromKst, kstDate } from '../src/lib/time';
import {
  DEMO_SIZE,
  SEED_SOCIAL,
  buildDemo,
  countDemo,
  seedDemo,
  type DemoCounts,
} from '../seeders/demo';
import { seedId } from '../seeders/random';
import { SHOWCASE, SHOWCASE_IDS } from '../seeders/showcase';
import { openAttendanceSheet } from '../src/groups/attendance.service';
import { findHostToEvaluate } from '../src/groups/evaluation.service';
import { toggleApplication } from '../src/groups/applications.service';
import { endsAt, startRule } from '../src/groups/reminders';
import { attendanceIsOpen, hasStarted, runStart } from '../src/groups/schedule';
import { GROUP } from '../src/groups/messages';
import { AppError } from '../src/lib/errors';
import { storeDemoImages } from '../seeders/images';
import { regionFromAddress, timeSlotFromTime } from '../src/lib/codes';
import { courseTotalTime } from '../seeders/rules';

/**
 * Half past midnight in Korea while it is still the previous afternoon in UTC: a date computed
 * in the wrong time zone lands on the wrong day here.
 */
const NOW = new Date('2025-03-14T15:30:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const THEMES = ['도시', '공원', '트랙', '강변', '산', '해변'];
const SPEEDS = [`4'00" km/h`, `4'30" km/h`, `5'00" km/h`, `5'30" km/h`, `6'00" km/h`, `6'30" km/h`];
const LEVELS = ['오렌지', '퍼플', '블루', '레드', '블랙'];

let runtime: Runtime;
const seedCtx = (now = NOW) => ({ sequelize: runtime.sequelize, now: () => now });

/**
 * The test database is shared with the other test files, so only demo rows are touched. Children
 * go first, which works whether or not the schema cascades.
 */
async function removeDemo(): Promise<void> {
  const users = await User.findAll({ attributes: ['userId'], where: { social: SEED_SOCIAL } });
  const userIds = users.map((u) => u.userId);
  if (userIds.length === 0) return;
  const groupIds = (
    await Group.findAll({ attributes: ['groupId'], where: { userId: userIds } })
  ).map((g) => g.groupId);
  const courseIds = (
    await Course.findAll({ attributes: ['courseId'], where: { userId: userIds } })
  ).map((c) => c.courseId);
  const commentIds = (
    await Comment.findAll({
      attributes: ['commentId'],
      where: {
        [Op.or]: [{ groupId: groupIds }, { courseId: courseIds }, { userId: userIds }],
      },
    })
  ).map((c) => c.commentId);
  await Recomment.destroy({
    where: { [Op.or]: [{ commentId: commentIds }, { userId: userIds }] },
  });
  await Comment.destroy({ where: { commentId: commentIds } });
  await Bookmark.destroy({ where: { [Op.or]: [{ courseId: courseIds }, { userId: userIds }] } });
  await StarPoint.destroy({ where: { [Op.or]: [{ courseId: courseIds }, { userId: userIds }] } });
  await Applier.destroy({ where: { [Op.or]: [{ groupId: groupIds }, { userId: userIds }] } });
  await Chat.destroy({ where: { groupId: groupIds } });
  await Alarm.destroy({ where: { userId: userIds } });
  await Group.destroy({ where: { groupId: groupIds } });
  await Course.destroy({ where: { courseId: courseIds } });
  await User.destroy({ where: { userId: userIds } });
}

async function loadDemo() {
  const users = await User.findAll({
    where: { social: SEED_SOCIAL },
    order: [['socialId', 'ASC']],
  });
  const userIds = users.map((u) => u.userId);
  const groups = await Group.findAll({ where: { userId: userIds }, order: [['groupId', 'ASC']] });
  const courses = await Course.findAll({
    where: { userId: userIds },
    order: [['courseId', 'ASC']],
  });
  const groupIds = groups.map((g) => g.groupId);
  const courseIds = courses.map((c) => c.courseId);
  const comments = await Comment.findAll({
    where: { [Op.or]: [{ groupId: groupIds }, { courseId: courseIds }] },
    order: [['commentId', 'ASC']],
  });
  const plain = <M extends Model>(rows: M[]) =>
    rows.map((row) => row.get({ plain: true }) as InferAttributes<M>);
  return {
    users: plain(users),
    groups: plain(groups),
    courses: plain(courses),
    comments: plain(comments),
    appliers: plain(
      await Applier.findAll({ where: { groupId: groupIds }, order: [['applyId', 'ASC']] }),
    ),
    bookmarks: plain(
      await Bookmark.findAll({ where: { courseId: courseIds }, order: [['bookmarkId', 'ASC']] }),
    ),
    starpoints: plain(
      await StarPoint.findAll({ where: { courseId: courseIds }, order: [['starPointId', 'ASC']] }),
    ),
    recomments: plain(
      await Recomment.findAll({
        where: { commentId: comments.map((c) => c.commentId) },
        order: [['recommentId', 'ASC']],
      }),
    ),
  };
}

const startOf = (g: { date: string; standbyTime: string }) =>
  fromKst(g.date, g.standbyTime).getTime();

/** The runs drawn at random (the showcase runs are placed by the clock, and checked apart). */
const drawn = <G extends { groupId?: string }>(groups: G[]) =>
  groups.filter((g) => !SHOWCASE_IDS.includes(g.groupId!));

function expectRoute(mapLatLng: string, minPoints: number, maxPoints: number) {
  const points = JSON.parse(mapLatLng) as { lat: number; lng: number }[];
  expect(Array.isArray(points)).toBe(true);
  expect(points.length).toBeGreaterThanOrEqual(minPoints);
  expect(points.length).toBeLessThanOrEqual(maxPoints);
  for (const p of points) {
    expect(Object.keys(p).sort()).toEqual(['lat', 'lng']);
    expect(Math.abs(p.lat - points[0].lat)).toBeLessThan(0.08);
    expect(Math.abs(p.lng - points[0].lng)).toBeLessThan(0.08);
  }
  return points;
}

beforeAll(async () => {
  runtime = await bootstrap(loadConfig(process.env), { migrate: false });
  await removeDemo();
});

afterAll(async () => {
  await removeDemo();
  await runtime.close();
});

test('The course running time follows the course form formula', () => {
  expect(courseTotalTime(15)).toBe('1h 30min');
  expect(courseTotalTime(5.37)).toBe('0h 30min');
  expect(courseTotalTime(21)).toBe('2h 6min');
});

describe('The demo data set', () => {
  test('The same clock gives the same demo, and another clock only moves the dates', () => {
    expect(buildDemo(NOW)).toEqual(buildDemo(NOW));
    const later = buildDemo(new Date(NOW.getTime() + 3 * DAY + 7 * HOUR));
    const now = buildDemo(NOW);
    expect(later.users).toEqual(now.users);
    expect(later.groups.map((g) => [g.groupId, g.location, g.thema])).toEqual(
      now.groups.map((g) => [g.groupId, g.location, g.thema]),
    );
    expect(later.courses.map((c) => c.title)).toEqual(now.courses.map((c) => c.title));
  });

  test('Ten minutes before midnight in Korea, every upcoming run still starts over 6 hours ahead', () => {
    // Sunday 23:50 in Korea: a Monday 05:xx run would be too soon. The shipped PRNG seed happens
    // not to plan one for the next morning, so other seeds exercise the rule.
    const lateNight = new Date('2025-03-16T14:50:00Z');
    const today = kstDate(lateNight);
    for (let prngSeed = 1; prngSeed <= 40; prngSeed += 1) {
      const groups = drawn(buildDemo(lateNight, new Set(), prngSeed).groups);
      const upcoming = groups.filter((g) => startOf(g) > lateNight.getTime());
      expect(upcoming).toHaveLength(DEMO_SIZE.upcomingGroups);
      for (const g of upcoming) {
        expect(startOf(g) - 6 * HOUR).toBeGreaterThan(lateNight.getTime());
        expect(g.date > today).toBe(true);
        expect(g.date <= kstDate(new Date(lateNight.getTime() + 21 * DAY))).toBe(true);
      }
    }
  });

  test('Nicknames other accounts already use are left to them', () => {
    const first = buildDemo(NOW).users[0].nickname;
    const demo = buildDemo(NOW, new Set([first]));
    expect(demo.users.map((u) => u.nickname)).not.toContain(first);
    expect(demo.users).toHaveLength(DEMO_SIZE.users);
  });
});

describe('npm run db:seed on a database without the demo', () => {
  const logLines: string[] = [];
  const againLines: string[] = [];
  let first: Awaited<ReturnType<typeof seedDemo>>;
  let again: Awaited<ReturnType<typeof seedDemo>>;
  let nextWeek: Awaited<ReturnType<typeof seedDemo>>;
  let countedAfterFirst: DemoCounts;
  let demo: Awaited<ReturnType<typeof loadDemo>>;
  let demoAfterAgain: Awaited<ReturnType<typeof loadDemo>>;

  // Other test files share this database and its lists and rankings, so the demo is written,
  // read back and removed in one go instead of staying around while the assertions run.
  beforeAll(async () => {
    try {
      first = await seedDemo(seedCtx(), (line) => logLines.push(line));
      countedAfterFirst = await countDemo();
      demo = await loadDemo();
      again = await seedDemo(seedCtx(), (line) => againLines.push(line));
      nextWeek = await seedDemo(seedCtx(new Date(NOW.getTime() + 7 * DAY)), () => undefined);
      demoAfterAgain = await loadDemo();
    } finally {
      await removeDemo();
    }
  });

  test('It creates the demo, reports what it wrote and logs its progress', () => {
    expect(first.created).toBe(true);
    expect(first.counts).toEqual(countedAfterFirst);
    expect(first.counts).toMatchObject({
      users: DEMO_SIZE.users,
      groups: DEMO_SIZE.upcomingGroups + DEMO_SIZE.pastGroups + DEMO_SIZE.showcaseGroups,
      courses: DEMO_SIZE.courses,
    });
    for (const table of Object.keys(demo) as (keyof typeof demo)[]) {
      expect(first.counts[table]).toBe(demo[table].length);
    }
    expect(logLines).toContain(`users ${DEMO_SIZE.users}/${DEMO_SIZE.users}`);
    expect(logLines).toContain(`appliers ${first.counts.appliers}/${first.counts.appliers}`);
    expect(first.counts.bookmarks).toBeGreaterThan(0);
    expect(first.counts.starpoints).toBeGreaterThan(0);
    expect(first.counts.comments).toBeGreaterThan(0);
    expect(first.counts.recomments).toBeGreaterThan(0);
  });

  test('Running it again, even on another day, changes nothing', () => {
    expect(again).toEqual({ created: false, counts: first.counts, tryAs: first.tryAs });
    expect(nextWeek).toEqual({ created: false, counts: first.counts, tryAs: first.tryAs });
    expect(againLines.some((l) => l.includes('already present'))).toBe(true);
    expect(demoAfterAgain).toEqual(demo);
  });

  test('Demo users are believable and their nicknames unique', () => {
    const nicknames = demo.users.map((u) => u.nickname);
    expect(new Set(nicknames).size).toBe(nicknames.length);
    expect(demo.users.map((u) => u.socialId)).toEqual(
      demo.users.map((_, i) => `seed-${String(i + 1).padStart(2, '0')}`),
    );
    for (const u of demo.users) {
      expect(u.userId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect([...u.nickname].length).toBeLessThanOrEqual(8);
      expect(u.nickname).toMatch(/[가-힣]/);
      expect(u.profileUrl).toMatch(/^https:\/\/example\.com\/seed\/avatar-\d{2}\.png$/);
      expect(u.likeLocation).toMatch(/^[1-9]$/);
      expect(u.likeDistance).toMatch(/^[0-4]$/);
      expect(LEVELS).toContain(u.userLevel);
      expect(u.mannerPoint).toBeGreaterThanOrEqual(40);
      expect(u.mannerPoint).toBeLessThanOrEqual(65);
    }
  });

  test('Upcoming runs lie in the next three weeks (Korea time); only the past ones are over', () => {
    const today = kstDate(NOW);
    const upcoming = drawn(demo.groups).filter((g) => startOf(g) > NOW.getTime());
    const past = drawn(demo.groups).filter((g) => startOf(g) <= NOW.getTime());
    expect(upcoming).toHaveLength(DEMO_SIZE.upcomingGroups);
    expect(past).toHaveLength(DEMO_SIZE.pastGroups);
    for (const g of upcoming) {
      // Far enough ahead that the API would have accepted the post (start − 6 h > now).
      expect(startOf(g) - 6 * HOUR).toBeGreaterThan(NOW.getTime());
      expect(g.date > today).toBe(true);
      expect(g.date <= kstDate(new Date(NOW.getTime() + 21 * DAY))).toBe(true);
    }
    for (const g of past) {
      expect(g.date < today).toBe(true);
      expect(g.date >= kstDate(new Date(NOW.getTime() - 14 * DAY))).toBe(true);
    }
    for (const g of drawn(demo.groups)) {
      expect(g.standbyTime).toMatch(/^\d{2}:(00|15|30|45):00$/);
      expect(g.finishTime).toMatch(/^\d{2}:\d{2}:00$/);
      expect(g.finishTime! > g.standbyTime).toBe(true);
      expect(g.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(g.createdAt.getTime()).toBeLessThan(startOf(g) - 6 * HOUR);
    }
  });

  test('Every run has its host as an applier and never more appliers than maxPeople', () => {
    for (const g of demo.groups) {
      const appliers = demo.appliers.filter((a) => a.groupId === g.groupId);
      const userIds = appliers.map((a) => a.userId);
      expect(userIds).toContain(g.userId);
      expect(new Set(userIds).size).toBe(userIds.length);
      expect(appliers.length).toBeLessThanOrEqual(g.maxPeople);
      const host = appliers.find((a) => a.userId === g.userId)!;
      expect(host.evaluation).toBe(0);
      const isPast = startOf(g) <= NOW.getTime();
      expect(host.attendance).toBe(isPast);
      for (const a of appliers) {
        if (!isPast) expect([a.attendance, a.evaluation]).toEqual([false, 0]);
        if (a.evaluation !== 0) expect(a.attendance).toBe(true);
        expect(a.evaluation).toBeGreaterThanOrEqual(0);
        expect(a.evaluation).toBeLessThanOrEqual(10);
      }
    }
    const pastAppliers = demo.appliers.filter((a) =>
      demo.groups.some((g) => g.groupId === a.groupId && startOf(g) <= NOW.getTime()),
    );
    expect(pastAppliers.filter((a) => a.evaluation > 0).length).toBeGreaterThan(0);
  });

  test('Runs carry the values the SPA sends, with region and time code derived as the API does', () => {
    for (const g of demo.groups) {
      expect(g.region).toBe(regionFromAddress(g.location));
      expect(g.region).toBeGreaterThanOrEqual(1);
      expect(g.timecode).toBe(timeSlotFromTime(g.standbyTime));
      expect(THEMES).toContain(g.thema);
      expect(SPEEDS).toContain(g.speed);
      expect(g.distance).toBeGreaterThanOrEqual(3);
      expect(g.distance).toBeLessThanOrEqual(21);
      expect(Math.abs(g.distance * 100 - Math.round(g.distance * 100))).toBeLessThan(1e-3);
      expect(g.maxPeople).toBeGreaterThanOrEqual(2);
      expect(g.maxPeople).toBeLessThanOrEqual(20);
      expect(g.chattingRoom === '' || g.chattingRoom.startsWith('https://open.kakao.com/')).toBe(
        true,
      );
      expect([g.thumbnailUrl1, g.thumbnailUrl2, g.thumbnailUrl3]).toEqual([null, null, null]);
      expectRoute(g.mapLatLng, 3, 8);
    }
    const upcomingRegions = new Set(
      demo.groups.filter((g) => startOf(g) > NOW.getTime()).map((g) => g.region),
    );
    expect([...upcomingRegions].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('Courses follow the same address rules and have their own values', () => {
    for (const c of demo.courses) {
      expect(c.region).toBe(regionFromAddress(c.location));
      expect(c.region).toBeGreaterThanOrEqual(1);
      expect(THEMES).toContain(c.thema);
      expect(c.totalTime).toBe(courseTotalTime(c.distance));
      expect(c.totalTime).toMatch(/^\d+h \d+min$/);
      expect(c.courseImageUrl1).toMatch(/^seed-course-\d{2}\.png$/);
      expect(c.clickCnt).toBeGreaterThanOrEqual(0);
      expectRoute(c.mapLatLng, 3, 8);
    }
  });

  test('Each course stores the number of its comments and bookmarks, as the feed sorts by them', () => {
    const countOf = (rows: Array<{ courseId: string | null }>, courseId: string) =>
      rows.filter((row) => row.courseId === courseId).length;
    for (const c of demo.courses) {
      expect({
        courseId: c.courseId,
        commentCnt: c.commentCnt,
        bookmarkCnt: c.bookmarkCnt,
      }).toEqual({
        courseId: c.courseId,
        commentCnt: countOf(demo.comments, c.courseId),
        bookmarkCnt: countOf(demo.bookmarks, c.courseId),
      });
    }
    expect(demo.courses.some((c) => c.commentCnt > 0)).toBe(true);
  });

  test('Bookmarks and ratings are one per user and course, never by the author', () => {
    const authorOf = new Map(demo.courses.map((c) => [c.courseId, c.userId]));
    const bookmarkPairs = demo.bookmarks.map((b) => `${b.courseId}/${b.userId}`);
    const ratingPairs = demo.starpoints.map((s) => `${s.courseId}/${s.userId}`);
    expect(new Set(bookmarkPairs).size).toBe(bookmarkPairs.length);
    expect(new Set(ratingPairs).size).toBe(ratingPairs.length);
    for (const b of demo.bookmarks) expect(b.userId).not.toBe(authorOf.get(b.courseId));
    for (const s of demo.starpoints) {
      expect(s.userId).not.toBe(authorOf.get(s.courseId));
      expect([1, 2, 3, 4, 5]).toContain(s.myStarPoint);
    }
  });

  test('Comments belong to one post, replies only to run comments, all in order and in the past', () => {
    const createdOf = new Map<string, number>([
      ...demo.groups.map((g) => [g.groupId, g.createdAt.getTime()] as const),
      ...demo.courses.map((c) => [c.courseId, c.createdAt.getTime()] as const),
    ]);
    for (const c of demo.comments) {
      expect((c.groupId === null) !== (c.courseId === null)).toBe(true);
      expect(c.content).toMatch(/[가-힣]/);
      expect(c.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(c.createdAt.getTime()).toBeGreaterThan(createdOf.get((c.groupId ?? c.courseId)!)!);
    }
    const commentById = new Map(demo.comments.map((c) => [c.commentId, c]));
    for (const r of demo.recomments) {
      const parent = commentById.get(r.commentId)!;
      expect(parent.groupId).not.toBeNull();
      expect(r.content).toMatch(/[가-힣]/);
      expect(r.createdAt.getTime()).toBeGreaterThan(parent.createdAt.getTime());
      expect(r.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(demo.comments.some((c) => c.courseId !== null)).toBe(true);
  });
});

describe('npm run db:seed when something goes wrong', () => {
  beforeAll(removeDemo);

  test('A failure half-way leaves no demo rows behind', async () => {
    // A foreign row holding the id of the last demo course makes the course insert fail.
    const owner = await User.create({
      nickname: `s${crypto.randomBytes(3).toString('hex')}`,
      profileUrl: 'https://example.com/profile.png',
      social: 'kakao',
      socialId: `seed-test-${crypto.randomBytes(6).toString('hex')}`,
    } as User);
    const blocker = await Course.create({
      courseId: seedId(`course:${DEMO_SIZE.courses}`),
      userId: owner.userId,
      title: 't',
      content: 'c',
      location: '서울 중구 예장동 8-1',
      mapLatLng: '[]',
      distance: 5,
      totalTime: '0h 30min',
      courseImageUrl1: 'x.png',
      courseImageUrl2: null,
      courseImageUrl3: null,
      starPoint: null,
      baggage: null,
      parking: null,
      region: 1,
      thema: '도시',
    });
    try {
      await expect(seedDemo(seedCtx(), () => undefined)).rejects.toThrow(UniqueConstraintError);
      expect(await User.count({ where: { social: SEED_SOCIAL } })).toBe(0);
      expect(await Group.count({ where: { groupId: seedId('group:1') } })).toBe(0);
      expect(await Applier.count({ where: { userId: seedId('user:1') } })).toBe(0);
    } finally {
      await blocker.destroy();
      await owner.destroy();
    }
  });

  test('Two runs started together create the demo once', async () => {
    let results: Awaited<ReturnType<typeof seedDemo>>[];
    let demoUsers: number;
    try {
      results = await Promise.all([
        seedDemo(seedCtx(), () => undefined),
        seedDemo(seedCtx(), () => undefined),
      ]);
      demoUsers = await User.count({ where: { social: SEED_SOCIAL } });
    } finally {
      await removeDemo();
    }
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0].counts).toEqual(results[1].counts);
    expect(demoUsers).toBe(DEMO_SIZE.users);
  });
});

describe('The showcase runs, placed relative to the moment of seeding', () => {
  const you = seedId('user:1');
  let result: Awaited<ReturnType<typeof seedDemo>>;
  let showcase: Map<string, Group>;
  /** The services, as the API would call them at that instant. */
  const at = (instant: Date) => ({ ...runtime, now: () => instant });

  beforeAll(async () => {
    await removeDemo();
    result = await seedDemo(seedCtx(), () => undefined);
    const groups = await Group.findAll({ where: { groupId: [...SHOWCASE_IDS] } });
    showcase = new Map(groups.map((g) => [g.groupId, g]));
  });
  afterAll(async () => {
    await runtime.store.del(`attendance-sheet:${SHOWCASE.soon}`);
    await removeDemo();
  });

  test('The seed names the demo account they are arranged around, for the token command', async () => {
    expect(showcase.size).toBe(DEMO_SIZE.showcaseGroups);
    expect(result.tryAs).toBe((await User.findByPk(you))!.nickname);
  });

  test('One starts in about 40 minutes: its start reminder falls due after the seeding, when its host can take attendance', async () => {
    const soon = showcase.get(SHOWCASE.soon)!;
    expect(soon.userId).toBe(you);
    const startsIn = runStart(soon).getTime() - NOW.getTime();
    expect(startsIn).toBeGreaterThanOrEqual(40 * MINUTE);
    expect(startsIn).toBeLessThanOrEqual(41 * MINUTE);
    expect(hasStarted(soon, NOW)).toBe(false);

    const due = startRule.dueAt(soon, runtime.config.worker)!;
    // After the seeding, so a worker running then still sends it, and soon after.
    expect(due.getTime()).toBeGreaterThan(NOW.getTime());
    expect(due.getTime()).toBeLessThanOrEqual(NOW.getTime() + 15 * MINUTE);
    // The worker's scan of the window from the seeding to that moment finds it in the database.
    const window = startRule.candidates(NOW, due, runtime.config.worker)!;
    const scanned = await Group.findAll({
      attributes: ['groupId'],
      where: { [Op.and]: [window, { groupId: SHOWCASE.soon }] },
    });
    expect(scanned.map((g) => g.groupId)).toEqual([SHOWCASE.soon]);

    expect(attendanceIsOpen(soon, NOW)).toBe(false);
    await expect(openAttendanceSheet(at(NOW), you, SHOWCASE.soon)).rejects.toMatchObject({
      status: 400,
      message: GROUP.attendanceNotYet,
    });
    const sheet = await openAttendanceSheet(at(due), you, SHOWCASE.soon);
    expect(sheet.groupInfo.user.userId).toBe(you);
    expect(sheet.applyUser.length).toBeGreaterThan(0);
  });

  test('One ended an hour ago; the demo account ran in it and may rate its host', async () => {
    const ended = showcase.get(SHOWCASE.ended)!;
    expect(ended.userId).not.toBe(you);
    expect(hasStarted(ended, NOW)).toBe(true);
    const endedAgo = NOW.getTime() - endsAt(ended).getTime();
    expect(endedAgo).toBeGreaterThanOrEqual(HOUR);
    expect(endedAgo).toBeLessThan(HOUR + MINUTE);
    const mine = await Applier.findOne({ where: { groupId: SHOWCASE.ended, userId: you } });
    expect(mine).toMatchObject({ attendance: true, evaluation: 0 });
    const host = await findHostToEvaluate(at(NOW), you, SHOWCASE.ended);
    expect(host).toMatchObject({ groupId: SHOWCASE.ended, user: { userId: ended.userId } });
  });

  test('One is full; the demo account is not in it, and applying is refused as full', async () => {
    const full = showcase.get(SHOWCASE.full)!;
    expect(hasStarted(full, NOW)).toBe(false);
    expect(await Applier.count({ where: { groupId: SHOWCASE.full } })).toBe(full.maxPeople);
    expect(await Applier.count({ where: { groupId: SHOWCASE.full, userId: you } })).toBe(0);
    const applying = toggleApplication(at(NOW), you, SHOWCASE.full);
    await expect(applying).rejects.toBeInstanceOf(AppError);
    await expect(applying).rejects.toMatchObject({ status: 409, message: GROUP.full });
  });
});

describe('Demo images', () => {
  afterAll(removeDemo);

  test('Every demo course gets a stored image with its variants, and demo users a real avatar; once', async () => {
    await removeDemo();
    await seedDemo(seedCtx(), () => undefined);
    const stored = await storeDemoImages(runtime, () => undefined);
    expect(stored).toBe(DEMO_SIZE.courses);

    const courses = await Course.findAll({
      where: {
        courseId: {
          [Op.in]: Array.from({ length: DEMO_SIZE.courses }, (_, i) => seedId(`course:${i + 1}`)),
        },
      },
    });
    expect(courses).toHaveLength(DEMO_SIZE.courses);
    for (const course of courses) {
      expect(course.courseImageUrl1).toMatch(/\.webp$/);
      for (const folder of ['courseImage', 'w_384', 'w_758']) {
        expect(
          fs.existsSync(path.join(runtime.config.images.localDir, folder, course.courseImageUrl1)),
        ).toBe(true);
      }
    }
    const avatars = await User.findAll({
      where: { social: SEED_SOCIAL },
      attributes: ['profileUrl'],
    });
    // Stored without a host: answered with the serving process's PUBLIC_URL (test/avatars.test.ts).
    expect(new Set(avatars.map((u) => u.profileUrl))).toEqual(
      new Set(['/assets/default-profile.png']),
    );

    expect(await storeDemoImages(runtime, () => undefined)).toBe(0);
    await runtime.images.remove(
      'course',
      courses.map((c) => c.courseImageUrl1),
    );
  }, 120_000);
});
