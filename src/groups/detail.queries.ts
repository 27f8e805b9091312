import { QueryTypes, type Sequelize } from 'sequelize';
import { Waiter } from '../db/models';
import { storedInstant } from '../lib/time';
import { selectRoster } from './seats.queries';
import type { DetailGroup, Host, Person } from './groups.mapper';

/**
 * The SQL of the run detail page: one statement answering one plain row (the detail is the most
 * read page; no model instances on its path).
 */

/** The run's columns of the detail ({@link DetailGroup}), as `g`. */
const DETAIL_COLUMNS =
  '`g`.`groupId`, `g`.`userId`, `g`.`mapLatLng`, `g`.`thumbnailUrl1`, `g`.`thumbnailUrl2`, ' +
  '`g`.`thumbnailUrl3`, `g`.`title`, `g`.`maxPeople`, `g`.`date`, `g`.`standbyTime`, ' +
  '`g`.`finishTime`, `g`.`distance`, `g`.`speed`, `g`.`location`, `g`.`parking`, `g`.`baggage`, ' +
  '`g`.`content`, `g`.`region`, `g`.`timecode`, `g`.`thema`, `g`.`chattingRoom`, `g`.`createdAt`';

/** Everything the detail page of a run is made from, as plain values. */
export interface GroupDetailRow {
  group: DetailGroup;
  host: Host;
  /** Everyone who applied (the host included), by nickname, then userId (as `selectRoster`). */
  roster: Person[];
  /** The users on the run's waitlist, in queue order. */
  queue: string[];
}

/**
 * JSON aggregation, which both databases have under other names (SQLite 3.44+ takes ORDER BY
 * inside an aggregate; MariaDB 10.5+ inside JSON_ARRAYAGG). An empty aggregate is `[]` in
 * SQLite, NULL in MariaDB.
 */
function jsonFunctions(sequelize: Sequelize) {
  return sequelize.getDialect() === 'sqlite'
    ? { array: 'json_group_array', object: 'json_object' }
    : { array: 'JSON_ARRAYAGG', object: 'JSON_OBJECT' };
}

/** An aggregated JSON array as the driver answers it (text, or NULL for none). */
function jsonArray<T>(value: string | T[] | null): T[] {
  if (value === null) return [];
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : value;
}

/**
 * What the database server can do that the detail statement relies on. MySQL's `JSON_ARRAYAGG`
 * takes no `ORDER BY` (MariaDB's does since 10.5, SQLite's `json_group_array` since 3.44), so
 * on MySQL the roster and the queue are read by statements of their own. Asked once per
 * Sequelize instance (an object, so tests can stand in for a MySQL server).
 */
export const serverTraits = {
  ordersJsonAggregates(sequelize: Sequelize): Promise<boolean> {
    if (sequelize.getDialect() === 'sqlite') return Promise.resolve(true);
    let known = ordering.get(sequelize);
    if (!known) {
      known = sequelize
        .query<{ version: string }>('SELECT VERSION() AS `version`', { type: QueryTypes.SELECT })
        .then(([row]) => /mariadb/i.test(row?.version ?? ''));
      ordering.set(sequelize, known);
      // A failed question is asked again by the next read.
      known.catch(() => ordering.delete(sequelize));
    }
    return known;
  },
};
const ordering = new WeakMap<Sequelize, Promise<boolean>>();

/** The roster and the queue by statements of their own, in the same orders (MySQL). */
async function rosterAndQueue(groupId: string): Promise<Pick<GroupDetailRow, 'roster' | 'queue'>> {
  const [applicants, waiters] = await Promise.all([
    selectRoster(groupId),
    Waiter.findAll({
      attributes: ['userId'],
      where: { groupId },
      order: [['waitlistId', 'ASC']],
      raw: true,
    }),
  ]);
  return {
    roster: applicants.map(({ userId, nickname, profileUrl }) => ({
      userId,
      nickname,
      profileUrl,
    })),
    queue: waiters.map((waiter) => waiter.userId),
  };
}

/**
 * The run, its host, its roster with the applicants' users and its waitlist, in one statement
 * answering one plain row (the roster and the queue as JSON arrays aggregated in the database,
 * each read through its `groupId` index); null when there is no such run. No model instances:
 * the detail is the most read page. On MySQL, two more plain statements (see {@link serverTraits}).
 */
export async function selectGroupDetail(
  sequelize: Sequelize,
  groupId: string,
): Promise<GroupDetailRow | null> {
  const { array, object } = jsonFunctions(sequelize);
  const inOne = await serverTraits.ordersJsonAggregates(sequelize);
  const [row] = await sequelize.query<
    Omit<DetailGroup, 'createdAt'> &
      Omit<Host, 'userId'> & {
        createdAt: Date | string;
        roster: string | Person[] | null;
        queue: string | string[] | null;
      }
  >(
    `SELECT ${DETAIL_COLUMNS}, ` +
      '`h`.`nickname`, `h`.`profileUrl`, `h`.`userLevel`, `h`.`mannerPoint`, ' +
      (inOne
        ? `(SELECT ${array}(${object}('userId', \`a\`.\`userId\`, 'nickname', \`u\`.\`nickname\`, ` +
          "'profileUrl', `u`.`profileUrl`) ORDER BY `u`.`nickname` ASC, `a`.`userId` ASC) " +
          'FROM `Appliers` AS `a` JOIN `Users` AS `u` ON `u`.`userId` = `a`.`userId` ' +
          'WHERE `a`.`groupId` = `g`.`groupId`) AS `roster`, ' +
          `(SELECT ${array}(\`w\`.\`userId\` ORDER BY \`w\`.\`waitlistId\` ASC) ` +
          'FROM `Waitlists` AS `w` WHERE `w`.`groupId` = `g`.`groupId`) AS `queue` '
        : 'NULL AS `roster`, NULL AS `queue` ') +
      'FROM `Groups` AS `g` JOIN `Users` AS `h` ON `h`.`userId` = `g`.`userId` ' +
      'WHERE `g`.`groupId` = ?',
    { type: QueryTypes.SELECT, replacements: [groupId] },
  );
  if (!row) return null;
  const { nickname, profileUrl, userLevel, mannerPoint, roster, queue, createdAt, ...group } = row;
  return {
    group: { ...group, createdAt: storedInstant(createdAt) },
    host: { userId: group.userId, nickname, profileUrl, userLevel, mannerPoint },
    ...(inOne
      ? { roster: jsonArray(roster), queue: jsonArray(queue) }
      : await rosterAndQueue(groupId)),
  };
}
