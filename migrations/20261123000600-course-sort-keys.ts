/**
 * Sort keys for the course feed: `Courses.bookmarkCnt` (new) and `Courses.starPoint` (a column
 * the original declared but never wrote), with indexes so that sorting by stars or bookmarks
 * reads a page from an index instead of aggregating every rating and bookmark per request.
 *
 * The application rewrites both from the rows on every bookmark and rating change; here they are
 * filled once from what is already stored. `starPoint` is the average of the non-NULL ratings
 * rounded half up to one decimal, 0 without ratings (the original stored NULL ratings when the
 * SPA cleared a star; they count as no rating). Safe to run again: every step checks or
 * recomputes.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dropIndex, hasColumn, hasIndex, q, select } from './support/catalogue';

const INDEXES: Array<{ name: string; columns: string[] }> = [
  ['starPoint'],
  ['region', 'starPoint'],
  ['bookmarkCnt'],
  ['region', 'bookmarkCnt'],
].map((keys) => {
  // createdAt and courseId break ties, so pages never overlap or skip a course.
  const columns = [...keys, 'createdAt', 'courseId'];
  return { name: `idx_Courses_${columns.join('_')}`, columns };
});

/** Rounded half up to one decimal with integer arithmetic, so both databases agree. */
const roundedAverage = (total: number, people: number) => Math.round((total * 10) / people) / 10;

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasColumn(sequelize, 'Courses', 'bookmarkCnt'))) {
    await sequelize.query(
      'ALTER TABLE `Courses` ADD COLUMN `bookmarkCnt` INTEGER NOT NULL DEFAULT 0',
    );
  }
  await sequelize.query(
    'UPDATE `Courses` SET `bookmarkCnt` = ' +
      '(SELECT COUNT(*) FROM `Bookmarks` WHERE `Bookmarks`.`courseId` = `Courses`.`courseId`)',
  );
  await sequelize.query('UPDATE `Courses` SET `starPoint` = 0');
  const rated = await select<{ courseId: string; total: number | string; people: number }>(
    sequelize,
    'SELECT `courseId`, SUM(`myStarPoint`) AS total, COUNT(`myStarPoint`) AS people ' +
      'FROM `starpoint` WHERE `myStarPoint` IS NOT NULL GROUP BY `courseId`',
  );
  for (const row of rated) {
    await sequelize.query('UPDATE `Courses` SET `starPoint` = ? WHERE `courseId` = ?', {
      replacements: [roundedAverage(Number(row.total), Number(row.people)), row.courseId],
    });
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
  if (await hasColumn(sequelize, 'Courses', 'bookmarkCnt')) {
    await sequelize.query('ALTER TABLE `Courses` DROP COLUMN `bookmarkCnt`');
  }
  await sequelize.query('UPDATE `Courses` SET `starPoint` = NULL');
}
