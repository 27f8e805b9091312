/**
 * What the migrations ask the database about itself, written once for both dialects: the quoting
 * of identifiers and whether a table, column or index is there (MySQL/MariaDB's
 * information_schema, SQLite's sqlite_master and pragma_table_info). Every migration checks
 * before it changes, so running one again finishes what an interrupted run left.
 *
 * This folder is not a migration: the migrator only loads the files directly in `migrations/`.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { dialectOf } from '../../src/db/sequelize';

/** Backticks work on both dialects and keep MySQL's reserved `Groups` and `check` usable. */
export const q = (identifier: string) => `\`${identifier.replace(/`/g, '``')}\``;

export async function select<T extends object>(
  sequelize: Sequelize,
  sql: string,
  replacements: unknown[] = [],
): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
}

async function names(sequelize: Sequelize, sql: string, replacements: unknown[] = []) {
  const rows = await select<{ name: string }>(sequelize, sql, replacements);
  return new Set(rows.map((r) => r.name));
}

/** Catalogue queries by dialect; `name` narrows them to one name (compared by the database). */
const CATALOGUE = {
  table: {
    mysql:
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    name: { mysql: 'TABLE_NAME', sqlite: 'name' },
  },
  column: {
    mysql:
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    // table_xinfo: generated columns too (table_info leaves them out).
    sqlite: 'SELECT name FROM pragma_table_xinfo(?) WHERE 1 = 1',
    name: { mysql: 'COLUMN_NAME', sqlite: 'name' },
  },
  index: {
    mysql:
      'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
    name: { mysql: 'INDEX_NAME', sqlite: 'name' },
  },
} as const;

type Kind = keyof typeof CATALOGUE;

function catalogue(sequelize: Sequelize, kind: Kind, table: string | null, name?: string) {
  const dialect = dialectOf(sequelize);
  const sql = CATALOGUE[kind][dialect];
  const replacements = table === null ? [] : [table];
  if (name === undefined) return names(sequelize, sql, replacements);
  return names(sequelize, `${sql} AND ${CATALOGUE[kind].name[dialect]} = ?`, [
    ...replacements,
    name,
  ]);
}

/** The tables of the database (not views, not SQLite's own). */
export const tableNames = (sequelize: Sequelize) => catalogue(sequelize, 'table', null);

export const columnNames = (sequelize: Sequelize, table: string) =>
  catalogue(sequelize, 'column', table);

/** The indexes of `table` by name (MySQL's `PRIMARY` included, SQLite's automatic ones too). */
export const indexNames = (sequelize: Sequelize, table: string) =>
  catalogue(sequelize, 'index', table);

export async function hasTable(sequelize: Sequelize, table: string): Promise<boolean> {
  return (await catalogue(sequelize, 'table', null, table)).size > 0;
}

export async function hasColumn(
  sequelize: Sequelize,
  table: string,
  column: string,
): Promise<boolean> {
  return (await catalogue(sequelize, 'column', table, column)).size > 0;
}

export async function hasIndex(
  sequelize: Sequelize,
  table: string,
  index: string,
): Promise<boolean> {
  return (await catalogue(sequelize, 'index', table, index)).size > 0;
}

/** Drops an index of `table` (MySQL names the table, SQLite does not). */
export async function dropIndex(sequelize: Sequelize, table: string, index: string): Promise<void> {
  await sequelize.query(
    dialectOf(sequelize) === 'mysql'
      ? `DROP INDEX ${q(index)} ON ${q(table)}`
      : `DROP INDEX ${q(index)}`,
  );
}

export interface IndexSpec {
  name: string;
  columns: string[];
}

/** Creates each of these indexes of `table` that is not there yet. */
export async function addIndexes(
  sequelize: Sequelize,
  table: string,
  indexes: IndexSpec[],
): Promise<void> {
  for (const index of indexes) {
    if (await hasIndex(sequelize, table, index.name)) continue;
    await sequelize.query(
      `CREATE INDEX ${q(index.name)} ON ${q(table)} (${index.columns.map(q).join(', ')})`,
    );
  }
}

/** Drops these indexes of `table`, then these columns, each only when present. */
export async function dropIndexesAndColumns(
  sequelize: Sequelize,
  table: string,
  indexes: IndexSpec[],
  columns: string[],
): Promise<void> {
  for (const index of indexes) {
    if (await hasIndex(sequelize, table, index.name)) await dropIndex(sequelize, table, index.name);
  }
  for (const column of columns) {
    if (!(await hasColumn(sequelize, table, column))) continue;
    await sequelize.query(`ALTER TABLE ${q(table)} DROP COLUMN ${q(column)}`);
  }
}
