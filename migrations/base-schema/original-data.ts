import { QueryTypes, type Sequelize } from 'sequelize';
import { q } from '../support/catalogue';
import type { Dialect } from './ddl';
import { TABLES } from './tables';

/**
 * Makes rows written by the original backend fit the new constraints. The rules are listed at
 * the top of the base-schema migration; this file only implements them. Every statement here
 * is idempotent, so an upgrade interrupted half-way can simply be run again.
 *
 * MySQL refuses to read the table a DELETE/UPDATE is changing in a subquery ("You can't specify
 * target table ... for update in FROM clause"), so the rows to change are first selected
 * through a derived table; DISTINCT keeps the optimizer from merging that derived table back
 * into the outer statement.
 */
export async function fitOriginalData(sequelize: Sequelize, dialect: Dialect): Promise<void> {
  await deleteOrphans(sequelize);
  await dedupeAppliers(sequelize);
  await dedupeBookmarks(sequelize);
  await dedupeStarPoints(sequelize);
  await renameDuplicateLogins(sequelize, dialect);
  await normaliseAgreeSms(sequelize);
}

const run = (sequelize: Sequelize, sql: string) => sequelize.query(sql);

/** Parents are cleaned before their children, so a deleted orphan's own children go too. */
async function deleteOrphans(sequelize: Sequelize): Promise<void> {
  for (const table of TABLES) {
    if (table.name === 'Comments') {
      // Left behind by the original's ON DELETE SET NULL: a comment on nothing.
      await run(sequelize, 'DELETE FROM `Comments` WHERE `groupId` IS NULL AND `courseId` IS NULL');
    }
    for (const fk of table.foreignKeys) {
      const child = q(table.name);
      const column = `${child}.${q(fk.column)}`;
      await run(
        sequelize,
        `DELETE FROM ${child} WHERE ${column} IS NOT NULL AND NOT EXISTS ` +
          `(SELECT 1 FROM ${q(fk.parentTable)} AS p WHERE p.${q(fk.parentColumn)} = ${column})`,
      );
    }
  }
}

/**
 * Deletes every row of `table` for which another row with the same key `beats` it. `beats` is
 * a condition on aliases `a` (the row judged) and `b` (a rival) that must order the rows of one
 * key strictly and totally, so exactly one survives per key.
 */
async function deleteLosers(
  sequelize: Sequelize,
  table: string,
  id: string,
  key: string[],
  beats: string,
): Promise<void> {
  const sameKey = key.map((c) => `b.${q(c)} = a.${q(c)}`).join(' AND ');
  await run(
    sequelize,
    `DELETE FROM ${q(table)} WHERE ${q(id)} IN (SELECT doomed.${q(id)} FROM (` +
      `SELECT DISTINCT a.${q(id)} FROM ${q(table)} AS a JOIN ${q(table)} AS b ` +
      `ON ${sameKey} AND b.${q(id)} <> a.${q(id)} WHERE ${beats}) AS doomed)`,
  );
}

/** Rank: attended first, then the highest evaluation, then the smallest applyId. */
async function dedupeAppliers(sequelize: Sequelize): Promise<void> {
  const attended = (t: string) => `(CASE WHEN ${t}.\`attendance\` <> 0 THEN 1 ELSE 0 END)`;
  const evaluation = (t: string) => `COALESCE(${t}.\`evaluation\`, 0)`;
  await deleteLosers(
    sequelize,
    'Appliers',
    'applyId',
    ['groupId', 'userId'],
    `${attended('b')} > ${attended('a')} OR (${attended('b')} = ${attended('a')} AND ` +
      `(${evaluation('b')} > ${evaluation('a')} OR ` +
      `(${evaluation('b')} = ${evaluation('a')} AND b.\`applyId\` < a.\`applyId\`)))`,
  );
}

async function dedupeBookmarks(sequelize: Sequelize): Promise<void> {
  await deleteLosers(
    sequelize,
    'Bookmarks',
    'bookmarkId',
    ['courseId', 'userId'],
    'b.`bookmarkId` < a.`bookmarkId`',
  );
}

/** Rank: a rating that has a value first, then the smallest starPointId. */
async function dedupeStarPoints(sequelize: Sequelize): Promise<void> {
  const rated = (t: string) => `(CASE WHEN ${t}.\`myStarPoint\` IS NULL THEN 0 ELSE 1 END)`;
  await deleteLosers(
    sequelize,
    'starpoint',
    'starPointId',
    ['courseId', 'userId'],
    `${rated('b')} > ${rated('a')} OR ` +
      `(${rated('b')} = ${rated('a')} AND b.\`starPointId\` < a.\`starPointId\`)`,
  );
}

/**
 * The smallest userId keeps the social identity; the others get `-dup` appended to `social`
 * so they can no longer log in but keep their posts. A third copy becomes `-dup` like the
 * second, so the pass repeats until no pair is left (`kakao-dup-dup`, …).
 */
async function renameDuplicateLogins(sequelize: Sequelize, dialect: Dialect): Promise<void> {
  const renamed = dialect === 'mysql' ? "CONCAT(`social`, '-dup')" : "`social` || '-dup'";
  const duplicates =
    'SELECT DISTINCT a.`userId` FROM `Users` AS a JOIN `Users` AS b ' +
    'ON b.`social` = a.`social` AND b.`socialId` = a.`socialId` AND b.`userId` < a.`userId`';
  for (let pass = 0; ; pass += 1) {
    const [{ count }] = await sequelize.query<{ count: number | string }>(
      `SELECT COUNT(*) AS count FROM (${duplicates}) AS d`,
      { type: QueryTypes.SELECT },
    );
    if (Number(count) === 0) return;
    if (pass === 20) throw new Error(`Users still has ${count} duplicate logins after 20 passes`);
    await run(
      sequelize,
      `UPDATE \`Users\` SET \`social\` = ${renamed} ` +
        `WHERE \`userId\` IN (SELECT d.\`userId\` FROM (${duplicates}) AS d)`,
    );
  }
}

/** The original column was a plain TINYINT; BOOLEAN readers only understand 0 and 1. */
async function normaliseAgreeSms(sequelize: Sequelize): Promise<void> {
  await run(
    sequelize,
    'UPDATE `Users` SET `agreeSMS` = CASE WHEN `agreeSMS` IS NULL OR `agreeSMS` = 0 THEN 0 ELSE 1 END ' +
      'WHERE `agreeSMS` IS NULL OR `agreeSMS` NOT IN (0, 1)',
  );
}
