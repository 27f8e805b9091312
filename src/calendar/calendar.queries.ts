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
  return rows.map((row) => ({
    ...row,
    distance: Number(row.distance),
    createdAt: instant(row.createdAt),
    updatedAt: instant(row.updatedAt),
  }));
}
