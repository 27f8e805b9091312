import crypto from 'node:crypto';
import { UniqueConstraintError, type ModelStatic, type Model } from 'sequelize';
import { createMigrator, migrate } from '../src/db/migrator';
import {
  Alarm,
  Applier,
  Bookmark,
  Chat,
  Comment,
  Course,
  Group,
  initModels,
  Recomment,
  StarPoint,
  User,
  Waiter,
} from '../src/db/models';
import {
  createScratchDatabase,
  foreignKeys,
  indexes,
  schemaSnapshot,
  SCHEMA_TABLES,
  describeColumns,
  selectAll,
  tableNames,
  type ScratchDatabase,
} from './support/migrations';

const MODELS: ModelStatic<Model>[] = [
  User,
  Group,
  Applier,
  Course,
  Comment,
  Recomment,
  Bookmark,
  StarPoint,
  Alarm,
  Chat,
  Waiter,
];

/** The foreign keys the schema promises: table.column → parent table (same column name). */
const EXPECTED_FOREIGN_KEYS: Record<string, Record<string, string>> = {
  Users: {},
  Groups: { userId: 'Users' },
  Appliers: { groupId: 'Groups', userId: 'Users' },
  Courses: { userId: 'Users' },
  Comments: { courseId: 'Courses', groupId: 'Groups', userId: 'Users' },
  Recomments: { commentId: 'Comments', userId: 'Users' },
  Bookmarks: { courseId: 'Courses', userId: 'Users' },
  starpoint: { courseId: 'Courses', userId: 'Users' },
  Alarms: { userId: 'Users' },
  Chats: { groupId: 'Groups' },
  Waitlists: { groupId: 'Groups', userId: 'Users' },
};

/**
 * Columns the database computes (generated columns): the application never writes them, so no
 * model declares them (SQLite's table description leaves them out too).
 */
const GENERATED: Record<string, string[]> = {
  Groups: ['searchKey', 'startCell'],
  Courses: ['rankScore'],
};

/** [columns, unique] per table; names are checked to be stable separately. */
const EXPECTED_INDEXES: Record<string, Array<[string[], boolean]>> = {
  Users: [
    [['social', 'socialId'], true],
    [['nickname'], false],
  ],
  Groups: [
    [['date', 'standbyTime'], false],
    [['userId', 'date'], false],
    [['region', 'date', 'standbyTime'], false],
    [['startLat', 'startLng', 'date', 'standbyTime'], false],
    [['searchKey', 'date', 'standbyTime', 'groupId'], false],
    [['startCell', 'date', 'standbyTime', 'startLat', 'startLng', 'groupId'], false],
  ],
  Appliers: [
    [['groupId', 'userId'], true],
    [['userId'], false],
    // The calendar feed's runs a user applied to, read from the index alone.
    [['userId', 'groupId'], false],
  ],
  Courses: [
    [['createdAt'], false],
    [['userId', 'createdAt'], false],
    [['region', 'createdAt'], false],
    [['starPoint', 'createdAt', 'courseId'], false],
    [['region', 'starPoint', 'createdAt', 'courseId'], false],
    [['bookmarkCnt', 'createdAt', 'courseId'], false],
    [['region', 'bookmarkCnt', 'createdAt', 'courseId'], false],
    [['commentCnt', 'createdAt', 'courseId'], false],
    [['region', 'commentCnt', 'createdAt', 'courseId'], false],
    [['rankScore', 'createdAt', 'courseId'], false],
    [['region', 'rankScore', 'createdAt', 'courseId'], false],
  ],
  Comments: [
    [['groupId', 'createdAt'], false],
    [['courseId', 'createdAt'], false],
    [['userId'], false],
  ],
  Recomments: [
    [['commentId', 'createdAt'], false],
    [['userId'], false],
  ],
  Bookmarks: [
    [['courseId', 'userId'], true],
    [['userId'], false],
  ],
  starpoint: [
    [['courseId', 'userId'], true],
    [['userId'], false],
  ],
  Alarms: [
    [['userId', 'createdAt'], false],
    [['dedupeKey'], true],
    [['smsStatus', 'smsNextAttemptAt'], false],
  ],
  Chats: [[['groupId', 'chatId'], false]],
  Waitlists: [
    [['groupId', 'userId'], true],
    [['groupId', 'waitlistId'], false],
    [['userId'], false],
  ],
};

const unique = () => crypto.randomBytes(6).toString('hex');

/** A user with content everywhere a user can own something, on a group and course of `host`. */
async function seedActivity(host: User) {
  const user = await User.create({
    nickname: 'runner',
    profileUrl: 'https://example.com/p.png',
    social: 'kakao',
    socialId: `k-${unique()}`,
  } as User);
  const group = await Group.create({
    userId: host.userId,
    mapLatLng: '[{"lat":37.5,"lng":127}]',
    title: '한강 러닝',
    maxPeople: 5,
    date: '2026-12-01',
    standbyTime: '07:00:00',
    distance: 5,
    speed: '6:00',
    location: '서울 영등포구',
    region: 1,
    timecode: 1,
    thema: '도심',
  } as Group);
  const course = await Course.create({
    userId: host.userId,
    title: '여의도 코스',
    content: '좋아요',
    location: '서울 영등포구',
    mapLatLng: '[]',
    distance: 4.2,
    totalTime: '1h 30min',
    courseImageUrl1: 'course/1.jpg',
    region: 1,
    thema: '도심',
  } as Course);
  const applier = await Applier.create({ groupId: group.groupId, userId: user.userId } as Applier);
  const groupComment = await Comment.create({
    groupId: group.groupId,
    userId: user.userId,
    content: '참가합니다',
  } as Comment);
  const courseComment = await Comment.create({
    courseId: course.courseId,
    userId: user.userId,
    content: '좋은 코스',
  } as Comment);
  const recomment = await Recomment.create({
    commentId: groupComment.commentId,
    userId: user.userId,
    content: '반가워요',
  } as Recomment);
  const bookmark = await Bookmark.create({
    courseId: course.courseId,
    userId: user.userId,
  } as Bookmark);
  const rating = await StarPoint.create({
    courseId: course.courseId,
    userId: user.userId,
    myStarPoint: 5,
  } as StarPoint);
  const alarm = await Alarm.create({
    userId: user.userId,
    category: 'comment',
    groupId: group.groupId,
  } as Alarm);
  const chat = await Chat.create({
    groupId: group.groupId,
    userId: user.userId,
    nickname: 'runner',
    profileUrl: 'https://example.com/p.png',
    message: '안녕하세요',
  } as Chat);
  return {
    user,
    group,
    course,
    applier,
    groupComment,
    courseComment,
    recomment,
    bookmark,
    rating,
    alarm,
    chat,
  };
}

const exists = async (model: ModelStatic<Model>, id: unknown) =>
  (await model.findByPk(id as string)) !== null;

describe('Migrations on an empty database', () => {
  let db: ScratchDatabase;
  let host: User;

  beforeAll(async () => {
    db = await createScratchDatabase();
    await migrate(db.sequelize);
    initModels(db.sequelize);
    host = await User.create({
      nickname: 'host',
      profileUrl: 'https://example.com/h.png',
      social: 'naver',
      socialId: `n-${unique()}`,
    } as User);
  });

  afterAll(async () => {
    await db?.drop();
  });

  test('Every table has exactly the columns, types, nullability and defaults its model declares', async () => {
    for (const model of MODELS) {
      const columns = await describeColumns(db.sequelize, model.tableName);
      const attributes = model.getAttributes();
      const generated = GENERATED[model.tableName] ?? [];
      const stored = Object.keys(columns).filter((name) => !generated.includes(name));
      expect(stored.sort()).toEqual(Object.keys(attributes).sort());
      for (const [name, attribute] of Object.entries(attributes)) {
        const column = columns[name];
        const where = `${model.tableName}.${name}`;
        const managedTimestamp =
          (name === 'createdAt' || name === 'updatedAt') && attribute.allowNull === undefined;
        const nullable =
          attribute.allowNull !== false && !attribute.primaryKey && !managedTimestamp;
        expect({ where, type: column.type.replace(/^INT(\(\d+\))?$/, 'INTEGER') }).toEqual({
          where,
          type: (attribute.type as { toSql(): string }).toSql(),
        });
        expect({ where, allowNull: column.allowNull }).toEqual({ where, allowNull: nullable });
        expect({ where, primaryKey: column.primaryKey }).toEqual({
          where,
          primaryKey: Boolean(attribute.primaryKey),
        });
        const modelDefault = attribute.defaultValue;
        if (['string', 'number', 'boolean'].includes(typeof modelDefault)) {
          const asSql = (v: unknown) => String(v === false ? 0 : v === true ? 1 : v);
          expect({ where, default: asSql(column.defaultValue) }).toEqual({
            where,
            default: asSql(modelDefault),
          });
        }
      }
    }
  });

  test('Every foreign key is declared with ON UPDATE CASCADE and ON DELETE CASCADE, and no others exist', async () => {
    for (const table of SCHEMA_TABLES) {
      const keys = await foreignKeys(db, table);
      const expected = EXPECTED_FOREIGN_KEYS[table];
      expect({ table, columns: keys.map((k) => k.column) }).toEqual({
        table,
        columns: Object.keys(expected).sort(),
      });
      for (const key of keys) {
        expect(key).toMatchObject({
          parent: expected[key.column],
          parentColumn: key.column,
          onUpdate: 'CASCADE',
          onDelete: 'CASCADE',
        });
        if (db.dialect === 'mysql') expect(key.name).toBe(`fk_${table}_${key.column}`);
      }
    }
  });

  test('The list-query indexes and unique constraints exist under explicit names', async () => {
    for (const table of SCHEMA_TABLES) {
      const found = await indexes(db, table);
      expect({
        table,
        indexes: found.map((i) => [i.columns, i.unique]).sort(),
      }).toEqual({ table, indexes: [...EXPECTED_INDEXES[table]].sort() });
      for (const index of found) {
        const prefix = index.unique ? 'uq' : 'idx';
        expect(index.name).toBe(`${prefix}_${table}_${index.columns.join('_')}`);
      }
    }
  });

  test('A second application, bookmark, rating or social login for the same pair is rejected', async () => {
    const { user, group, course } = await seedActivity(host);
    await expect(
      Applier.create({ groupId: group.groupId, userId: user.userId } as Applier),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    await expect(
      Bookmark.create({ courseId: course.courseId, userId: user.userId } as Bookmark),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    await expect(
      StarPoint.create({
        courseId: course.courseId,
        userId: user.userId,
        myStarPoint: 1,
      } as StarPoint),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    await expect(
      User.create({
        nickname: 'copy',
        profileUrl: 'x',
        social: user.social,
        socialId: user.socialId,
      } as User),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  test('A run keeps its route start in startLat/startLng on create, bulk create and route edit, NULL when the route cannot be read', async () => {
    const { group } = await seedActivity(host);
    const start = async (groupId: string) => {
      const [row] = await selectAll(
        db,
        'SELECT `startLat`, `startLng` FROM `Groups` WHERE `groupId` = ?',
        [groupId],
      );
      return [row.startLat, row.startLng].map((v) => (v === null ? null : Number(v)));
    };
    expect(await start(group.groupId)).toEqual([37.5, 127]);

    await group.update({
      mapLatLng: '[{"lat":35.1234567,"lng":129.0000004},{"lat":35,"lng":129}]',
    });
    expect(await start(group.groupId)).toEqual([35.123457, 129]);
    await group.update({ title: '제목만 바뀜' });
    expect(await start(group.groupId)).toEqual([35.123457, 129]);
    await group.update({ mapLatLng: 'not json' });
    expect(await start(group.groupId)).toEqual([null, null]);

    const [bulk] = await Group.bulkCreate([
      {
        ...group.get({ plain: true }),
        groupId: `bulk-${unique()}`,
        mapLatLng: '[{"lat":-33.9,"lng":151.2}]',
      },
    ] as Group[]);
    expect(await start(bulk.groupId)).toEqual([-33.9, 151.2]);
  });

  test('Users without a social login do not collide with each other', async () => {
    const a = await User.create({
      nickname: 'a',
      profileUrl: 'x',
      social: null,
      socialId: null,
    } as User);
    const b = await User.create({
      nickname: 'b',
      profileUrl: 'x',
      social: null,
      socialId: null,
    } as User);
    expect(a.userId).not.toBe(b.userId);
  });

  test('Deleting a group deletes its applications, comments, their replies and its chat', async () => {
    const s = await seedActivity(host);
    await Group.destroy({ where: { groupId: s.group.groupId } });
    expect(await exists(Applier, s.applier.applyId)).toBe(false);
    expect(await exists(Comment, s.groupComment.commentId)).toBe(false);
    expect(await exists(Recomment, s.recomment.recommentId)).toBe(false);
    expect(await exists(Chat, s.chat.chatId)).toBe(false);
    // Not the group's: the course thread and the notification snapshot stay.
    expect(await exists(Comment, s.courseComment.commentId)).toBe(true);
    expect(await exists(Alarm, s.alarm.alarmId)).toBe(true);
  });

  test('Deleting a course deletes its bookmarks, ratings and comments', async () => {
    const s = await seedActivity(host);
    await Course.destroy({ where: { courseId: s.course.courseId } });
    expect(await exists(Bookmark, s.bookmark.bookmarkId)).toBe(false);
    expect(await exists(StarPoint, s.rating.starPointId)).toBe(false);
    expect(await exists(Comment, s.courseComment.commentId)).toBe(false);
    expect(await exists(Comment, s.groupComment.commentId)).toBe(true);
  });

  test('Deleting a user deletes everything they own, including what others wrote on their posts', async () => {
    const mine = await seedActivity(host);
    const owner = mine.user;
    // The user hosts a group and a course that another runner is active on.
    const onTheirPosts = await seedActivity(owner);
    await User.destroy({ where: { userId: owner.userId } });

    expect(await exists(Applier, mine.applier.applyId)).toBe(false);
    expect(await exists(Comment, mine.groupComment.commentId)).toBe(false);
    expect(await exists(Comment, mine.courseComment.commentId)).toBe(false);
    expect(await exists(Recomment, mine.recomment.recommentId)).toBe(false);
    expect(await exists(Bookmark, mine.bookmark.bookmarkId)).toBe(false);
    expect(await exists(StarPoint, mine.rating.starPointId)).toBe(false);
    expect(await exists(Alarm, mine.alarm.alarmId)).toBe(false);
    expect(await exists(Group, onTheirPosts.group.groupId)).toBe(false);
    expect(await exists(Course, onTheirPosts.course.courseId)).toBe(false);
    expect(await exists(Applier, onTheirPosts.applier.applyId)).toBe(false);
    expect(await exists(Comment, onTheirPosts.groupComment.commentId)).toBe(false);
    expect(await exists(Chat, onTheirPosts.chat.chatId)).toBe(false);
    expect(await exists(Bookmark, onTheirPosts.bookmark.bookmarkId)).toBe(false);
    // Chats are snapshots of the sender: the user's message in someone else's group stays.
    expect(await exists(Chat, mine.chat.chatId)).toBe(true);
    expect(await exists(Group, mine.group.groupId)).toBe(true);
    expect(await exists(User, onTheirPosts.user.userId)).toBe(true);
  });

  test('A runner waits once per run, in auto-numbered order, and the place goes with the run or the runner', async () => {
    const s = await seedActivity(host);
    const other = await seedActivity(host);
    const at = new Date();
    const first = await Waiter.create({
      groupId: s.group.groupId,
      userId: s.user.userId,
      createdAt: at,
    });
    const second = await Waiter.create({
      groupId: s.group.groupId,
      userId: other.user.userId,
      createdAt: at,
    });
    expect(second.waitlistId).toBeGreaterThan(first.waitlistId);
    await expect(
      Waiter.create({ groupId: s.group.groupId, userId: s.user.userId, createdAt: at }),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    const onOther = await Waiter.create({
      groupId: other.group.groupId,
      userId: s.user.userId,
      createdAt: at,
    });
    await User.destroy({ where: { userId: other.user.userId } });
    expect(await exists(Waiter, second.waitlistId)).toBe(false);
    await Group.destroy({ where: { groupId: s.group.groupId } });
    expect(await exists(Waiter, first.waitlistId)).toBe(false);
    expect(await exists(Waiter, onOther.waitlistId)).toBe(true);
  });

  test('Running the migrations again applies nothing and changes nothing', async () => {
    const before = await schemaSnapshot(db);
    expect(await migrate(db.sequelize)).toEqual([]);
    expect(await schemaSnapshot(db)).toEqual(before);
  });

  test('Reverting every migration drops all tables, and migrating again rebuilds the same schema', async () => {
    const expected = await schemaSnapshot(db);
    const other = await createScratchDatabase();
    try {
      await migrate(other.sequelize);
      await createMigrator(other.sequelize).down({ to: 0 });
      const left = await tableNames(other);
      expect(left.filter((t) => SCHEMA_TABLES.includes(t))).toEqual([]);
      const all = (await createMigrator(other.sequelize).pending()).map((m) => m.name);
      expect(all[0]).toBe('20261123000100-base-schema');
      expect(await migrate(other.sequelize)).toEqual(all);
      expect(await schemaSnapshot(other)).toEqual(expected);
    } finally {
      await other.drop();
    }
  });
});
