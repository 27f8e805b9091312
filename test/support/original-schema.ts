import type { ScratchDatabase } from './migrations';

/**
 * The original backend's tables as `sequelize.sync()` created them from its models
 * (original-backend.md §3): VARCHAR(150) ids, TINYINT agreeSMS, DATETIME totalTime, NOT NULL
 * finishTime, per-column FK_* indexes and foreign keys with ON DELETE NO ACTION (SET NULL for
 * the two optional comment parents). SQLite gets the same definitions in its own syntax.
 */
interface OriginalTable {
  name: string;
  columns: string[];
  primaryKey: string;
  foreignKeys: Array<{ column: string; parent: string; onDelete: 'NO ACTION' | 'SET NULL' }>;
  indexes: Array<[name: string, column: string]>;
}

const id = (name: string) => `\`${name}\` VARCHAR(150) NOT NULL`;
const timestamps = ['`createdAt` DATETIME NOT NULL', '`updatedAt` DATETIME NOT NULL'];
const noAction = (column: string, parent: string) =>
  ({ column, parent, onDelete: 'NO ACTION' }) as const;

const ORIGINAL_TABLES: OriginalTable[] = [
  {
    name: 'Users',
    columns: [
      id('userId'),
      '`nickname` VARCHAR(150) NOT NULL',
      '`bio` VARCHAR(255)',
      '`profileUrl` VARCHAR(200) NOT NULL',
      '`likeLocation` VARCHAR(100)',
      '`likeDistance` VARCHAR(50)',
      '`userLevel` VARCHAR(50)',
      '`mannerPoint` FLOAT NOT NULL DEFAULT 50',
      '`social` VARCHAR(100)',
      '`socialId` VARCHAR(255)',
      '`phone` VARCHAR(100)',
      '`agreeSMS` TINYINT NOT NULL DEFAULT 0',
    ],
    primaryKey: 'userId',
    foreignKeys: [],
    indexes: [],
  },
  {
    name: 'Groups',
    columns: [
      id('groupId'),
      id('userId'),
      '`mapLatLng` TEXT NOT NULL',
      '`thumbnailUrl1` VARCHAR(255)',
      '`title` VARCHAR(150) NOT NULL',
      '`maxPeople` INTEGER NOT NULL',
      '`date` DATE NOT NULL',
      '`standbyTime` TIME NOT NULL',
      '`finishTime` TIME NOT NULL',
      '`distance` FLOAT NOT NULL',
      '`speed` VARCHAR(50) NOT NULL',
      '`location` VARCHAR(200) NOT NULL',
      '`parking` VARCHAR(255)',
      '`baggage` VARCHAR(255)',
      '`content` TEXT',
      '`thumbnailUrl2` VARCHAR(255)',
      '`thumbnailUrl3` VARCHAR(255)',
      '`region` INTEGER NOT NULL',
      '`timecode` INTEGER NOT NULL',
      '`thema` VARCHAR(20) NOT NULL',
      '`chattingRoom` VARCHAR(255) NOT NULL',
      ...timestamps,
    ],
    primaryKey: 'groupId',
    foreignKeys: [noAction('userId', 'Users')],
    indexes: [['FK_Users_TO_Groups_1', 'userId']],
  },
  {
    name: 'Appliers',
    columns: [
      id('applyId'),
      id('userId'),
      id('groupId'),
      '`attendance` TINYINT(1) NOT NULL DEFAULT 0',
      '`evaluation` INTEGER NOT NULL DEFAULT 0',
    ],
    primaryKey: 'applyId',
    foreignKeys: [noAction('userId', 'Users'), noAction('groupId', 'Groups')],
    indexes: [
      ['FK_Groups_TO_Appliers_1', 'groupId'],
      ['FK_Users_TO_Appliers_1', 'userId'],
    ],
  },
  {
    name: 'Courses',
    columns: [
      id('courseId'),
      id('userId'),
      '`title` VARCHAR(150) NOT NULL',
      '`content` TEXT NOT NULL',
      '`location` VARCHAR(255) NOT NULL',
      '`mapLatLng` TEXT NOT NULL',
      '`distance` FLOAT NOT NULL',
      '`totalTime` DATETIME NOT NULL',
      '`courseImageUrl1` VARCHAR(255) NOT NULL',
      '`courseImageUrl2` VARCHAR(255)',
      '`courseImageUrl3` VARCHAR(255)',
      '`starPoint` FLOAT',
      '`baggage` VARCHAR(255)',
      '`parking` VARCHAR(255)',
      '`clickCnt` INTEGER NOT NULL DEFAULT 0',
      '`region` INTEGER NOT NULL',
      '`thema` VARCHAR(20) NOT NULL',
      ...timestamps,
    ],
    primaryKey: 'courseId',
    foreignKeys: [noAction('userId', 'Users')],
    indexes: [['FK_Users_TO_Courses_1', 'userId']],
  },
  {
    name: 'Comments',
    columns: [
      id('commentId'),
      '`groupId` VARCHAR(150)',
      id('userId'),
      '`courseId` VARCHAR(150)',
      '`content` TEXT',
      ...timestamps,
    ],
    primaryKey: 'commentId',
    foreignKeys: [
      { column: 'groupId', parent: 'Groups', onDelete: 'SET NULL' },
      noAction('userId', 'Users'),
      { column: 'courseId', parent: 'Courses', onDelete: 'SET NULL' },
    ],
    indexes: [
      ['FK_Courses_TO_Comments_1', 'courseId'],
      ['FK_Groups_TO_Comments_1', 'groupId'],
      ['FK_Users_TO_Comments_1', 'userId'],
    ],
  },
  {
    name: 'Recomments',
    columns: [id('recommentId'), id('commentId'), id('userId'), '`content` TEXT', ...timestamps],
    primaryKey: 'recommentId',
    foreignKeys: [noAction('commentId', 'Comments'), noAction('userId', 'Users')],
    indexes: [
      ['FK_Comments_TO_Recomments_1', 'commentId'],
      ['FK_Users_TO_Recomments_1', 'userId'],
    ],
  },
  {
    name: 'Bookmarks',
    columns: [id('bookmarkId'), id('courseId'), id('userId')],
    primaryKey: 'bookmarkId',
    foreignKeys: [noAction('courseId', 'Courses'), noAction('userId', 'Users')],
    indexes: [
      ['FK_Courses_TO_Bookmarks_1', 'courseId'],
      ['FK_Users_TO_Bookmarks_1', 'userId'],
    ],
  },
  {
    name: 'starpoint',
    columns: [id('starPointId'), id('userId'), id('courseId'), '`myStarPoint` INTEGER'],
    primaryKey: 'starPointId',
    foreignKeys: [noAction('userId', 'Users'), noAction('courseId', 'Courses')],
    indexes: [
      ['FK_Courses_TO_starpoint_1', 'courseId'],
      ['FK_Users_TO_starpoint_1', 'userId'],
    ],
  },
  {
    name: 'Alarms',
    columns: [
      id('alarmId'),
      id('userId'),
      '`category` VARCHAR(150) NOT NULL',
      '`courseId` VARCHAR(150)',
      '`courseTitle` VARCHAR(150)',
      '`groupId` VARCHAR(150)',
      '`groupTitle` VARCHAR(150)',
      '`nickname` VARCHAR(150)',
      '`role` VARCHAR(100)',
      '`check` TINYINT(1) NOT NULL DEFAULT 0',
      '`commentId` VARCHAR(150)',
      '`sendPhone` INTEGER NOT NULL DEFAULT 0',
      ...timestamps,
    ],
    primaryKey: 'alarmId',
    foreignKeys: [noAction('userId', 'Users')],
    indexes: [['FK_Users_TO_Alarms_1', 'userId']],
  },
  {
    name: 'Badges',
    columns: [
      id('badgeId'),
      id('userId'),
      ...[1, 2, 3, 4, 5, 6].map((n) => `\`badge${n}\` TINYINT(1) NOT NULL DEFAULT 0`),
    ],
    primaryKey: 'badgeId',
    foreignKeys: [noAction('userId', 'Users')],
    indexes: [['FK_Users_TO_Badges_1', 'userId']],
  },
  {
    name: 'Chats',
    columns: [
      '`chatId` AUTO',
      id('groupId'),
      id('userId'),
      '`nickname` VARCHAR(45) NOT NULL',
      '`profileUrl` VARCHAR(200) NOT NULL',
      '`message` VARCHAR(255) NOT NULL',
    ],
    primaryKey: 'chatId',
    foreignKeys: [noAction('groupId', 'Groups')],
    indexes: [['FK_Groups_TO_Chats_1_idx', 'groupId']],
  },
];

function createTableSql(table: OriginalTable, dialect: ScratchDatabase['dialect']): string {
  const autoIncrement = dialect === 'mysql' ? 'INTEGER NOT NULL auto_increment' : null;
  const lines = table.columns.map((c) =>
    c.endsWith(' AUTO')
      ? c.replace(
          ' AUTO',
          autoIncrement ? ` ${autoIncrement}` : ' INTEGER PRIMARY KEY AUTOINCREMENT',
        )
      : c,
  );
  if (autoIncrement || !table.columns.some((c) => c.endsWith(' AUTO'))) {
    lines.push(`PRIMARY KEY (\`${table.primaryKey}\`)`);
  }
  for (const fk of table.foreignKeys) {
    lines.push(
      `FOREIGN KEY (\`${fk.column}\`) REFERENCES \`${fk.parent}\` (\`${fk.column}\`) ` +
        `ON DELETE ${fk.onDelete} ON UPDATE CASCADE`,
    );
  }
  return `CREATE TABLE \`${table.name}\` (${lines.join(', ')})${dialect === 'mysql' ? ' ENGINE=InnoDB' : ''}`;
}

export const ORIGINAL_TABLE_NAMES = ORIGINAL_TABLES.map((t) => t.name);

export async function createOriginalSchema(
  db: ScratchDatabase,
  options: { without?: string[] } = {},
): Promise<void> {
  for (const table of ORIGINAL_TABLES.filter((t) => !options.without?.includes(t.name))) {
    await db.sequelize.query(createTableSql(table, db.dialect));
    for (const [name, column] of table.indexes) {
      await db.sequelize.query(`CREATE INDEX \`${name}\` ON \`${table.name}\` (\`${column}\`)`);
    }
  }
}
