/**
 * `Waitlists`: the runners queued for a full group run (see README, "Waitlist"). One row per
 * run and runner (unique), in the order they joined: `waitlistId` is an auto-increment, handed
 * out while the run's row is locked, so it is the queue's order on both databases (a clock
 * could tie or step back). Both parents cascade: a deleted run or a withdrawn runner takes the
 * rows with it.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { addForeignKeySql, createIndexSql, createTableSql } from './base-schema/ddl';
import type { TableDef } from './base-schema/tables';
import { hasTable, indexNames, q, select } from './support/catalogue';

/** Frozen here: later changes come with their own migration. */
const WAITLISTS: TableDef = {
  name: 'Waitlists',
  columns: [
    { name: 'waitlistId', type: 'INTEGER', nullable: false, primaryKey: true, autoIncrement: true },
    { name: 'groupId', type: 'VARCHAR(150)', nullable: false },
    { name: 'userId', type: 'VARCHAR(150)', nullable: false },
    { name: 'createdAt', type: 'DATETIME', nullable: false },
  ],
  foreignKeys: [
    {
      name: 'fk_Waitlists_groupId',
      column: 'groupId',
      parentTable: 'Groups',
      parentColumn: 'groupId',
    },
    { name: 'fk_Waitlists_userId', column: 'userId', parentTable: 'Users', parentColumn: 'userId' },
  ],
  indexes: [
    // One place per runner and run; also how a runner's own place is found.
    { name: 'uq_Waitlists_groupId_userId', columns: ['groupId', 'userId'], unique: true },
    // The queue: a run's waiters in order, the first N read by a range scan.
    { name: 'idx_Waitlists_groupId_waitlistId', columns: ['groupId', 'waitlistId'] },
    // The withdrawal's cascade and a runner's own places.
    { name: 'idx_Waitlists_userId', columns: ['userId'] },
  ],
};

export async function up({ sequelize }: MigrationContext): Promise<void> {
  const dialect = dialectOf(sequelize);
  // Each step checks first, so a run interrupted half-way is finished by the next one.
  if (!(await hasTable(sequelize, WAITLISTS.name))) {
    await sequelize.query(createTableSql(WAITLISTS, dialect));
  }
  const existing = await indexNames(sequelize, WAITLISTS.name);
  for (const index of WAITLISTS.indexes) {
    if (!existing.has(index.name)) await sequelize.query(createIndexSql(WAITLISTS, index));
  }
  if (dialect === 'mysql') {
    // On MySQL the keys come after the indexes, so InnoDB uses those rather than adding its own.
    const rows = await select<{ name: string }>(
      sequelize,
      `SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'FOREIGN KEY'`,
      [WAITLISTS.name],
    );
    const keys = new Set(rows.map((r) => r.name));
    for (const fk of WAITLISTS.foreignKeys) {
      if (!keys.has(fk.name)) await sequelize.query(addForeignKeySql(WAITLISTS, fk));
    }
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`DROP TABLE IF EXISTS ${q(WAITLISTS.name)}`);
}
