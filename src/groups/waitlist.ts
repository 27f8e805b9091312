import type { Sequelize, Transaction } from 'sequelize';
import { createAlarms, type NewAlarm } from '../alarms/alarms.service';
import { Applier, Group, Waiter } from '../db/models';
import type { AppContext } from '../lib/context';
import { conflict } from '../lib/errors';
import { WAITLIST } from './messages';
import { hasStarted, startedWhere } from './schedule';
import {
  deleteWaiter,
  firstWaiters,
  startedRunsWithWaiters,
  type QueuedWaiter,
} from './waitlist.queries';

/**
 * The waitlist's rules that other writes of a run apply inside their own transaction (apply,
 * cancel, an edit, a withdrawal), plus its reads. Every write that changes a run's seats or queue
 * holds the run's row lock (MySQL: SELECT … FOR UPDATE; SQLite: writers are serial) from its
 * first read to its commit, and one that frees seats promotes the first waiters before it
 * commits: so a seat is never given twice and never left empty while someone waits. The toggle
 * itself is `waitlist.service.ts`; see README, "Waitlist".
 */

/**
 * What an application does about the waitlist, under the run's lock, given the user's place
 * on it (`waitlistId`, read with the seats by `selectSeats`): a waiter cannot jump the queue of
 * a full run (409); with a seat free (every waiter ahead would already have had it), the waiter
 * takes it and leaves the queue. A delete by primary key only: a delete by (groupId, userId)
 * would lock index gaps on MariaDB on every application.
 */
export async function applyingWaiter(
  sequelize: Sequelize,
  waitlistId: number | null,
  full: boolean,
  transaction: Transaction,
): Promise<void> {
  if (waitlistId === null) return;
  if (full) throw conflict(WAITLIST.waiting);
  await deleteWaiter(sequelize, waitlistId, transaction);
}

/** The in-app alarm of a promotion, with the text queued when the runner can receive one. */
function promotionAlarm(group: Pick<Group, 'groupId' | 'title'>, to: QueuedWaiter): NewAlarm {
  const texted = to.agreeSMS && to.hasPhone;
  return {
    userId: to.userId,
    category: 'waitlist',
    groupId: group.groupId,
    groupTitle: group.title,
    // The recipient's own nickname: the text greets them by it, as the reminders' do.
    nickname: to.nickname,
    smsStatus: texted ? 'pending' : 'skipped',
    smsError: texted ? null : to.agreeSMS ? 'no phone number' : 'no SMS consent',
  };
}

/**
 * Gives the run's free seats to its first waiters, in the caller's transaction (which holds the
 * run's lock and counted `applicants` under it). Answers the users promoted.
 */
export async function promoteWaiters(
  ctx: Pick<AppContext, 'now'>,
  group: Pick<Group, 'groupId' | 'title' | 'maxPeople'>,
  applicants: number,
  transaction: Transaction,
): Promise<string[]> {
  const free = group.maxPeople - applicants;
  if (free <= 0) return [];
  const promoted = await firstWaiters(group.groupId, free, transaction);
  if (promoted.length === 0) return [];
  await Waiter.destroy({
    where: { waitlistId: promoted.map((w) => w.waitlistId) },
    transaction,
  });
  await Applier.bulkCreate(
    promoted.map((w) => ({ groupId: group.groupId, userId: w.userId })),
    { transaction },
  );
  const now = ctx.now();
  await createAlarms(
    promoted.map((w) => promotionAlarm(group, w)),
    { transaction, now },
  );
  return promoted.map((w) => w.userId);
}

/** Promotes the waiters of runs whose seats a withdrawal freed (locked by `lockRunsHeldBy`). */
export async function fillFreedSeats(
  ctx: Pick<AppContext, 'now'>,
  groupIds: string[],
  transaction: Transaction,
): Promise<void> {
  for (const groupId of groupIds) {
    const group = await Group.findByPk(groupId, {
      attributes: ['groupId', 'title', 'maxPeople'],
      transaction,
    });
    if (!group) continue;
    const applicants = await Applier.count({ where: { groupId }, transaction });
    await promoteWaiters(ctx, group, applicants, transaction);
  }
}

/** Who waits for the run, in queue order. */
export async function waitersOf(groupId: string, transaction: Transaction): Promise<string[]> {
  const rows = await Waiter.findAll({
    attributes: ['userId'],
    where: { groupId },
    order: [['waitlistId', 'ASC']],
    transaction,
  });
  return rows.map((row) => row.userId);
}

/**
 * The detail's waitlist fields from the run's queue (user ids in order); a started run's queue
 * is over (the worker clears it).
 */
export function waitlistOf(
  group: Pick<Group, 'date' | 'standbyTime'>,
  queue: readonly string[],
  viewerId: string | null,
  now: Date,
): { waitingCount: number; waitlistPosition: number | null } {
  if (hasStarted(group, now)) return { waitingCount: 0, waitlistPosition: null };
  const place = viewerId === null ? 0 : queue.indexOf(viewerId) + 1;
  return { waitingCount: queue.length, waitlistPosition: place > 0 ? place : null };
}

/** The worker's sweep: the waitlists of runs that have started are deleted. */
export async function clearStartedWaitlists(now: Date): Promise<number> {
  const groupIds = await startedRunsWithWaiters(startedWhere(now));
  if (groupIds.length === 0) return 0;
  return Waiter.destroy({ where: { groupId: groupIds } });
}
