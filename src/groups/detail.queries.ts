import { QueryTypes, type Sequelize } from 'sequelize';
import { storedInstant } from '../lib/time';
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
 * The run, its host, its roster with the applicants' users and its waitlist, in one statement
 * answering one plain row (the roster and the queue as JSON arrays aggregated in the database,
 * each read through its `groupId` index); null when there is no such run. No model instances:
 * the detail is the most read page.
 */
export async function selectGroupDetail(
  sequelize: Sequelize,
  groupId: string,
): Promise<GroupDetailRow | null> {
  const { array, object } = jsonFunctions(sequelize);
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
      `(SELECT ${array}(${object}('userId', \`a\`.\`userId\`, 'nickname', \`u\`.\`nickname\`, ` +
      "'profileUrl', `u`.`profileUrl`) ORDER BY `u`.`nickname` ASC, `a`.`userId` ASC) " +
      'FROM `Appliers` AS `a` JOIN `Users` AS `u` ON `u`.`userId` = `a`.`userId` ' +
      'WHERE `a`.`groupId` = `g`.`groupId`) AS `roster`, ' +
      `(SELECT ${array}(\`w\`.\`userId\` ORDER BY \`w\`.\`waitlistId\` ASC) ` +
      'FROM `Waitlists` AS `w` WHERE `w`.`groupId` = `g`.`groupId`) AS `queue` ' +
      'FROM `Groups` AS `g` JOIN `Users` AS `h` ON `h`.`userId` = `g`.`userId` ' +
      'WHERE `g`.`groupId` = ?',
    { type: QueryTypes.SELECT, replacements: [groupId] },
  );
  if (!row) return null;
  const { nickname, profileUrl, userLevel, mannerPoint, roster, queue, createdAt, ...group } = row;
  return {
    group: { ...group, createdAt: storedInstant(createdAt) },
    host: { userId: group.userId, nickname, profileUrl, userLevel, mannerPoint },
    roster: jsonArray(roster),
    queue: jsonArray(queue),
  };
}
