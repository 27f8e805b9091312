import { Op, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { Applier, Group, User, Waiter } from '../db/models';
import { writeAnnounced } from '../db/plain-writes';

/**
 * The SQL of the waitlist: a run's queue is its `Waitlists` rows in `waitlistId` order, read
 * through the (groupId, waitlistId) index. The rules and the locking stay in the service.
 */

/** A waiter about to be promoted, with what the promotion's alarm needs. */
export interface QueuedWaiter {
  waitlistId: number;
  userId: string;
  nickname: string;
  agreeSMS: boolean;
  hasPhone: boolean;
}

/** The first `limit` waiters of a run, in queue order. */
export async function firstWaiters(
  groupId: string,
  limit: number,
  transaction: Transaction,
): Promise<QueuedWaiter[]> {
  const rows = (await Waiter.findAll({
    attributes: ['waitlistId', 'userId'],
    where: { groupId },
    include: [
      { model: User, as: 'user', attributes: ['nickname', 'agreeSMS', 'phone'], required: true },
    ],
    order: [['waitlistId', 'ASC']],
    limit,
    raw: true,
    nest: true,
    transaction,
  })) as unknown as Array<{
    waitlistId: number;
    userId: string;
    user: { nickname: string; agreeSMS: boolean | number; phone: string | null };
  }>;
  return rows.map((row) => ({
    waitlistId: Number(row.waitlistId),
    userId: row.userId,
    nickname: row.user.nickname,
    agreeSMS: Boolean(row.user.agreeSMS),
    hasPhone: row.user.phone !== null && row.user.phone !== '',
  }));
}

/**
 * The runs (not started) whose seat the user holds as a runner, not as host, or on whose
 * waitlist the user is, in id order.
 */
export async function runsHeldBy(
  userId: string,
  notStarted: WhereOptions,
  transaction: Transaction,
): Promise<string[]> {
  const ofRun = {
    model: Group,
    as: 'group',
    attributes: [],
    required: true,
    where: { ...notStarted, userId: { [Op.ne]: userId } },
  };
  // One after the other: a transaction's statements share its one connection.
  const seats = await Applier.findAll({
    attributes: ['groupId'],
    where: { userId },
    include: [ofRun],
    raw: true,
    transaction,
  });
  const places = await Waiter.findAll({
    attributes: ['groupId'],
    where: { userId },
    include: [ofRun],
    raw: true,
    transaction,
  });
  return [...new Set([...seats, ...places].map((row) => row.groupId))].sort();
}

/** The runs with waiters that have started at `now` (their waitlists are over). */
export async function startedRunsWithWaiters(started: WhereOptions): Promise<string[]> {
  const rows = await Waiter.findAll({
    attributes: ['groupId'],
    include: [{ model: Group, as: 'group', attributes: [], required: true, where: started }],
    group: ['Waiter.groupId'],
    raw: true,
  });
  return rows.map((row) => row.groupId);
}

/*
 * The waitlist toggle's writes, in plain SQL by key (no model instance to build), announced to
 * the read caches' write hooks as the model's write would have been.
 */

/**
 * Puts the user last on the run's waitlist: the row `Waiter.create` writes (the id the table
 * hands out, `createdAt` the caller's clock in the connection's time zone).
 */
export async function insertWaiter(
  sequelize: Sequelize,
  waiter: { groupId: string; userId: string; createdAt: Date },
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Waiter,
    'INSERT INTO `Waitlists` (`groupId`, `userId`, `createdAt`) ' +
      `VALUES (?, ?, ${sequelize.escape(waiter.createdAt)})`,
    [waiter.groupId, waiter.userId],
    transaction,
  );
}

/** Takes a place off a waitlist by its id (a record lock only, no index gap). */
export async function deleteWaiter(
  sequelize: Sequelize,
  waitlistId: number,
  transaction: Transaction,
): Promise<void> {
  await writeAnnounced(
    sequelize,
    Waiter,
    'DELETE FROM `Waitlists` WHERE `waitlistId` = ?',
    [waitlistId],
    transaction,
  );
}
