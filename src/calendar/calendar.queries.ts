import { QueryTypes, type Sequelize } from 'sequelize';

/** A run as its calendar event needs it. */
export interface CalendarRun {
  groupId: string;
  title: string;
  /** Korean date `YYYY-MM-DD` and meeting time `HH:mm:ss`. */
  date: string;
  standbyTime: string;
  distance: number;
  speed: string;
  location: string;
  createdAt: Date;
  updatedAt: Date;
}

interface CalendarRunRow extends Omit<CalendarRun, 'distance' | 'createdAt' | 'updatedAt'> {
  distance: number | string;
  createdAt: Date | string;
  updatedAt: Date | string;
}

const COLUMNS =
  '`g`.`groupId`, `g`.`title`, `g`.`date`, `g`.`standbyTime`, `g`.`distance`, `g`.`speed`, ' +
  '`g`.`location`, `g`.`createdAt`, `g`.`updatedAt`';

/** SQLite returns the DATETIME text Sequelize wrote (`YYYY-MM-DD HH:mm:ss.SSS +00:00`). */
const instant = (value: Date | string): Date =>
  value instanceof Date ? value : new Date(value.replace(' ', 'T').replace(' ', ''));

/**
 * The runs `userId` applied to or hosts, on `fromDate` (Korean date) or later, in calendar
 * order, at most `limit`. Each half is read by its own index (Appliers by user, Groups by host
 * and date); a cancelled application is a deleted row, so its run is simply not found.
 */
export async function runsOnCalendar(
  sequelize: Sequelize,
  userId: string,
  fromDate: string,
  limit: number,
): Promise<CalendarRun[]> {
  const rows = await sequelize.query<CalendarRunRow>(
    `SELECT ${COLUMNS} FROM \`Groups\` AS \`g\` ` +
      'JOIN `Appliers` AS `a` ON `a`.`groupId` = `g`.`groupId` ' +
      'WHERE `a`.`userId` = ? AND `g`.`date` >= ? ' +
      `UNION SELECT ${COLUMNS} FROM \`Groups\` AS \`g\` WHERE \`g\`.\`userId\` = ? AND \`g\`.\`date\` >= ? ` +
      'ORDER BY `date`, `standbyTime`, `groupId` LIMIT ?',
    { type: QueryTypes.SELECT, replacements: [userId, fromDate, userId, fromDate, limit] },
  );
  return rows.map(toCalendarRun);
}

const toCalendarRun = (row: CalendarRunRow): CalendarRun => ({
  groupId: row.groupId,
  title: row.title,
  date: row.date,
  standbyTime: row.standbyTime,
  distance: Number(row.distance),
  speed: row.speed,
  location: row.location,
  createdAt: instant(row.createdAt),
  updatedAt: instant(row.updatedAt),
});

/** The feed row's marker: sorted before every run (`kind` 0), its run columns all NULL. */
const NO_RUN =
  'NULL AS `groupId`, NULL AS `title`, NULL AS `date`, NULL AS `standbyTime`, NULL AS `distance`, ' +
  'NULL AS `speed`, NULL AS `location`, NULL AS `createdAt`, NULL AS `updatedAt`';

/**
 * The runs on the calendar of the feed whose secret hashes to `secretHash` ({@link
 * runsOnCalendar}'s, in its order, at most `limit`), or null when no feed has that hash: one
 * statement where the feed's row and its runs were two. The feed row is found by its unique
 * hash in each part of the UNION; a third part answers one row of NULLs for the feed itself,
 * sorted first, so a feed without runs is told from no feed.
 */
export async function feedRunsOnCalendar(
  sequelize: Sequelize,
  secretHash: string,
  fromDate: string,
  limit: number,
): Promise<CalendarRun[] | null> {
  const rows = await sequelize.query<CalendarRunRow & { kind: number | string }>(
    `SELECT 1 AS \`kind\`, ${COLUMNS} FROM \`CalendarFeeds\` AS \`f\` ` +
      'JOIN `Appliers` AS `a` ON `a`.`userId` = `f`.`userId` ' +
      'JOIN `Groups` AS `g` ON `g`.`groupId` = `a`.`groupId` ' +
      'WHERE `f`.`secretHash` = ? AND `g`.`date` >= ? ' +
      `UNION SELECT 1, ${COLUMNS} FROM \`CalendarFeeds\` AS \`f\` ` +
      'JOIN `Groups` AS `g` ON `g`.`userId` = `f`.`userId` ' +
      'WHERE `f`.`secretHash` = ? AND `g`.`date` >= ? ' +
      `UNION SELECT 0, ${NO_RUN} FROM \`CalendarFeeds\` AS \`f\` WHERE \`f\`.\`secretHash\` = ? ` +
      'ORDER BY `kind`, `date`, `standbyTime`, `groupId` LIMIT ?',
    {
      type: QueryTypes.SELECT,
      replacements: [secretHash, fromDate, secretHash, fromDate, secretHash, limit + 1],
    },
  );
  if (rows.length === 0 || Number(rows[0].kind) !== 0) return null;
  return rows.slice(1).map(toCalendarRun);
}
