import type { Dialect } from '../../src/db/sequelize';
import { q } from '../support/catalogue';
import type { ColumnDef, ForeignKeyDef, IndexDef, TableDef } from './tables';

export type { Dialect };

const cascade = 'ON DELETE CASCADE ON UPDATE CASCADE';

export function columnSql(column: ColumnDef, dialect: Dialect): string {
  if (column.autoIncrement) {
    // SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
    return dialect === 'sqlite'
      ? `${q(column.name)} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`
      : `${q(column.name)} ${column.type} NOT NULL AUTO_INCREMENT`;
  }
  const parts = [q(column.name), column.type, column.nullable ? 'NULL' : 'NOT NULL'];
  if (column.defaultSql !== undefined) parts.push(`DEFAULT ${column.defaultSql}`);
  return parts.join(' ');
}

function foreignKeySql(fk: ForeignKeyDef): string {
  return (
    `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${q(fk.column)}) ` +
    `REFERENCES ${q(fk.parentTable)} (${q(fk.parentColumn)}) ${cascade}`
  );
}

/**
 * SQLite cannot add a foreign key to an existing table, so there they are part of CREATE TABLE;
 * on MySQL they are added once the indexes exist, so InnoDB reuses those instead of creating
 * its own per-column indexes.
 */
export function createTableSql(table: TableDef, dialect: Dialect, name = table.name): string {
  const lines = table.columns.map((c) => columnSql(c, dialect));
  const keys = table.columns.filter(
    (c) => c.primaryKey && !(c.autoIncrement && dialect === 'sqlite'),
  );
  if (keys.length > 0) lines.push(`PRIMARY KEY (${keys.map((c) => q(c.name)).join(', ')})`);
  if (dialect === 'sqlite') lines.push(...table.foreignKeys.map(foreignKeySql));
  const options =
    dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
  return `CREATE TABLE ${q(name)} (\n  ${lines.join(',\n  ')}\n)${options}`;
}

export function createIndexSql(table: TableDef, index: IndexDef): string {
  const kind = index.unique ? 'UNIQUE INDEX' : 'INDEX';
  const columns = index.columns.map(q).join(', ');
  return `CREATE ${kind} ${q(index.name)} ON ${q(table.name)} (${columns})`;
}

export function addForeignKeySql(table: TableDef, fk: ForeignKeyDef): string {
  return `ALTER TABLE ${q(table.name)} ADD ${foreignKeySql(fk)}`;
}
