/**
 * `CalendarFeeds`: one private calendar subscription per user (see README, "Calendar feed").
 * The row keeps a random seed from which the server derives the URL's secret with a key of its
 * own, and the secret's SHA-256 for the lookup (unique), never the secret itself: a copy of the
 * database alone opens no live feed. Withdrawal takes the row along (the key to Users cascades).
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { hasIndex, hasTable, q } from './support/catalogue';

const TABLE = 'CalendarFeeds';
const FOREIGN_KEY = 'fk_CalendarFeeds_userId';
const UNIQUE_HASH = 'uq_CalendarFeeds_secretHash';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  const mysql = dialectOf(sequelize) === 'mysql';
  if (!(await hasTable(sequelize, TABLE))) {
    const foreignKey =
      `CONSTRAINT ${q(FOREIGN_KEY)} FOREIGN KEY (${q('userId')}) ` +
      `REFERENCES ${q('Users')} (${q('userId')}) ON DELETE CASCADE ON UPDATE CASCADE`;
    const options = mysql
      ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'
      : '';
    // The seed and the hash are hex, so a binary collation compares them byte for byte.
    const hex = mysql ? ' CHARACTER SET ascii COLLATE ascii_bin' : '';
    await sequelize.query(
      `CREATE TABLE ${q(TABLE)} (
        ${q('userId')} VARCHAR(150) NOT NULL,
        ${q('seed')} CHAR(64)${hex} NOT NULL,
        ${q('secretHash')} CHAR(64)${hex} NOT NULL,
        ${q('createdAt')} DATETIME NOT NULL,
        PRIMARY KEY (${q('userId')}),
        ${foreignKey}
      )${options}`,
    );
  }
  if (!(await hasIndex(sequelize, TABLE, UNIQUE_HASH))) {
    await sequelize.query(
      `CREATE UNIQUE INDEX ${q(UNIQUE_HASH)} ON ${q(TABLE)} (${q('secretHash')})`,
    );
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`DROP TABLE IF EXISTS ${q(TABLE)}`);
}
