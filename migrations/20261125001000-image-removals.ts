/**
 * `ImageRemovals`: storage paths (originals and variants) of images whose rows are gone and
 * whose files still have to be deleted. A withdrawal writes them in the transaction that deletes
 * the account, so the files cannot be forgotten: the API deletes them right after the commit and
 * forgets each path once it is gone; what the storage refused (S3 down) stays here and the
 * notification worker tries again (see README, "Withdrawal").
 */
import { QueryTypes } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { q } from './base-schema/ddl';

const TABLE = 'ImageRemovals';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  const dialect = dialectOf(sequelize);
  const present = await sequelize.query(
    dialect === 'mysql'
      ? 'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?'
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
    { type: QueryTypes.SELECT, replacements: [TABLE] },
  );
  if (present.length > 0) return;
  const options =
    dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
  // A path is at most a folder name and a 200-character key.
  await sequelize.query(
    `CREATE TABLE ${q(TABLE)} (
      ${q('path')} VARCHAR(255) NOT NULL,
      ${q('attempts')} INTEGER NOT NULL DEFAULT 0,
      ${q('lastError')} VARCHAR(255) NULL,
      ${q('createdAt')} DATETIME NOT NULL,
      ${q('updatedAt')} DATETIME NOT NULL,
      PRIMARY KEY (${q('path')})
    )${options}`,
  );
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`DROP TABLE IF EXISTS ${q(TABLE)}`);
}
