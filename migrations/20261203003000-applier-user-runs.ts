/**
 * `Appliers (userId, groupId)`: the runs a user applied to are then read from the index alone
 * (the calendar feed's statement), instead of one lookup of the application's row per run to
 * find its `groupId` (InnoDB's secondary index holds the primary key, `applyId`, not the run).
 * `Appliers (userId)` stays: the base schema owns it (its re-run drops indexes it does not
 * know, and MySQL needs one for the `userId` foreign key meanwhile). Safe to run again.
 */
import type { MigrationContext } from '../src/db/migrator';
import { addIndexes, dropIndexesAndColumns, type IndexSpec } from './support/catalogue';

const BY_USER_AND_RUN: IndexSpec = {
  name: 'idx_Appliers_userId_groupId',
  columns: ['userId', 'groupId'],
};

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await addIndexes(sequelize, 'Appliers', [BY_USER_AND_RUN]);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await dropIndexesAndColumns(sequelize, 'Appliers', [BY_USER_AND_RUN], []);
}
