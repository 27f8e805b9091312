/**
 * The schema the base migration converges to, frozen here rather than read from the models:
 * later model changes must come with their own migration, not silently rewrite this one.
 *
 * Column types are written as SQL that MySQL/MariaDB and SQLite both accept and that match
 * what Sequelize declares for the models' data types (BOOLEAN → TINYINT(1), DATE → DATETIME,
 * DATEONLY → DATE), so the models read and write these columns exactly as they would a
 * synced table.
 */

export interface ColumnDef {
  name: string;
  type: string;
  nullable: boolean;
  /** A SQL literal, already quoted where needed. */
  defaultSql?: string;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  /**
   * Found with a non-text type in an original database, the column's values are dropped, not
   * converted: they never held what the column is for.
   */
  discardUnlessText?: boolean;
}

/** Every foreign key of this schema is ON UPDATE CASCADE ON DELETE CASCADE. */
export interface ForeignKeyDef {
  name: string;
  column: string;
  parentTable: string;
  parentColumn: string;
}

export interface IndexDef {
  name: string;
  columns: string[];
  unique?: boolean;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  foreignKeys: ForeignKeyDef[];
  indexes: IndexDef[];
}

const id = (name: string): ColumnDef => ({
  name,
  type: 'VARCHAR(150)',
  nullable: false,
  primaryKey: true,
});
const required = (name: string, type: string, defaultSql?: string): ColumnDef => ({
  name,
  type,
  nullable: false,
  defaultSql,
});
const optional = (name: string, type: string): ColumnDef => ({ name, type, nullable: true });
const varchar = (length: number) => `VARCHAR(${length})`;
const BOOLEAN = 'TINYINT(1)';
/** Sequelize fills both on every write; the original declared them NOT NULL. */
const timestamps = [required('createdAt', 'DATETIME'), required('updatedAt', 'DATETIME')];

const fk = (table: string, column: string, parentTable: string): ForeignKeyDef => ({
  name: `fk_${table}_${column}`,
  column,
  parentTable,
  parentColumn: column,
});
const index = (table: string, ...columns: string[]): IndexDef => ({
  name: `idx_${table}_${columns.join('_')}`,
  columns,
});
const unique = (table: string, ...columns: string[]): IndexDef => ({
  name: `uq_${table}_${columns.join('_')}`,
  columns,
  unique: true,
});

/** In creation order: every parent comes before its children. */
export const TABLES: TableDef[] = [
  {
    name: 'Users',
    columns: [
      id('userId'),
      required('nickname', varchar(150)),
      optional('bio', varchar(255)),
      required('profileUrl', varchar(255)),
      optional('likeLocation', varchar(100)),
      optional('likeDistance', varchar(50)),
      optional('userLevel', varchar(50)),
      required('mannerPoint', 'FLOAT', '50'),
      optional('social', varchar(100)),
      optional('socialId', varchar(255)),
      optional('phone', varchar(255)),
      required('agreeSMS', BOOLEAN, '0'),
    ],
    foreignKeys: [],
    indexes: [unique('Users', 'social', 'socialId'), index('Users', 'nickname')],
  },
  {
    name: 'Groups',
    columns: [
      id('groupId'),
      required('userId', varchar(150)),
      required('mapLatLng', 'TEXT'),
      optional('thumbnailUrl1', varchar(255)),
      required('title', varchar(150)),
      required('maxPeople', 'INTEGER'),
      required('date', 'DATE'),
      required('standbyTime', 'TIME'),
      optional('finishTime', 'TIME'),
      required('distance', 'FLOAT'),
      required('speed', varchar(50)),
      required('location', varchar(200)),
      optional('parking', varchar(255)),
      optional('baggage', varchar(255)),
      optional('content', 'TEXT'),
      optional('thumbnailUrl2', varchar(255)),
      optional('thumbnailUrl3', varchar(255)),
      required('region', 'INTEGER'),
      required('timecode', 'INTEGER'),
      required('thema', varchar(20)),
      required('chattingRoom', varchar(255), "''"),
      ...timestamps,
    ],
    foreignKeys: [fk('Groups', 'userId', 'Users')],
    indexes: [index('Groups', 'date', 'standbyTime'), index('Groups', 'userId', 'date')],
  },
  {
    name: 'Appliers',
    columns: [
      id('applyId'),
      required('userId', varchar(150)),
      required('groupId', varchar(150)),
      required('attendance', BOOLEAN, '0'),
      required('evaluation', 'INTEGER', '0'),
    ],
    foreignKeys: [fk('Appliers', 'groupId', 'Groups'), fk('Appliers', 'userId', 'Users')],
    indexes: [unique('Appliers', 'groupId', 'userId'), index('Appliers', 'userId')],
  },
  {
    name: 'Courses',
    columns: [
      id('courseId'),
      required('userId', varchar(150)),
      required('title', varchar(150)),
      required('content', 'TEXT'),
      required('location', varchar(255)),
      required('mapLatLng', 'TEXT'),
      required('distance', 'FLOAT'),
      // The original declared a DATETIME; the SPA sends "1h 30min", so it only ever stored
      // zero dates or nonsense.
      { ...optional('totalTime', varchar(50)), discardUnlessText: true },
      required('courseImageUrl1', varchar(255)),
      optional('courseImageUrl2', varchar(255)),
      optional('courseImageUrl3', varchar(255)),
      optional('starPoint', 'FLOAT'),
      optional('baggage', varchar(255)),
      optional('parking', varchar(255)),
      required('clickCnt', 'INTEGER', '0'),
      required('region', 'INTEGER'),
      required('thema', varchar(20)),
      ...timestamps,
    ],
    foreignKeys: [fk('Courses', 'userId', 'Users')],
    indexes: [
      index('Courses', 'createdAt'),
      index('Courses', 'userId', 'createdAt'),
      index('Courses', 'region', 'createdAt'),
    ],
  },
  {
    name: 'Comments',
    columns: [
      id('commentId'),
      optional('groupId', varchar(150)),
      required('userId', varchar(150)),
      optional('courseId', varchar(150)),
      optional('content', 'TEXT'),
      ...timestamps,
    ],
    foreignKeys: [
      fk('Comments', 'groupId', 'Groups'),
      fk('Comments', 'courseId', 'Courses'),
      fk('Comments', 'userId', 'Users'),
    ],
    indexes: [
      index('Comments', 'groupId', 'createdAt'),
      index('Comments', 'courseId', 'createdAt'),
      index('Comments', 'userId'),
    ],
  },
  {
    name: 'Recomments',
    columns: [
      id('recommentId'),
      required('commentId', varchar(150)),
      required('userId', varchar(150)),
      optional('content', 'TEXT'),
      ...timestamps,
    ],
    foreignKeys: [fk('Recomments', 'commentId', 'Comments'), fk('Recomments', 'userId', 'Users')],
    indexes: [index('Recomments', 'commentId', 'createdAt'), index('Recomments', 'userId')],
  },
  {
    name: 'Bookmarks',
    columns: [
      id('bookmarkId'),
      required('courseId', varchar(150)),
      required('userId', varchar(150)),
    ],
    foreignKeys: [fk('Bookmarks', 'courseId', 'Courses'), fk('Bookmarks', 'userId', 'Users')],
    indexes: [unique('Bookmarks', 'courseId', 'userId'), index('Bookmarks', 'userId')],
  },
  {
    name: 'starpoint',
    columns: [
      id('starPointId'),
      required('userId', varchar(150)),
      required('courseId', varchar(150)),
      optional('myStarPoint', 'INTEGER'),
    ],
    foreignKeys: [fk('starpoint', 'courseId', 'Courses'), fk('starpoint', 'userId', 'Users')],
    indexes: [unique('starpoint', 'courseId', 'userId'), index('starpoint', 'userId')],
  },
  {
    name: 'Alarms',
    columns: [
      id('alarmId'),
      required('userId', varchar(150)),
      required('category', varchar(150)),
      optional('courseId', varchar(150)),
      optional('courseTitle', varchar(150)),
      optional('groupId', varchar(150)),
      optional('groupTitle', varchar(150)),
      optional('nickname', varchar(150)),
      optional('role', varchar(100)),
      required('check', BOOLEAN, '0'),
      optional('commentId', varchar(150)),
      required('sendPhone', 'INTEGER', '0'),
      ...timestamps,
    ],
    // groupId/courseId/commentId are snapshots: a notification outlives the post it was about.
    foreignKeys: [fk('Alarms', 'userId', 'Users')],
    indexes: [index('Alarms', 'userId', 'createdAt')],
  },
  {
    name: 'Chats',
    columns: [
      { name: 'chatId', type: 'INTEGER', nullable: false, primaryKey: true, autoIncrement: true },
      required('groupId', varchar(150)),
      // The sender is a snapshot (nickname and picture too), as in the original.
      required('userId', varchar(150)),
      required('nickname', varchar(150)),
      required('profileUrl', varchar(255)),
      required('message', varchar(500)),
      optional('createdAt', 'DATETIME'),
    ],
    foreignKeys: [fk('Chats', 'groupId', 'Groups')],
    indexes: [index('Chats', 'groupId', 'chatId')],
  },
];

export const TABLE_NAMES = TABLES.map((t) => t.name);
