/**
 * `ImageRemovals`: storage paths (originals and variants) of images whose rows are gone and
 * whose files still have to be deleted. A withdrawal writes them in the transaction that deletes
 * the account, so the files cannot be forgotten: the API deletes them right after the commit and
 * forgets each path once it is gone; what the storage refused (S3 down) stays here and the
 * notification worker tries again (see README, "Withdrawal").
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { hasTable, q } from './support/catalogue';

const TABLE = 'ImageRemovals';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (await hasTable(sequelize, TABLE)) return;
  const dialect = dialectOf(sequelize);
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
