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
import { addIndexes, dropIndexesAndColumns, hasColumn, type IndexSpec } from './support/catalogue';

const SCORE = '`commentCnt` + COALESCE(`starPoint`, 0) + `clickCnt`';

const INDEXES: IndexSpec[] = [['region', 'rankScore'], ['rankScore']].map((keys) => {
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
  await addIndexes(sequelize, 'Courses', INDEXES);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await dropIndexesAndColumns(sequelize, 'Courses', INDEXES, ['rankScore']);
}
