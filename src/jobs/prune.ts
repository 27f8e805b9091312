import { col, fn, where } from 'sequelize';
import { ALARM_CAP, trimAlarms } from '../alarms/alarms.service';
import { Alarm } from '../db/models';
import type { JobOptions, WorkerDeps } from './deps';

export interface PruneResult {
  users: number;
  interrupted: boolean;
}

/**
 * Keeps every user's newest ALARM_CAP alarms. The worker writes its alarms in bulk without
 * trimming (a trim per recipient would cost two statements per user in every busy tick), so the
 * users over the cap are found here with one grouped scan of the (userId, createdAt) index and
 * trimmed with the same rule the API applies on its own writes.
 */
export async function runPrune(
  deps: Pick<WorkerDeps, 'logger'>,
  { signal }: JobOptions,
): Promise<PruneResult> {
  const over = await Alarm.findAll({
    attributes: ['userId'],
    group: ['userId'],
    having: where(fn('COUNT', col('alarmId')), '>', ALARM_CAP),
    raw: true,
  });
  const result: PruneResult = { users: 0, interrupted: false };
  for (const { userId } of over) {
    if (signal?.aborted) {
      result.interrupted = true;
      break;
    }
    await trimAlarms(userId);
    result.users += 1;
  }
  if (result.users > 0) deps.logger.info('old alarms pruned', { ...result });
  return result;
}
