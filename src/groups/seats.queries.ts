import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { randomUUID } from 'node:crypto';
import { Applier, User } from '../db/models';
import { forUpdate, writeAnnounced } from '../db/plain-writes';
import { notFound } from '../lib/errors';
import { GROUP } from './messages';

/*
 * A run's seats: what its apply and waitlist writes read under the run's lock, and its roster.
 */

type Person = { nickname: string; profileUrl: string };

/** What the run's lock reads of its row (the apply and waitlist toggles use it all). */
export interface LockedRun {
  groupId: string;
  /** The host. */
  userId: string;
  title: string;
  maxPeople: number;
  /** `YYYY-MM-DD` and `HH:MM:SS`, as the model reads them. */
  date: string;
  standbyTime: string;
}

/**
 * The run's row, locked until the transaction ends, in plain SQL (no model instance to build):
 * MySQL takes the row lock (SELECT … FOR UPDATE); SQLite has no lock clause (its writers are
 * serial). 404 when there is no such run. The one lock of a `Groups` row: a write that needs the
 * model instance (the edit, the delete) reads it next, as the transaction's first plain read,
 * whose snapshot begins under the lock (the latest row, which nobody changes until the end).
 */
export async function lockRun(
  sequelize: Sequelize,
  groupId: string,
  transaction: Transaction,
): Promise<LockedRun> {
  const [row] = await sequelize.query<LockedRun>(
    'SELECT `groupId`, `userId`, `title`, `maxPeople`, `date`, `standbyTime` FROM `Groups` ' +
      'WHERE `groupId` = ?' +
      forUpdate(sequelize),
    { type: QueryTypes.SELECT, replacements: [groupId], transaction },
  );
  if (!row) throw notFound(GROUP.notFound);
  return { ...row, maxPeople: Number(row.maxPeople), date: String(row.date) };
}

/** What a run's seat and queue writes read under its lock. */
export interface Seats {
  /** Applications, the host's included. */
  applyPeople: number;
  /** The user's own application, or null. */
  mineId: string | null;
  /** The user's place on the run's waitlist (its `waitlistId`), or null. */
  waitlistId: number | null;
  /** How many wait for the run. */
  waiting: number;
}

/**
 * A run's applicants, the user's own application, the user's waitlist entry and the length of
 * the queue, in one plain read (each through its `groupId` index; the waitlist's by its unique
 * (groupId, userId) key). Run under the run's row lock, which every write of its seats and
 * queue takes first: the read's snapshot begins after the lock, so it sees every write
 * committed before it, and a plain read locks no index gap shared with other runs' rows.
 */
export async function selectSeats(
  sequelize: Sequelize,
  groupId: string,
  userId: string,
  transaction: Transaction,
): Promise<Seats> {
  const [row] = await sequelize.query<{
    applyPeople: number | string;
    mineId: string | null;
    waitlistId: number | string | null;
    waiting: number | string;
  }>(
    'SELECT COUNT(*) AS `applyPeople`, ' +
      'MAX(CASE WHEN `a`.`userId` = ? THEN `a`.`applyId` END) AS `mineId`, ' +
      '(SELECT `w`.`waitlistId` FROM `Waitlists` AS `w` ' +
      'WHERE `w`.`groupId` = ? AND `w`.`userId` = ?) AS `waitlistId`, ' +
      '(SELECT COUNT(*) FROM `Waitlists` AS `q` WHERE `q`.`groupId` = ?) AS `waiting` ' +
      'FROM `Appliers` AS `a` WHERE `a`.`groupId` = ?',
    {
      type: QueryTypes.SELECT,
      replacements: [userId, groupId, userId, groupId, groupId],
      transaction,
    },
  );
  return {
    applyPeople: Number(row.applyPeople),
    mineId: row.mineId,
    waitlistId: row.waitlistId === null ? null : Number(row.waitlistId),
    waiting: Number(row.waiting),
  };
}

/** An application with the applicant's public fields. */
export interface Applicant {
  applyId: string;
  userId: string;
  attendance: boolean;
  evaluation: number;
  nickname: string;
  profileUrl: string;
}

/**
 * Everyone who applied to a run (the host included), in one query with their users, by
 * nickname, then userId. Plain rows: no model instances to build for what is only read.
 */
export async function selectRoster(
  groupId: string,
  transaction?: Transaction,
): Promise<Applicant[]> {
  const rows = (await Applier.findAll({
    attributes: ['applyId', 'userId', 'attendance', 'evaluation'],
    where: { groupId },
    include: [{ model: User, as: 'user', attributes: ['nickname', 'profileUrl'], required: true }],
    order: [
      [{ model: User, as: 'user' }, 'nickname', 'ASC'],
      ['userId', 'ASC'],
    ],
    raw: true,
    nest: true,
    transaction,
  })) as unknown as Array<Omit<Applicant, 'nickname' | 'profileUrl'> & { user: Person }>;
  return rows.map((row) => ({
    applyId: row.applyId,
    userId: row.userId,
    attendance: Boolean(row.attendance),
    evaluation: row.evaluation,
    nickname: row.user.nickname,
    profileUrl: row.user.profileUrl,
  }));
}

/*
 * The apply toggle's writes of an application, in plain SQL by primary key (no model instance
 * to build), announced to the read caches' write hooks as the model's write would have been:
 * the row the model's defaults give (a random UUID v4, not attended, not evaluated).
 */

/** Adds the user's application to a run. */
export async function insertApplier(
  sequelize: Sequelize,
  applier: { groupId: string; userId: string },
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Applier,
    'INSERT INTO `Appliers` (`applyId`, `userId`, `groupId`, `attendance`, `evaluation`) ' +
      'VALUES (?, ?, ?, 0, 0)',
    [randomUUID(), applier.userId, applier.groupId],
    transaction,
  );
}

/** Removes an application by its id. */
export async function deleteApplier(
  sequelize: Sequelize,
  applyId: string,
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Applier,
    'DELETE FROM `Appliers` WHERE `applyId` = ?',
    [applyId],
    transaction,
  );
}
