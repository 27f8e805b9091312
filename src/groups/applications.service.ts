import { col, fn, where } from 'sequelize';
import type { AppContext } from '../lib/context';
import { badRequest, conflict } from '../lib/errors';
import { Applier } from './applier.model';
import { lockGroup } from './groups.service';
import { GROUP } from './messages';
import { hasStarted } from './schedule';

export interface ApplyResult {
  message: string;
  data: { applyPeople: number; applyState: boolean };
}

/**
 * `POST /group/:groupId/apply`: applies, or cancels an application (a toggle). Capacity counts
 * the host. The group's row is locked for the whole check-and-write, so concurrent applicants
 * queue and the seat count holds (MySQL: SELECT … FOR UPDATE; SQLite: writers are serial);
 * the unique (groupId, userId) key stops a double application in any case.
 */
export async function toggleApplication(
  ctx: AppContext,
  userId: string,
  groupId: string,
): Promise<ApplyResult> {
  return ctx.sequelize.transaction(async (transaction) => {
    const group = await lockGroup(groupId, transaction, [
      'groupId',
      'userId',
      'maxPeople',
      'date',
      'standbyTime',
    ]);
    if (hasStarted(group, ctx.now())) throw badRequest(GROUP.applyClosed);
    // The applicants and whether the user is one of them, in one read.
    const [seats] = (await Applier.findAll({
      attributes: [
        [fn('COUNT', col('applyId')), 'applyPeople'],
        [fn('SUM', where(col('userId'), userId)), 'mine'],
      ],
      where: { groupId },
      raw: true,
      transaction,
    })) as unknown as Array<{ applyPeople: number | string; mine: number | string | null }>;
    const applyPeople = Number(seats.applyPeople);
    if (Number(seats.mine ?? 0) > 0) {
      if (group.userId === userId) throw badRequest(GROUP.hostCannotCancel);
      await Applier.destroy({ where: { groupId, userId }, transaction });
      return {
        message: GROUP.cancelled,
        data: { applyPeople: applyPeople - 1, applyState: false },
      };
    }
    if (applyPeople >= group.maxPeople) throw conflict(GROUP.full);
    await Applier.create({ groupId, userId }, { transaction });
    return { message: GROUP.applied, data: { applyPeople: applyPeople + 1, applyState: true } };
  });
}
