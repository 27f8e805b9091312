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
import { QueryTypes, type Sequelize } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf, type Dialect } from '../src/db/sequelize';

const INDEXES: Array<{ name: string; columns: string[] }> = [
  ['commentCnt'],
  ['region', 'commentCnt'],
].map((keys) => {
  // createdAt and courseId break ties, so pages never overlap or skip a course.
  const columns = [...keys, 'createdAt', 'courseId'];
  return { name: `idx_Courses_${columns.join('_')}`, columns };
});

const q = (identifier: string) => `\`${identifier}\``;

/** Whether `Courses` has the column or index of that name (read from the catalogue). */
async function exists(
  sequelize: Sequelize,
  dialect: Dialect,
  kind: 'column' | 'index',
  name: string,
): Promise<boolean> {
  const sql = {
    column: {
      mysql:
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Courses' AND COLUMN_NAME = ?",
      sqlite: "SELECT name FROM pragma_table_info('Courses') WHERE name = ?",
    },
    index: {
      mysql:
        "SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Courses' AND INDEX_NAME = ?",
      sqlite:
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Courses' AND name = ?",
    },
  }[kind][dialect];
  const rows = await sequelize.query(sql, { type: QueryTypes.SELECT, replacements: [name] });
  return rows.length > 0;
}

export async function up({ sequelize }: MigrationContext): Promise<void> {
  const dialect = dialectOf(sequelize);
  if (!(await exists(sequelize, dialect, 'column', 'commentCnt'))) {
    await sequelize.query(
      'ALTER TABLE `Courses` ADD COLUMN `commentCnt` INTEGER NOT NULL DEFAULT 0',
    );
  }
  await sequelize.query(
    'UPDATE `Courses` SET `commentCnt` = ' +
      '(SELECT COUNT(*) FROM `Comments` WHERE `Comments`.`courseId` = `Courses`.`courseId`)',
  );
  for (const index of INDEXES) {
    if (await exists(sequelize, dialect, 'index', index.name)) continue;
    await sequelize.query(
      `CREATE INDEX ${q(index.name)} ON \`Courses\` (${index.columns.map(q).join(', ')})`,
    );
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  const dialect = dialectOf(sequelize);
  for (const index of INDEXES) {
    if (!(await exists(sequelize, dialect, 'index', index.name))) continue;
    await sequelize.query(
      dialect === 'mysql'
        ? `DROP INDEX ${q(index.name)} ON \`Courses\``
        : `DROP INDEX ${q(index.name)}`,
    );
  }
  if (await exists(sequelize, dialect, 'column', 'commentCnt')) {
    await sequelize.query('ALTER TABLE `Courses` DROP COLUMN `commentCnt`');
  }
}
