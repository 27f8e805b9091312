import { QueryTypes, type Sequelize } from 'sequelize';
import { dialectOf } from '../db/sequelize';
import { storedInstant } from '../lib/time';
import type { DetailGroup, Host, Person } from './groups.mapper';

/**
 * The SQL of the run detail page: plain rows, no model instances on its path (the detail is the
 * most read page).
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

/** The run's row with its host's public fields, as the statements below read them. */
type DetailRow = Omit<DetailGroup, 'createdAt'> &
  Omit<Host, 'userId'> & {
    createdAt: Date | string;
  };

const RUN_WITH_HOST =
  `SELECT ${DETAIL_COLUMNS}, ` +
  '`h`.`nickname`, `h`.`profileUrl`, `h`.`userLevel`, `h`.`mannerPoint`';
const FROM_RUN = 'FROM `Groups` AS `g` JOIN `Users` AS `h` ON `h`.`userId` = `g`.`userId` ';
const ROSTER_FROM =
  'FROM `Appliers` AS `a` JOIN `Users` AS `u` ON `u`.`userId` = `a`.`userId` ' +
  'WHERE `a`.`groupId` = ';
const ROSTER_ORDER = 'ORDER BY `u`.`nickname` ASC, `a`.`userId` ASC';

/**
 * JSON aggregation, which both databases have under other names. An empty aggregate is `[]` in
 * SQLite, NULL in MariaDB.
 */
function jsonFunctions(sequelize: Sequelize) {
  return dialectOf(sequelize) === 'sqlite'
    ? { array: 'json_group_array', object: 'json_object', tuple: 'json_array' }
    : { array: 'JSON_ARRAYAGG', object: 'JSON_OBJECT', tuple: 'JSON_ARRAY' };
}

/** An aggregated JSON array as the driver answers it (text, or NULL for none). */
function jsonArray<T>(value: string | T[] | null): T[] {
  if (value === null) return [];
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : value;
}

/**
 * The detail from its rows. A user is never both an applicant and a waiter (a waiter's seat is
 * taken in the transaction that removes them from the queue); the two statements of
 * `detailStatements.apart` see the database at two instants, so one that runs across such a
 * promotion may find the user in both: the roster wins.
 */
function detailOf(row: DetailRow, roster: Person[], queue: string[]): GroupDetailRow {
  const { nickname, profileUrl, userLevel, mannerPoint, createdAt, ...group } = row;
  const applied = new Set(roster.map((person) => person.userId));
  return {
    group: { ...group, createdAt: storedInstant(createdAt) },
    host: { userId: group.userId, nickname, profileUrl, userLevel, mannerPoint },
    roster,
    queue: queue.filter((userId) => !applied.has(userId)),
  };
}

/**
 * The two ways of reading a run's detail page; {@link selectGroupDetail} picks one per database.
 * Both answer the same (test/groups.detail-cache.test.ts), null when there is no such run.
 */
export const detailStatements = {
  /**
   * One statement answering one plain row, the roster and the queue aggregated as JSON arrays
   * (SQLite 3.44+ and MariaDB 10.5+ take an ORDER BY inside the aggregate; MySQL does not).
   */
  async inOne(sequelize: Sequelize, groupId: string): Promise<GroupDetailRow | null> {
    const { array, object } = jsonFunctions(sequelize);
    const [row] = await sequelize.query<
      DetailRow & { roster: string | Person[] | null; queue: string | string[] | null }
    >(
      `${RUN_WITH_HOST}, ` +
        `(SELECT ${array}(${object}('userId', \`a\`.\`userId\`, 'nickname', \`u\`.\`nickname\`, ` +
        `'profileUrl', \`u\`.\`profileUrl\`) ${ROSTER_ORDER}) ${ROSTER_FROM}\`g\`.\`groupId\`) ` +
        `AS \`roster\`, (SELECT ${array}(\`w\`.\`userId\` ORDER BY \`w\`.\`waitlistId\` ASC) ` +
        'FROM `Waitlists` AS `w` WHERE `w`.`groupId` = `g`.`groupId`) AS `queue` ' +
        `${FROM_RUN}WHERE \`g\`.\`groupId\` = ?`,
      { type: QueryTypes.SELECT, replacements: [groupId] },
    );
    if (!row) return null;
    const { roster, queue, ...run } = row;
    return detailOf(run, jsonArray(roster), jsonArray(queue));
  },

  /**
   * Two statements side by side: the run with its host and its queue, and the roster. The queue
   * is aggregated as `[waitlistId, userId]` pairs and put in order here (MySQL's JSON_ARRAYAGG
   * takes no ORDER BY); the roster, sorted by the database's collation, is plain rows. The roster
   * with the queue in one statement cost MariaDB two to three times these two (2026-12-05).
   */
  async apart(sequelize: Sequelize, groupId: string): Promise<GroupDetailRow | null> {
    const { array, tuple } = jsonFunctions(sequelize);
    const select = <T extends object>(sql: string) =>
      sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements: [groupId] });
    const [[row], roster] = await Promise.all([
      select<DetailRow & { queue: string | Array<[number, string]> | null }>(
        `${RUN_WITH_HOST}, (SELECT ${array}(${tuple}(\`w\`.\`waitlistId\`, \`w\`.\`userId\`)) ` +
          'FROM `Waitlists` AS `w` ' +
          `WHERE \`w\`.\`groupId\` = \`g\`.\`groupId\`) AS \`queue\` ${FROM_RUN}WHERE \`g\`.\`groupId\` = ?`,
      ),
      select<Person>(
        'SELECT `a`.`userId`, `u`.`nickname`, `u`.`profileUrl` ' +
          `${ROSTER_FROM}? ${ROSTER_ORDER}`,
      ),
    ]);
    if (!row) return null;
    const { queue, ...run } = row;
    const inLine = jsonArray(queue)
      .sort(([a], [b]) => a - b)
      .map(([, userId]) => userId);
    return detailOf(run, roster, inLine);
  },
};

/**
 * The run, its host, its roster with the applicants' users and its waitlist, as plain values (no
 * model instances: the detail is the most read page); null when there is no such run. SQLite
 * reads them in one statement (in process, a statement costs little beside the JSON); MySQL and
 * MariaDB in two: MariaDB spends about twice the CPU on the one statement's aggregated roster
 * that it spends on the roster as plain rows (bench/README.md, 2026-12-05), and MySQL has no
 * ordered JSON aggregate at all.
 */
export function selectGroupDetail(
  sequelize: Sequelize,
  groupId: string,
): Promise<GroupDetailRow | null> {
  return dialectOf(sequelize) === 'sqlite'
    ? detailStatements.inOne(sequelize, groupId)
    : detailStatements.apart(sequelize, groupId);
}
