import { UniqueConstraintError } from 'sequelize';
import { createMigrator, migrate } from '../src/db/migrator';
import { Chat, Course, Group, initModels, User, Waiter } from '../src/db/models';
import {
  createScratchDatabase,
  foreignKeys,
  indexes,
  insertRows,
  schemaSnapshot,
  selectAll,
  withoutKeyChecks,
  type Row,
  type ScratchDatabase,
} from './support/migrations';
import { createOriginalSchema, ORIGINAL_TABLE_NAMES } from './support/original-schema';

/** Primary key per table, to line rows up before and after. */
const KEYS: Record<string, string> = {
  Users: 'userId',
  Groups: 'groupId',
  Appliers: 'applyId',
  Courses: 'courseId',
  Comments: 'commentId',
  Recomments: 'recommentId',
  Bookmarks: 'bookmarkId',
  starpoint: 'starPointId',
  Alarms: 'alarmId',
  Badges: 'badgeId',
  Chats: 'chatId',
};

const AT = '2022-06-01 10:00:00';
const LATER = '2022-06-02 21:15:30';

const user = (userId: string, social: string | null, socialId: string | null, extra: Row = {}) => ({
  userId,
  nickname: userId.slice(0, 8),
  bio: `${userId} 입니다`,
  profileUrl: `https://k.kakaocdn.net/dn/${userId}/img_640x640.jpg`,
  likeLocation: '1',
  likeDistance: '2',
  userLevel: '오렌지',
  mannerPoint: 50,
  social,
  socialId,
  phone: 'U2FsdGVkX1+0b3JpZ2luYWw=',
  agreeSMS: 0,
  ...extra,
});

const group = (groupId: string, userId: string, extra: Row = {}) => ({
  groupId,
  userId,
  mapLatLng: '[{"lat":37.52,"lng":126.93},{"lat":37.53,"lng":126.94}]',
  thumbnailUrl1: `groupThumbnail/${groupId}.jpg`,
  title: `${groupId} 같이 뛰어요`,
  maxPeople: 6,
  date: '2022-06-20',
  standbyTime: '07:00:00',
  finishTime: '08:00:00',
  distance: 5.5,
  speed: '6:30',
  location: '서울 영등포구 여의동로 330',
  parking: '여의도 공영주차장',
  baggage: null,
  content: '천천히 뛰어요',
  thumbnailUrl2: null,
  thumbnailUrl3: null,
  region: 1,
  timecode: 1,
  thema: '도심',
  chattingRoom: 'https://open.kakao.com/o/gAbcDef',
  createdAt: AT,
  updatedAt: LATER,
  ...extra,
});

const course = (courseId: string, userId: string, totalTime: string) => ({
  courseId,
  userId,
  title: `${courseId} 코스`,
  content: '벚꽃길',
  location: '서울 송파구 올림픽로 240',
  mapLatLng: '[{"lat":37.51,"lng":127.1}]',
  distance: 7.25,
  totalTime,
  courseImageUrl1: `courseImage/${courseId}.jpg`,
  courseImageUrl2: null,
  courseImageUrl3: null,
  starPoint: null,
  baggage: '물품보관함',
  parking: null,
  clickCnt: 12,
  region: 2,
  thema: '공원',
  createdAt: AT,
  updatedAt: LATER,
});

const applier = (
  applyId: string,
  userId: string,
  groupId: string,
  attendance = 0,
  evaluation = 0,
) => ({
  applyId,
  userId,
  groupId,
  attendance,
  evaluation,
});

const comment = (
  commentId: string,
  userId: string,
  on: { groupId?: string; courseId?: string },
) => ({
  commentId,
  groupId: on.groupId ?? null,
  userId,
  courseId: on.courseId ?? null,
  content: `${commentId} 내용`,
  createdAt: AT,
  updatedAt: AT,
});

const recomment = (recommentId: string, commentId: string, userId: string) => ({
  recommentId,
  commentId,
  userId,
  content: `${recommentId} 답글`,
  createdAt: LATER,
  updatedAt: LATER,
});

const chat = (chatId: number, groupId: string, userId: string) => ({
  chatId,
  groupId,
  userId,
  nickname: userId.slice(0, 8),
  profileUrl: `https://k.kakaocdn.net/dn/${userId}/img.jpg`,
  message: `메시지 ${chatId}`,
});

/** What an original production database could hold, including what the new schema forbids. */
const ORIGINAL_ROWS: Record<string, Row[]> = {
  Users: [
    user('u-host', 'kakao', 'k-1001', { agreeSMS: 1 }),
    user('u-runner', 'naver', 'n-2002', { mannerPoint: 62.5, bio: null }),
    user('u-dup-1', 'kakao', 'k-3003'),
    user('u-dup-2', 'kakao', 'k-3003', { agreeSMS: 1 }),
    user('u-dup-3', 'kakao', 'k-3003'),
    user('u-weird', 'kakao', 'k-4004', { agreeSMS: 5 }),
    user('u-test-1', 'password1', null, { phone: 'null' }),
    user('u-test-2', 'password1', null, { phone: 'null' }),
    user('u-quiet', 'naver', 'n-5005'),
  ],
  Groups: [
    group('g-1', 'u-host', { finishTime: '09:30:00' }),
    group('g-2', 'u-runner', {
      finishTime: '00:00:00',
      chattingRoom: '',
      // What the original accepted unchecked: not a list of points.
      mapLatLng: '[{"lat":"37.5","lng":127}]',
    }),
    group('g-orphan', 'u-gone'),
    group('g-quiet', 'u-quiet'),
  ],
  Appliers: [
    applier('ap-host', 'u-host', 'g-1', 1),
    applier('ap-a1', 'u-runner', 'g-1', 0, 9),
    applier('ap-a2', 'u-runner', 'g-1', 1, 2),
    applier('ap-a3', 'u-runner', 'g-1', 1, 4),
    applier('ap-b2', 'u-dup-1', 'g-2'),
    applier('ap-b1', 'u-dup-1', 'g-2'),
    applier('ap-d1', 'u-host', 'g-2', 0, 1),
    applier('ap-d2', 'u-host', 'g-2', 0, 7),
    applier('ap-runner-g2', 'u-runner', 'g-2', 1),
    applier('ap-gone-group', 'u-runner', 'g-gone'),
    applier('ap-gone-user', 'u-gone', 'g-1'),
    applier('ap-in-orphan-group', 'u-runner', 'g-orphan'),
    applier('ap-quiet', 'u-quiet', 'g-quiet'),
    applier('ap-runner-quiet', 'u-runner', 'g-quiet'),
  ],
  Courses: [
    course('c-1', 'u-host', '0000-00-00 00:00:00'),
    course('c-2', 'u-runner', '2022-06-10 01:30:00'),
    course('c-orphan', 'u-gone', '0000-00-00 00:00:00'),
    course('c-quiet', 'u-quiet', '0000-00-00 00:00:00'),
  ],
  Comments: [
    comment('cm-g1', 'u-runner', { groupId: 'g-1' }),
    comment('cm-c1', 'u-host', { courseId: 'c-1' }),
    comment('cm-null', 'u-runner', {}),
    comment('cm-gone-group', 'u-runner', { groupId: 'g-gone' }),
    comment('cm-orphan-group', 'u-runner', { groupId: 'g-orphan' }),
    comment('cm-orphan-course', 'u-runner', { courseId: 'c-orphan' }),
    comment('cm-gone-user', 'u-gone', { groupId: 'g-1' }),
    comment('cm-quiet', 'u-runner', { groupId: 'g-quiet' }),
    comment('cm-quiet-course', 'u-runner', { courseId: 'c-quiet' }),
  ],
  Recomments: [
    recomment('rc-1', 'cm-g1', 'u-host'),
    recomment('rc-null', 'cm-null', 'u-host'),
    recomment('rc-gone', 'cm-gone', 'u-host'),
    recomment('rc-orphan-chain', 'cm-orphan-group', 'u-host'),
    recomment('rc-quiet', 'cm-quiet', 'u-quiet'),
  ],
  Bookmarks: [
    { bookmarkId: 'bm-2', courseId: 'c-1', userId: 'u-runner' },
    { bookmarkId: 'bm-1', courseId: 'c-1', userId: 'u-runner' },
    { bookmarkId: 'bm-3', courseId: 'c-2', userId: 'u-host' },
    { bookmarkId: 'bm-gone', courseId: 'c-gone', userId: 'u-host' },
    { bookmarkId: 'bm-orphan', courseId: 'c-orphan', userId: 'u-host' },
    { bookmarkId: 'bm-quiet', courseId: 'c-quiet', userId: 'u-runner' },
  ],
  starpoint: [
    { starPointId: 'sp-1', userId: 'u-runner', courseId: 'c-1', myStarPoint: null },
    { starPointId: 'sp-3', userId: 'u-runner', courseId: 'c-1', myStarPoint: 5 },
    { starPointId: 'sp-2', userId: 'u-runner', courseId: 'c-1', myStarPoint: 4 },
    { starPointId: 'sp-5', userId: 'u-host', courseId: 'c-2', myStarPoint: null },
    { starPointId: 'sp-4', userId: 'u-host', courseId: 'c-2', myStarPoint: null },
    { starPointId: 'sp-6', userId: 'u-runner', courseId: 'c-2', myStarPoint: 3 },
    { starPointId: 'sp-gone', userId: 'u-gone', courseId: 'c-2', myStarPoint: 1 },
    { starPointId: 'sp-quiet', userId: 'u-runner', courseId: 'c-quiet', myStarPoint: 2 },
  ],
  Alarms: [
    {
      alarmId: 'al-1',
      userId: 'u-host',
      category: 'comment',
      courseId: null,
      courseTitle: null,
      groupId: 'g-1',
      groupTitle: 'g-1 같이 뛰어요',
      nickname: 'u-runner',
      role: null,
      check: 1,
      commentId: 'cm-g1',
      sendPhone: 0,
      createdAt: AT,
      updatedAt: LATER,
    },
    {
      // A notification about a group that no longer exists: a snapshot, so it stays.
      alarmId: 'al-2',
      userId: 'u-runner',
      category: 'Dday',
      courseId: null,
      courseTitle: null,
      groupId: 'g-gone',
      groupTitle: '사라진 모임',
      nickname: null,
      role: 'attendance',
      check: 0,
      commentId: null,
      sendPhone: 2,
      createdAt: AT,
      updatedAt: AT,
    },
    {
      alarmId: 'al-gone',
      userId: 'u-gone',
      category: 'end',
      courseId: null,
      courseTitle: null,
      groupId: 'g-1',
      groupTitle: 'g-1',
      nickname: null,
      role: 'host',
      check: 0,
      commentId: null,
      sendPhone: 1,
      createdAt: AT,
      updatedAt: AT,
    },
  ],
  Badges: [
    {
      badgeId: 'b-1',
      userId: 'u-host',
      badge1: 1,
      badge2: 0,
      badge3: 0,
      badge4: 1,
      badge5: 0,
      badge6: 0,
    },
  ],
  Chats: [
    chat(1, 'g-1', 'u-host'),
    chat(2, 'g-1', 'u-runner'),
    // The sender is not a foreign key: a message from a since-deleted user stays.
    chat(3, 'g-1', 'u-gone'),
    chat(4, 'g-orphan', 'u-runner'),
    chat(5, 'g-gone', 'u-runner'),
    chat(6, 'g-quiet', 'u-quiet'),
  ],
};

/** The rows the documented rules keep. */
const SURVIVORS: Record<string, Array<string | number>> = {
  Users: [
    'u-dup-1',
    'u-dup-2',
    'u-dup-3',
    'u-host',
    'u-quiet',
    'u-runner',
    'u-test-1',
    'u-test-2',
    'u-weird',
  ],
  Groups: ['g-1', 'g-2', 'g-quiet'],
  Appliers: ['ap-a3', 'ap-b1', 'ap-d2', 'ap-host', 'ap-quiet', 'ap-runner-g2', 'ap-runner-quiet'],
  Courses: ['c-1', 'c-2', 'c-quiet'],
  Comments: ['cm-c1', 'cm-g1', 'cm-quiet', 'cm-quiet-course'],
  Recomments: ['rc-1', 'rc-quiet'],
  Bookmarks: ['bm-1', 'bm-3', 'bm-quiet'],
  starpoint: ['sp-2', 'sp-4', 'sp-6', 'sp-quiet'],
  Alarms: ['al-1', 'al-2'],
  Badges: ['b-1'],
  Chats: [1, 2, 3, 6],
};

/** Columns the upgrade deliberately changes; each is checked on its own below. */
const CHANGED: Record<string, string[]> = {
  Users: ['agreeSMS', 'social'],
  Courses: ['totalTime', 'starPoint'],
};

type Rows = Record<string, Row[]>;

async function readAll(db: ScratchDatabase): Promise<Rows> {
  const rows: Rows = {};
  for (const table of ORIGINAL_TABLE_NAMES) {
    rows[table] = await selectAll(db, `SELECT * FROM \`${table}\` ORDER BY \`${KEYS[table]}\``);
  }
  return rows;
}

const byKey = (rows: Row[], table: string) => new Map(rows.map((r) => [String(r[KEYS[table]]), r]));

describe('Migrations on a database written by the original backend', () => {
  let original: ScratchDatabase;
  let fresh: ScratchDatabase;
  let before: Rows;
  let after: Rows;
  let badgesKeysBefore: unknown;

  beforeAll(async () => {
    original = await createScratchDatabase();
    await createOriginalSchema(original);
    await withoutKeyChecks(original, async (options) => {
      for (const table of ORIGINAL_TABLE_NAMES) {
        await insertRows(original, table, ORIGINAL_ROWS[table], options);
      }
    });
    before = await readAll(original);
    badgesKeysBefore = [await foreignKeys(original, 'Badges'), await indexes(original, 'Badges')];

    await migrate(original.sequelize);
    after = await readAll(original);
    initModels(original.sequelize);

    fresh = await createScratchDatabase();
    await migrate(fresh.sequelize);
  });

  afterAll(async () => {
    await original?.drop();
    await fresh?.drop();
  });

  test('The upgraded database ends in exactly the schema an empty one gets', async () => {
    expect(await schemaSnapshot(original)).toEqual(await schemaSnapshot(fresh));
  });

  test('Every row that is neither a duplicate nor an orphan is kept with its values', () => {
    for (const table of ORIGINAL_TABLE_NAMES) {
      expect({ table, kept: after[table].map((r) => r[KEYS[table]]).sort() }).toEqual({
        table,
        kept: [...SURVIVORS[table]].sort(),
      });
      const old = byKey(before[table], table);
      for (const row of after[table]) {
        const was = old.get(String(row[KEYS[table]]));
        expect(was).toBeDefined();
        for (const [column, value] of Object.entries(was as Row)) {
          if (CHANGED[table]?.includes(column)) continue;
          expect({ table, key: row[KEYS[table]], column, value: row[column] }).toEqual({
            table,
            key: row[KEYS[table]],
            column,
            value,
          });
        }
      }
    }
  });

  test('When Appliers rows share a group and user, the upgrade keeps the attended one, then the highest evaluation, then the smallest applyId', () => {
    const kept = after.Appliers.map((r) => r.applyId);
    // ap-a1 had the best evaluation but no attendance; ap-a3 beats ap-a2 on evaluation.
    expect(kept).toEqual(expect.arrayContaining(['ap-a3', 'ap-d2', 'ap-b1']));
    for (const loser of ['ap-a1', 'ap-a2', 'ap-d1', 'ap-b2']) expect(kept).not.toContain(loser);
  });

  test('When bookmarks repeat, the smallest bookmarkId stays; when ratings repeat, the one with a value stays, then the smallest id', () => {
    expect(after.Bookmarks.map((r) => r.bookmarkId)).toEqual(['bm-1', 'bm-3', 'bm-quiet']);
    const ratings = Object.fromEntries(after.starpoint.map((r) => [r.starPointId, r.myStarPoint]));
    expect(ratings).toEqual({ 'sp-2': 4, 'sp-4': null, 'sp-6': 3, 'sp-quiet': 2 });
  });

  test('When users share a social login, the smallest userId keeps it and the others are renamed with -dup, keeping their content', () => {
    const social = Object.fromEntries(after.Users.map((r) => [r.userId, r.social]));
    expect(social['u-dup-1']).toBe('kakao');
    expect(social['u-dup-2']).toBe('kakao-dup');
    expect(social['u-dup-3']).toBe('kakao-dup-dup');
    // Test accounts without a socialId never counted as duplicates.
    expect(social['u-test-1']).toBe('password1');
    expect(social['u-test-2']).toBe('password1');
    expect(after.Appliers.find((r) => r.applyId === 'ap-b1')?.userId).toBe('u-dup-1');
  });

  test('Orphans and comments on nothing are deleted with their replies, while notification and chat snapshots stay', () => {
    const ids = (table: string) => after[table].map((r) => String(r[KEYS[table]]));
    expect(ids('Groups')).not.toContain('g-orphan');
    expect(ids('Courses')).not.toContain('c-orphan');
    for (const gone of [
      'cm-null',
      'cm-gone-group',
      'cm-orphan-group',
      'cm-orphan-course',
      'cm-gone-user',
    ]) {
      expect(ids('Comments')).not.toContain(gone);
    }
    for (const gone of ['rc-null', 'rc-gone', 'rc-orphan-chain']) {
      expect(ids('Recomments')).not.toContain(gone);
    }
    expect(ids('Alarms')).toEqual(['al-1', 'al-2']);
    expect(ids('Chats')).toEqual(['1', '2', '3', '6']);
  });

  test('agreeSMS reads as a boolean, and any non-zero original value becomes true', async () => {
    const agree = async (id: string) => (await User.findByPk(id))?.agreeSMS;
    expect(await agree('u-host')).toBe(true);
    expect(await agree('u-weird')).toBe(true);
    expect(await agree('u-dup-2')).toBe(true);
    expect(await agree('u-runner')).toBe(false);
  });

  test('Each course counts the comments it kept in commentCnt, once the orphans are gone', () => {
    const counts = Object.fromEntries(after.Courses.map((r) => [r.courseId, Number(r.commentCnt)]));
    expect(counts).toEqual({ 'c-1': 1, 'c-2': 0, 'c-quiet': 1 });
  });

  test('Each run gets its route start in startLat/startLng; a route that cannot be read leaves NULL', () => {
    const starts = Object.fromEntries(
      after.Groups.map((r) => [
        r.groupId,
        [r.startLat, r.startLng].map((v) => (v === null ? null : Number(v))),
      ]),
    );
    expect(starts).toEqual({
      'g-1': [37.52, 126.93],
      'g-2': [null, null],
      'g-quiet': [37.52, 126.93],
    });
  });

  test('The original totalTime dates become NULL and the column stores the text the SPA sends', async () => {
    for (const row of after.Courses) expect(row.totalTime).toBeNull();
    await Course.update({ totalTime: '1h 30min' }, { where: { courseId: 'c-2' } });
    expect((await Course.findByPk('c-2'))?.totalTime).toBe('1h 30min');
  });

  test('finishTime keeps its values and may now be empty; chattingRoom defaults to an empty string', async () => {
    const finish = Object.fromEntries(after.Groups.map((r) => [r.groupId, r.finishTime]));
    expect(finish).toEqual({ 'g-1': '09:30:00', 'g-2': '00:00:00', 'g-quiet': '08:00:00' });
    const created = await Group.create({
      ...group('g-new', 'u-host', { finishTime: null }),
      chattingRoom: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    } as unknown as Group);
    const stored = await Group.findByPk(created.groupId);
    expect(stored?.finishTime).toBeNull();
    expect(stored?.chattingRoom).toBe('');
  });

  test('Chat messages keep their ids, have no createdAt, and new messages continue the numbering with the wider columns', async () => {
    for (const row of after.Chats) expect(row.createdAt).toBeNull();
    const message = '가'.repeat(500);
    const created = await Chat.create({
      groupId: 'g-1',
      userId: 'u-runner',
      nickname: 'n'.repeat(150),
      profileUrl: `https://example.com/${'p'.repeat(200)}`,
      message,
    } as Chat);
    expect(created.chatId).toBeGreaterThan(6);
    const stored = await Chat.findByPk(created.chatId);
    expect(stored?.message).toBe(message);
    expect(stored?.createdAt).toBeInstanceOf(Date);
  });

  test('The new unique constraints reject a second application, bookmark, rating or social login', async () => {
    const attempts: Array<[string, Row]> = [
      ['Appliers', applier('ap-again', 'u-runner', 'g-1')],
      ['Bookmarks', { bookmarkId: 'bm-again', courseId: 'c-1', userId: 'u-runner' }],
      [
        'starpoint',
        { starPointId: 'sp-again', userId: 'u-runner', courseId: 'c-1', myStarPoint: 1 },
      ],
      ['Users', user('u-again', 'kakao', 'k-3003')],
    ];
    for (const [table, row] of attempts) {
      await expect(insertRows(original, table, [row])).rejects.toBeInstanceOf(
        UniqueConstraintError,
      );
    }
  });

  test('The leftover Badges table keeps its rows, key and index', async () => {
    expect(after.Badges).toEqual(before.Badges);
    expect([await foreignKeys(original, 'Badges'), await indexes(original, 'Badges')]).toEqual(
      badgesKeysBefore,
    );
  });

  test('Applying every migration again to an upgraded database changes nothing', async () => {
    const schema = await schemaSnapshot(original);
    const rows = await readAll(original);
    const context = {
      queryInterface: original.sequelize.getQueryInterface(),
      sequelize: original.sequelize,
    };
    for (const migration of await createMigrator(original.sequelize).migrations(context)) {
      await migration.up({ name: migration.name, context });
    }
    expect(await schemaSnapshot(original)).toEqual(schema);
    expect(await readAll(original)).toEqual(rows);
  });

  test('When some original tables are missing, they are created and the others upgraded to the same schema', async () => {
    const partial = await createScratchDatabase();
    try {
      await createOriginalSchema(partial, { without: ['Chats', 'Alarms', 'Badges'] });
      await insertRows(partial, 'Users', ORIGINAL_ROWS.Users.slice(0, 2));
      await insertRows(partial, 'Groups', ORIGINAL_ROWS.Groups.slice(0, 2));
      await migrate(partial.sequelize);
      expect(await schemaSnapshot(partial)).toEqual(await schemaSnapshot(fresh));
      const [{ n }] = await selectAll(partial, 'SELECT COUNT(*) AS n FROM `Groups`');
      expect(Number(n)).toBe(2);
    } finally {
      await partial.drop();
    }
  });

  test('An upgraded database has an empty waitlist that queues runners on the original runs, once each', async () => {
    expect(await Waiter.count()).toBe(0);
    const at = new Date();
    const first = await Waiter.create({ groupId: 'g-quiet', userId: 'u-test-1', createdAt: at });
    const second = await Waiter.create({ groupId: 'g-quiet', userId: 'u-test-2', createdAt: at });
    expect(second.waitlistId).toBeGreaterThan(first.waitlistId);
    await expect(
      Waiter.create({ groupId: 'g-quiet', userId: 'u-test-1', createdAt: at }),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  test('Deleting an upgraded group, course or user cascades to the rows that belong to it', async () => {
    const count = async (table: string, column: string, value: string) => {
      const [row] = await selectAll(
        original,
        `SELECT COUNT(*) AS n FROM \`${table}\` WHERE \`${column}\` = ?`,
        [value],
      );
      return Number(row.n);
    };
    await Group.destroy({ where: { groupId: 'g-quiet' } });
    expect(await count('Appliers', 'groupId', 'g-quiet')).toBe(0);
    expect(await count('Waitlists', 'groupId', 'g-quiet')).toBe(0);
    expect(await count('Comments', 'groupId', 'g-quiet')).toBe(0);
    expect(await count('Recomments', 'recommentId', 'rc-quiet')).toBe(0);
    expect(await count('Chats', 'groupId', 'g-quiet')).toBe(0);

    await Course.destroy({ where: { courseId: 'c-quiet' } });
    expect(await count('Bookmarks', 'courseId', 'c-quiet')).toBe(0);
    expect(await count('starpoint', 'courseId', 'c-quiet')).toBe(0);
    expect(await count('Comments', 'courseId', 'c-quiet')).toBe(0);

    await Group.destroy({ where: { groupId: 'g-1' } });
    expect(await count('Appliers', 'groupId', 'g-1')).toBe(0);
    expect(await count('Recomments', 'recommentId', 'rc-1')).toBe(0);
    expect(await count('Chats', 'groupId', 'g-1')).toBe(0);

    await User.destroy({ where: { userId: 'u-runner' } });
    expect(await count('Groups', 'groupId', 'g-2')).toBe(0);
    expect(await count('Appliers', 'applyId', 'ap-d2')).toBe(0);
    expect(await count('Courses', 'courseId', 'c-2')).toBe(0);
    expect(await count('Bookmarks', 'bookmarkId', 'bm-3')).toBe(0);
    expect(await count('Alarms', 'userId', 'u-runner')).toBe(0);
    expect(await count('Users', 'userId', 'u-host')).toBe(1);
  });
});
