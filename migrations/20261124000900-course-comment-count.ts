/**
 * The course feed's `comment` sort key: `Courses.commentCnt`, a copy of the number of comments on
 * the course kept on its row, with indexes so that sorting by comments reads a page from an index
 * instead of counting every course's comments per request (and the ranking adds a column instead
 * of a subquery per course).
 *
 * The application recounts it on every comment written or removed on a course; here it is filled
 * once from what is already stored. It counts the `Comments` rows of the course, as the feed
 * always did: replies (`Recomments`) are not counted. Safe to run again: every step checks or
 * recomputes.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dropIndex, hasColumn, hasIndex, q } from './support/catalogue';

const INDEXES: Array<{ name: string; columns: string[] }> = [
  ['commentCnt'],
  ['region', 'commentCnt'],
].map((keys) => {
  // createdAt and courseId break ties, so pages never overlap or skip a course.
  const columns = [...keys, 'createdAt', 'courseId'];
  return { name: `idx_Courses_${columns.join('_')}`, columns };
});

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasColumn(sequelize, 'Courses', 'commentCnt'))) {
    await sequelize.query(
      'ALTER TABLE `Courses` ADD COLUMN `commentCnt` INTEGER NOT NULL DEFAULT 0',
    );
  }
  await sequelize.query(
    'UPDATE `Courses` SET `commentCnt` = ' +
      '(SELECT COUNT(*) FROM `Comments` WHERE `Comments`.`courseId` = `Courses`.`courseId`)',
  );
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
  if (await hasColumn(sequelize, 'Courses', 'commentCnt')) {
    await sequelize.query('ALTER TABLE `Courses` DROP COLUMN `commentCnt`');
  }
}
