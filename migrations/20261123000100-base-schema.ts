/**
 * Base schema: creates every table on an empty database, and upgrades a database written by
 * the original ErunJrun backend in place, keeping its rows. Each table is looked at on its own
 * (present or not), and both routes end in the same schema.
 *
 * Upgrading original data — the rules (also in the README):
 * 1. Orphans: a row whose parent (per the new foreign keys) no longer exists is deleted, parents
 *    first, so a deleted orphan's own children go too. Comments whose groupId and courseId are
 *    both NULL (left by the original ON DELETE SET NULL) are deleted, with their replies.
 * 2. Appliers with the same (groupId, userId): the row with attendance true wins, then the
 *    highest evaluation, then the smallest applyId; the others are deleted.
 * 3. Bookmarks with the same (courseId, userId): the smallest bookmarkId is kept. starpoint with
 *    the same (courseId, userId): a row with a non-NULL myStarPoint is preferred, then the
 *    smallest starPointId.
 * 4. Users with the same (social, socialId): the smallest userId keeps the login; the others get
 *    `-dup` appended to `social` (repeated until unique). Nothing of theirs is deleted.
 * 5. Values: agreeSMS becomes 1 for any non-zero value; Courses.totalTime, a DATETIME the SPA
 *    could never fill (it sends text like "1h 30min"), becomes NULL; finishTime values are kept;
 *    Chats.createdAt is NULL for messages written before the upgrade.
 * The original's foreign keys (NO ACTION / SET NULL) and its per-column FK_* indexes are replaced
 * by ours. A leftover Badges table is not touched.
 */
import type { Sequelize } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { addForeignKeySql, columnSql, createIndexSql, createTableSql } from './base-schema/ddl';
import { fitOriginalData } from './base-schema/original-data';
import { TABLES, TABLE_NAMES, type ColumnDef, type TableDef } from './base-schema/tables';
import { indexNames, q, select, tableNames } from './support/catalogue';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (dialectOf(sequelize) === 'sqlite') await upSqlite(sequelize);
  else await upMysql(sequelize);
}

export async function down({ queryInterface }: MigrationContext): Promise<void> {
  for (const table of [...TABLE_NAMES].reverse()) await queryInterface.dropTable(table);
}

async function createMissingIndexes(sequelize: Sequelize): Promise<void> {
  for (const table of TABLES) {
    const present = await indexNames(sequelize, table.name);
    for (const index of table.indexes) {
      if (!present.has(index.name)) await sequelize.query(createIndexSql(table, index));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MySQL / MariaDB: ALTER the original tables. DDL is not transactional here, so every step
// checks what is already done (and the data rules are idempotent): an upgrade interrupted
// half-way is finished by running the migrations again.

interface MysqlColumn {
  name: string;
  type: string;
  nullable: 'YES' | 'NO';
  defaultValue: string | null;
}

async function upMysql(sequelize: Sequelize): Promise<void> {
  const present = await tableNames(sequelize);
  const original = TABLES.filter((t) => present.has(t.name));

  // The original keys (NO ACTION, SET NULL) would block the clean-up below, and its indexes can
  // only go once no key depends on them.
  for (const table of original) await dropForeignKeysNotOurs(sequelize, table);
  for (const table of original) await dropIndexesNotOurs(sequelize, table);
  for (const table of TABLES) {
    if (!present.has(table.name)) await sequelize.query(createTableSql(table, 'mysql'));
  }
  if (original.length > 0) await fitOriginalData(sequelize, 'mysql');
  for (const table of original) await convergeColumns(sequelize, table);
  await createMissingIndexes(sequelize);
  for (const table of TABLES) await addMissingForeignKeys(sequelize, table);
}

async function foreignKeyNames(sequelize: Sequelize, table: string): Promise<Set<string>> {
  const rows = await select<{ name: string }>(
    sequelize,
    'SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return new Set(rows.map((r) => r.name));
}

async function dropForeignKeysNotOurs(sequelize: Sequelize, table: TableDef): Promise<void> {
  const ours = new Set(table.foreignKeys.map((fk) => fk.name));
  for (const name of await foreignKeyNames(sequelize, table.name)) {
    if (!ours.has(name)) {
      await sequelize.query(`ALTER TABLE ${q(table.name)} DROP FOREIGN KEY ${q(name)}`);
    }
  }
}

async function dropIndexesNotOurs(sequelize: Sequelize, table: TableDef): Promise<void> {
  const ours = new Set(['PRIMARY', ...table.indexes.map((i) => i.name)]);
  for (const name of await indexNames(sequelize, table.name)) {
    if (!ours.has(name))
      await sequelize.query(`ALTER TABLE ${q(table.name)} DROP INDEX ${q(name)}`);
  }
}

async function addMissingForeignKeys(sequelize: Sequelize, table: TableDef): Promise<void> {
  const present = await foreignKeyNames(sequelize, table.name);
  for (const fk of table.foreignKeys) {
    if (!present.has(fk.name)) await sequelize.query(addForeignKeySql(table, fk));
  }
}

/**
 * information_schema spells the same column differently across servers: INT vs int(11), and
 * MariaDB quotes string defaults and reports "no default" on a nullable column as 'NULL'.
 */
function matches(current: MysqlColumn, target: ColumnDef): boolean {
  const type = current.type.toLowerCase().replace(/^int\(\d+\)$/, 'int');
  const wantedType = target.type.toLowerCase().replace(/^integer$/, 'int');
  const fromDb =
    current.defaultValue === null || current.defaultValue === 'NULL'
      ? null
      : current.defaultValue.replace(/^'(.*)'$/, '$1');
  const wanted =
    target.defaultSql === undefined ? null : target.defaultSql.replace(/^'(.*)'$/, '$1');
  return (
    type === wantedType && (current.nullable === 'YES') === target.nullable && fromDb === wanted
  );
}

/** One ALTER per table, so the server copies each table at most once. */
async function convergeColumns(sequelize: Sequelize, table: TableDef): Promise<void> {
  const rows = await select<MysqlColumn>(
    sequelize,
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS defaultValue ' +
      'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table.name],
  );
  const current = new Map(rows.map((r) => [r.name, r]));
  const changes: string[] = [];
  table.columns.forEach((column, i) => {
    // Keys keep their definition (VARCHAR(150) NOT NULL, as in the original); Badges may still
    // reference Users.userId and would forbid touching it.
    if (column.primaryKey) return;
    const position = `AFTER ${q(table.columns[i - 1].name)}`;
    const existing = current.get(column.name);
    if (existing && column.discardUnlessText && !isText(existing.type)) {
      // Dropped and re-added in the same statement, so no half-converted values can be left.
      changes.push(`DROP COLUMN ${q(column.name)}`);
      changes.push(`ADD COLUMN ${columnSql(column, 'mysql')} ${position}`);
    } else if (!existing) {
      changes.push(`ADD COLUMN ${columnSql(column, 'mysql')} ${position}`);
    } else if (!matches(existing, column)) {
      changes.push(`MODIFY COLUMN ${columnSql(column, 'mysql')} ${position}`);
    }
  });
  if (changes.length > 0) {
    await sequelize.query(`ALTER TABLE ${q(table.name)} ${changes.join(', ')}`);
  }
}

const isText = (type: string) => /char|text|clob/i.test(type);

// ---------------------------------------------------------------------------------------------
// SQLite: it cannot alter a column or add a key in place, so each original table is rebuilt
// (create the new shape, copy, drop, rename), all in one transaction with foreign keys off.
// With them on, dropping an old parent table would delete its children's rows (ON DELETE
// CASCADE) or be refused (NO ACTION), and each copy would be checked against half-built tables. `PRAGMA foreign_keys` is ignored
// inside a transaction, so it is switched before BEGIN; the connection used is Sequelize's
// shared one for statements outside its own transactions, which is also where every statement
// below runs. Our tables' keys are verified with `PRAGMA foreign_key_check` before committing
// (not Badges': it is left as it is).

async function upSqlite(sequelize: Sequelize): Promise<void> {
  await sequelize.query('PRAGMA foreign_keys = OFF');
  try {
    const [{ foreign_keys: enforced }] = await select<{ foreign_keys: number }>(
      sequelize,
      'PRAGMA foreign_keys',
    );
    if (enforced) throw new Error('Could not switch SQLite foreign keys off for the rebuild');
    await sequelize.query('BEGIN IMMEDIATE');
    try {
      await buildSqlite(sequelize);
      for (const table of TABLE_NAMES) {
        const broken = await select<object>(sequelize, `PRAGMA foreign_key_check(${q(table)})`);
        if (broken.length > 0) {
          throw new Error(
            `${table} breaks its foreign keys: ${JSON.stringify(broken.slice(0, 5))}`,
          );
        }
      }
      await sequelize.query('COMMIT');
    } catch (err) {
      await sequelize.query('ROLLBACK');
      throw err;
    }
  } finally {
    await sequelize.query('PRAGMA foreign_keys = ON');
  }
}

async function buildSqlite(sequelize: Sequelize): Promise<void> {
  const present = await tableNames(sequelize);
  const original = TABLES.filter((t) => present.has(t.name));
  for (const table of TABLES) {
    if (!present.has(table.name)) await sequelize.query(createTableSql(table, 'sqlite'));
  }
  if (original.length > 0) await fitOriginalData(sequelize, 'sqlite');
  for (const table of original) await rebuildSqliteTable(sequelize, table);
  await createMissingIndexes(sequelize);
}

async function rebuildSqliteTable(sequelize: Sequelize, table: TableDef): Promise<void> {
  const columns = await select<{ name: string; type: string }>(
    sequelize,
    `SELECT name, type FROM pragma_table_info(?)`,
    [table.name],
  );
  const oldType = new Map(columns.map((c) => [c.name, c.type]));
  const values = table.columns.map((column) => {
    const type = oldType.get(column.name);
    if (type === undefined) return column.nullable ? 'NULL' : (column.defaultSql ?? 'NULL');
    if (column.discardUnlessText && !isText(type)) return 'NULL';
    return q(column.name);
  });
  const temporary = `${table.name}__upgrade`;
  const names = table.columns.map((c) => q(c.name)).join(', ');
  await sequelize.query(createTableSql(table, 'sqlite', temporary));
  await sequelize.query(
    `INSERT INTO ${q(temporary)} (${names}) SELECT ${values.join(', ')} FROM ${q(table.name)}`,
  );
  await sequelize.query(`DROP TABLE ${q(table.name)}`);
  await sequelize.query(`ALTER TABLE ${q(temporary)} RENAME TO ${q(table.name)}`);
}
