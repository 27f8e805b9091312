/**
 * The course ranking's score as a stored key: `Courses.rankScore`, a generated column equal to
 * `commentCnt + COALESCE(starPoint, 0) + clickCnt` (the score the ranking always sorted by), and
 * the indexes `(region, rankScore, createdAt, courseId)` and `(rankScore, createdAt, courseId)`.
 *
 * The ranking reads the best three of a region (or of all) backwards from an index and stops,
 * instead of scoring and sorting every course of the region. Generated, so the score follows
 * every write of its three inputs (comments, ratings, the batched view flush) without the
 * application writing it, and an upgraded database's courses get theirs when the column is
 * added. STORED on MySQL/MariaDB; SQLite can only add a VIRTUAL one, which its indexes store all
 * the same. Safe to run again.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { dropIndex, hasColumn, hasIndex, q } from './support/catalogue';

const SCORE = '`commentCnt` + COALESCE(`starPoint`, 0) + `clickCnt`';

const INDEXES: Array<{ name: string; columns: string[] }> = [
  ['region', 'rankScore'],
  ['rankScore'],
].map((keys) => {
  // createdAt and courseId break ties as the ranking does (newest first).
  const columns = [...keys, 'createdAt', 'courseId'];
  return { name: `idx_Courses_${columns.join('_')}`, columns };
});

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasColumn(sequelize, 'Courses', 'rankScore'))) {
    const kind = dialectOf(sequelize) === 'mysql' ? 'STORED' : 'VIRTUAL';
    await sequelize.query(
      `ALTER TABLE \`Courses\` ADD COLUMN \`rankScore\` DOUBLE GENERATED ALWAYS AS (${SCORE}) ${kind}`,
    );
  }
  for (const index of INDEXES) {
    if (await hasIndex(sequelize, 'Courses', index.name)) continue;
    await sequelize.query(
      `CREATE INDEX ${q(index.name)} ON \`Courses\` (${index.columns.map(q).join(', ')})`,
    );
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  for (const index of INDEXES) {
    if (!(await hasIndex(sequelize, 'Courses', index.name))) continue;
    await dropIndex(sequelize, 'Courses', index.name);
  }
  if (await hasColumn(sequelize, 'Courses', 'rankScore')) {
    await sequelize.query('ALTER TABLE `Courses` DROP COLUMN `rankScore`');
  }
}
