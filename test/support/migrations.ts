import { QueryTypes, type ColumnsDescription, type Sequelize, type Transaction } from 'sequelize';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/lib/logger';
import {
  createSequelize,
  withoutStatementLimit,
  dialectOf,
  type Dialect,
} from '../../src/db/sequelize';
import { createOwnDatabase } from './database';

/**
 * Migration tests work on databases of their own, made and dropped here, so they never touch
 * the shared test database the other suites use.
 */
export interface ScratchDatabase {
  sequelize: Sequelize;
  dialect: Dialect;
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const config = loadConfig(process.env);
  const own = await createOwnDatabase(config, 'mig');
  const sequelize = createSequelize(withoutStatementLimit(own.db), createLogger(config.log));
  return {
    sequelize,
    dialect: dialectOf(sequelize),
    async drop() {
      await sequelize.close();
      await own.drop();
    },
  };
}

export type Row = Record<string, unknown>;

export async function selectAll(db: ScratchDatabase, sql: string, params: unknown[] = []) {
  return db.sequelize.query<Row>(sql, { type: QueryTypes.SELECT, replacements: params });
}

export async function tableNames(db: ScratchDatabase): Promise<string[]> {
  const rows = await selectAll(
    db,
    db.dialect === 'mysql'
      ? 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()'
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  return rows.map((r) => String(r.name)).sort();
}

export interface ForeignKeyInfo {
  name: string | null;
  column: string;
  parent: string;
  parentColumn: string;
  onUpdate: string;
  onDelete: string;
}

/** SQLite does not report constraint names, so `name` is null there. */
export async function foreignKeys(db: ScratchDatabase, table: string): Promise<ForeignKeyInfo[]> {
  const rows =
    db.dialect === 'mysql'
      ? await selectAll(
          db,
          'SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS `column`, k.REFERENCED_TABLE_NAME AS parent, ' +
            'k.REFERENCED_COLUMN_NAME AS parentColumn, r.UPDATE_RULE AS onUpdate, r.DELETE_RULE AS onDelete ' +
            'FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ' +
            'ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME ' +
            'AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME ' +
            'WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL',
          [table],
        )
      : await selectAll(
          db,
          'SELECT NULL AS name, "from" AS "column", "table" AS parent, "to" AS parentColumn, ' +
            'on_update AS onUpdate, on_delete AS onDelete FROM pragma_foreign_key_list(?)',
          [table],
        );
  return (rows as unknown as ForeignKeyInfo[])
    .map((r) => ({ ...r, onUpdate: r.onUpdate.toUpperCase(), onDelete: r.onDelete.toUpperCase() }))
    .sort((a, b) => a.column.localeCompare(b.column));
}

export interface IndexInfo {
  name: string;
  unique: boolean;
  columns: string[];
}

/** Secondary indexes only: primary keys are checked through describeTable. */
export async function indexes(db: ScratchDatabase, table: string): Promise<IndexInfo[]> {
  const rows =
    db.dialect === 'mysql'
      ? await selectAll(
          db,
          'SELECT INDEX_NAME AS name, NON_UNIQUE = 0 AS isUnique, COLUMN_NAME AS `column` ' +
            'FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ' +
            "AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
          [table],
        )
      : await selectAll(
          db,
          'SELECT il.name AS name, il."unique" AS isUnique, ii.name AS "column" ' +
            "FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii WHERE il.origin <> 'pk' " +
            'ORDER BY il.name, ii.seqno',
          [table],
        );
  const byName = new Map<string, IndexInfo>();
  for (const row of rows) {
    const name = String(row.name);
    const index = byName.get(name) ?? { name, unique: Number(row.isUnique) === 1, columns: [] };
    index.columns.push(String(row.column));
    byName.set(name, index);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const SCHEMA_TABLES = [
  'Users',
  'Groups',
  'Appliers',
  'Courses',
  'Comments',
  'Recomments',
  'Bookmarks',
  'starpoint',
  'Alarms',
  'Chats',
  'Waitlists',
];

/**
 * A table's columns as `queryInterface.describeTable` reads them, without its pass over the
 * indexes: Sequelize's SQLite dialect fails there on an index over a generated column
 * (`Groups.searchKey`, `Courses.rankScore`), which SQLite's column list leaves out.
 */
export async function describeColumns(
  sequelize: Sequelize,
  table: string,
): Promise<ColumnsDescription> {
  const qi = sequelize.getQueryInterface();
  if (dialectOf(sequelize) === 'mysql') return qi.describeTable(table);
  const generator = qi.queryGenerator as { describeTableQuery(table: string): string };
  return sequelize.query(generator.describeTableQuery(table), {
    type: QueryTypes.DESCRIBE,
  }) as Promise<ColumnsDescription>;
}

/** Everything that makes up our tables, in a form two databases can be compared by. */
export async function schemaSnapshot(db: ScratchDatabase) {
  const snapshot: Record<string, unknown> = {};
  for (const table of SCHEMA_TABLES) {
    const columns = Object.entries(await describeColumns(db.sequelize, table)).map(([name, c]) => ({
      name,
      type: c.type,
      allowNull: c.allowNull,
      defaultValue: c.defaultValue,
      primaryKey: c.primaryKey,
      autoIncrement: c.autoIncrement,
    }));
    const options =
      db.dialect === 'mysql'
        ? await selectAll(
            db,
            'SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES ' +
              'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
            [table],
          )
        : [];
    snapshot[table] = {
      columns,
      indexes: await indexes(db, table),
      foreignKeys: await foreignKeys(db, table),
      options,
    };
  }
  return snapshot;
}

/**
 * Runs `work` with foreign key checks off, on one connection, to write rows the original
 * schema would have refused (orphans) the way a real database can still hold them. On MySQL
 * zero dates are allowed too, as older servers did.
 */
export async function withoutKeyChecks(
  db: ScratchDatabase,
  work: (options: { transaction?: Transaction }) => Promise<void>,
): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.sequelize.query('PRAGMA foreign_keys = OFF');
    try {
      await work({});
    } finally {
      await db.sequelize.query('PRAGMA foreign_keys = ON');
    }
    return;
  }
  await db.sequelize.transaction(async (transaction) => {
    const [{ mode }] = await db.sequelize.query<{ mode: string }>(
      'SELECT @@SESSION.sql_mode AS mode',
      {
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    await db.sequelize.query(
      "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION', FOREIGN_KEY_CHECKS = 0",
      {
        transaction,
      },
    );
    try {
      await work({ transaction });
    } finally {
      await db.sequelize.query('SET SESSION sql_mode = ?, FOREIGN_KEY_CHECKS = 1', {
        replacements: [mode],
        transaction,
      });
    }
  });
}

export async function insertRows(
  db: ScratchDatabase,
  table: string,
  rows: Row[],
  options: { transaction?: Transaction } = {},
): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    await db.sequelize.query(
      `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) ` +
        `VALUES (${columns.map(() => '?').join(', ')})`,
      { replacements: columns.map((c) => row[c]), ...options },
    );
  }
}

/** A course row as the original stored it (no sort keys), for migration tests. */
export const courseRow = (courseId: string, userId: string, extra: Row = {}): Row => ({
  courseId,
  userId,
  title: courseId,
  content: '',
  location: '서울 중구',
  mapLatLng: '[]',
  distance: 5,
  courseImageUrl1: 'k.webp',
  clickCnt: 0,
  region: 1,
  thema: '산',
  createdAt: '2022-06-01 10:00:00',
  updatedAt: '2022-06-01 10:00:00',
  ...extra,
});
