import {
  literal,
  Op,
  QueryTypes,
  type Sequelize,
  type Transaction,
  type WhereOptions,
} from 'sequelize';
import { dialectOf } from '../db/sequelize';
import { Applier, Group, User } from '../db/models';

/**
 * Nicknames compare ignoring case. MySQL's `utf8mb4_unicode_ci` columns already compare so (and
 * use the nickname index); SQLite compares bytes, so it is asked for its NOCASE collation, which
 * folds ASCII letters.
 */
function nicknameIs(sequelize: Sequelize, nickname: string): WhereOptions<User> {
  if (dialectOf(sequelize) === 'mysql') return { nickname };
  return literal(`\`nickname\` = ${sequelize.escape(nickname)} COLLATE NOCASE`);
}

/** The oldest user with this nickname (compared as nicknames are), or null. */
export function oldestUserNamed(sequelize: Sequelize, nickname: string): Promise<User | null> {
  return User.findOne({ where: nicknameIs(sequelize, nickname), order: [['userId', 'ASC']] });
}

/** The id of a user with this nickname (compared as nicknames are), or null. */
export async function nicknameOwner(
  sequelize: Sequelize,
  nickname: string,
): Promise<string | null> {
  const user = await User.findOne({
    where: nicknameIs(sequelize, nickname),
    attributes: ['userId'],
  });
  return user?.userId ?? null;
}

/** How many times participants rated the host's runs with each category. */
export interface EvaluationCount {
  evaluation: number;
  count: number;
}

/** Counts per evaluation category 1..`categories` over every run `hostId` hosted. */
export async function evaluationCounts(
  sequelize: Sequelize,
  hostId: string,
  categories: number,
): Promise<EvaluationCount[]> {
  const rows = await sequelize.query<{ evaluation: number; count: number | string }>(
    'SELECT a.`evaluation` AS evaluation, COUNT(*) AS count FROM `Appliers` a ' +
      'JOIN `Groups` g ON g.`groupId` = a.`groupId` ' +
      'WHERE g.`userId` = ? AND a.`evaluation` BETWEEN 1 AND ? GROUP BY a.`evaluation`',
    { replacements: [hostId, categories], type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ evaluation: Number(row.evaluation), count: Number(row.count) }));
}

/** A run the user applied to, with its applicant count. */
export interface AppliedRun {
  groupId: string;
  title: string;
  date: string;
  standbyTime: string;
  location: string;
  distance: number;
  thema: string;
  thumbnailUrl1: string | null;
  appliedPeople: number;
}

/**
 * The runs `userId` applied to (hosts apply to their own) that start after `date` `time`,
 * soonest first.
 */
export async function appliedRunsAfter(
  userId: string,
  date: string,
  time: string,
): Promise<AppliedRun[]> {
  const groups = await Group.findAll({
    attributes: [
      'groupId',
      'title',
      'date',
      'standbyTime',
      'location',
      'distance',
      'thema',
      'thumbnailUrl1',
      [
        literal('(SELECT COUNT(*) FROM `Appliers` AS `c` WHERE `c`.`groupId` = `Group`.`groupId`)'),
        'appliedPeople',
      ],
    ],
    include: [
      { model: Applier, as: 'Appliers', attributes: [], where: { userId }, required: true },
    ],
    where: {
      [Op.or]: [{ date: { [Op.gt]: date } }, { date, standbyTime: { [Op.gt]: time } }],
    },
    order: [
      ['date', 'ASC'],
      ['standbyTime', 'ASC'],
    ],
  });
  return groups.map((g) => ({
    groupId: g.groupId,
    title: g.title,
    date: g.date,
    standbyTime: g.standbyTime,
    location: g.location,
    distance: g.distance,
    thema: g.thema,
    thumbnailUrl1: g.thumbnailUrl1,
    appliedPeople: Number(g.get('appliedPeople')),
  }));
}

/**
 * Whether the database still holds the original's never-used Badges table, whose key to Users
 * has no cascade and would refuse the delete. Looked up at every withdrawal (a rare request):
 * a table dropped while the server runs is seen at once, not after a restart.
 */
export function hasBadgesTable(sequelize: Sequelize): Promise<boolean> {
  return sequelize.getQueryInterface().tableExists('Badges');
}

/** Deletes the user's rows of the original's Badges table (see `hasBadgesTable`). */
export async function deleteBadgesOf(
  sequelize: Sequelize,
  userId: string,
  transaction: Transaction,
): Promise<void> {
  await sequelize.query('DELETE FROM `Badges` WHERE `userId` = ?', {
    replacements: [userId],
    transaction,
  });
}

/** What the auth middleware needs of a signed-in user. */
export interface AccountRecord {
  userId: string;
  nickname: string;
  profileUrl: string;
  agreeSMS: boolean;
  likeLocation: string | null;
}

/** The user's account as the auth middleware reads it on every request, or null when gone. */
export async function findAccount(userId: string): Promise<AccountRecord | null> {
  const user = await User.findByPk(userId, {
    attributes: ['userId', 'nickname', 'profileUrl', 'agreeSMS', 'likeLocation'],
    raw: true,
  });
  if (!user) return null;
  return {
    userId: user.userId,
    nickname: user.nickname,
    profileUrl: user.profileUrl,
    agreeSMS: Boolean(user.agreeSMS),
    likeLocation: user.likeLocation,
  };
}

/** Whether the user still exists. */
export async function userExists(userId: string): Promise<boolean> {
  return (await User.count({ where: { userId } })) > 0;
}
