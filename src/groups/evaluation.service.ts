import type { Transaction } from 'sequelize';
import { Applier, Group, User } from '../db/models';
import type { AppContext } from '../lib/context';
import { badRequest, conflict, forbidden } from '../lib/errors';
import { toHostUser } from './groups.mapper';
import { findGroup, groupWithHost } from './groups.service';
import { GROUP } from './messages';
import { hasStarted } from './schedule';

export interface Evaluation {
  /** +1 or −1, matching the category's sign (checked by the validators). */
  point: 1 | -1;
  /** 1..5 positive, 6..10 negative. */
  category: number;
  /** What the SPA sends as `hostId`: only checked, the host is always the run's own. */
  claimedHostId?: string;
}

/** What the rules read of the run. */
const GROUP_TIME = ['groupId', 'userId', 'date', 'standbyTime'];

/** Only a runner who applied (not the host), once the run has started, and only once. */
async function assertMayEvaluate(
  group: Group,
  userId: string,
  now: Date,
  transaction?: Transaction,
): Promise<void> {
  if (group.userId === userId) throw forbidden(GROUP.hostCannotEvaluate);
  const mine = await Applier.findOne({
    attributes: ['evaluation'],
    where: { groupId: group.groupId, userId },
    transaction,
  });
  if (!mine) throw forbidden(GROUP.notParticipant);
  if (!hasStarted(group, now)) throw badRequest(GROUP.evaluationNotYet);
  if (mine.evaluation !== 0) throw conflict(GROUP.alreadyEvaluated);
}

/** `GET /group/evaluation/:groupId`: the host to rate. */
export async function findHostToEvaluate(
  ctx: Pick<AppContext, 'config' | 'now'>,
  userId: string,
  groupId: string,
) {
  const { group, host } = await groupWithHost(groupId);
  await assertMayEvaluate(group, userId, ctx.now());
  return toHostUser(ctx.config, group, host);
}

/**
 * `PATCH /group/evaluation/:groupId`: records the category on the runner's application and
 * moves the run's host's manner points by ±1, in one transaction. The conditional update
 * (`evaluation = 0`) makes a second submission, even a concurrent one, change nothing.
 */
export async function evaluateHost(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  userId: string,
  groupId: string,
  evaluation: Evaluation,
): Promise<void> {
  const now = ctx.now();
  await ctx.sequelize.transaction(async (transaction) => {
    const group = await findGroup(groupId, { attributes: GROUP_TIME, transaction });
    await assertMayEvaluate(group, userId, now, transaction);
    if (evaluation.claimedHostId !== undefined && evaluation.claimedHostId !== group.userId) {
      throw badRequest(GROUP.wrongHost);
    }
    const [recorded] = await Applier.update(
      { evaluation: evaluation.category },
      { where: { groupId, userId, evaluation: 0 }, transaction },
    );
    if (recorded === 0) throw conflict(GROUP.alreadyEvaluated);
    await User.increment('mannerPoint', {
      by: evaluation.point,
      where: { userId: group.userId },
      transaction,
    });
  });
}
