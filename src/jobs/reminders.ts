import crypto from 'node:crypto';
import type { CreationAttributes } from 'sequelize';
import { Alarm, Applier, Group, User } from '../db/models';
import type { Recipient, ReminderCategory, ReminderRule } from '../groups/reminders';
import { kstDateTime } from '../lib/time';
import type { JobOptions, WorkerDeps } from './deps';

/** What a reminder scan uses of the worker's deps. */
export type ReminderDeps = Pick<WorkerDeps, 'jobMetrics' | 'logger' | 'settings'>;

export interface WindowOptions extends JobOptions {
  /** Where the last successful scan ended; null when there was none. */
  since: Date | null;
}

export interface ReminderResult {
  category: ReminderCategory;
  /** The window actually scanned: (from, to]. */
  from: Date;
  to: Date;
  groups: number;
  /** Alarms offered to the database; those already written are ignored there. */
  alarms: number;
  interrupted: boolean;
}

/** What makes a worker alarm unique: one per recipient, group and category. */
export const dedupeKey = (category: ReminderCategory, groupId: string, userId: string) =>
  `${category}/${groupId}/${userId}`;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

async function applicants(groups: Group[]): Promise<Map<string, Recipient[]>> {
  const hosts = new Map(groups.map((g) => [g.groupId, g.userId]));
  // The join drops applications whose user is gone; their alarm would have no one to go to.
  const rows = await Applier.findAll({
    attributes: ['groupId', 'userId', 'attendance', 'evaluation'],
    where: { groupId: [...hosts.keys()] },
    include: [
      { model: User, as: 'user', attributes: ['nickname', 'agreeSMS', 'phone'], required: true },
    ],
  });
  const byGroup = new Map<string, Recipient[]>();
  for (const row of rows) {
    const user = row.get('user') as User;
    const list = byGroup.get(row.groupId) ?? [];
    list.push({
      userId: row.userId,
      nickname: user.nickname,
      role: hosts.get(row.groupId) === row.userId ? 'host' : 'attendance',
      attendance: Boolean(row.attendance),
      evaluation: Number(row.evaluation),
      agreeSMS: Boolean(user.agreeSMS),
      hasPhone: user.phone !== null && user.phone !== '',
    });
    byGroup.set(row.groupId, list);
  }
  return byGroup;
}

type AlarmRow = CreationAttributes<Alarm>;

function alarmRow(category: ReminderCategory, group: Group, to: Recipient, now: Date): AlarmRow {
  const texted = to.agreeSMS && to.hasPhone;
  return {
    alarmId: crypto.randomUUID(),
    userId: to.userId,
    category,
    groupId: group.groupId,
    groupTitle: group.title,
    // The recipient's own nickname: the texts greet them by it, as the original's did.
    nickname: to.nickname,
    role: to.role,
    dedupeKey: dedupeKey(category, group.groupId, to.userId),
    smsStatus: texted ? 'pending' : 'skipped',
    smsNextAttemptAt: texted ? now : null,
    smsError: texted ? null : to.agreeSMS ? 'no phone number' : 'no SMS consent',
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Insert-or-ignore: an alarm whose key exists (another worker, an overlapping tick, a replayed
 * window) is skipped by the database itself. Should the batch fail as a whole, each row is tried
 * on its own so that one bad row is logged and skipped instead of holding up the others.
 */
async function insertAlarms(deps: Pick<WorkerDeps, 'logger'>, rows: AlarmRow[]): Promise<void> {
  try {
    await Alarm.bulkCreate(rows, { ignoreDuplicates: true });
    return;
  } catch (err) {
    deps.logger.warn('alarm batch refused; writing its rows one by one', {
      rows: rows.length,
      error: (err as Error).message,
    });
  }
  for (const row of rows) {
    try {
      await Alarm.bulkCreate([row], { ignoreDuplicates: true });
    } catch (err) {
      deps.logger.error('alarm not written', {
        category: row.category,
        groupId: row.groupId,
        userId: row.userId,
        error: (err as Error).message,
      });
    }
  }
}

/**
 * Writes the rule's alarms for everything that fell due in (since, now]: a window, not an
 * instant, so nothing depends on a tick landing on the right second, and a worker that was away
 * catches up. The window never reaches further back than the maximum lateness: what is older is
 * skipped (and logged), not announced late.
 */
export async function runReminders(
  deps: ReminderDeps,
  rule: ReminderRule,
  { now, since, signal }: WindowOptions,
): Promise<ReminderResult> {
  const { settings, logger } = deps;
  const floor = new Date(now.getTime() - settings.maxLatenessMs);
  if (since && since < floor) {
    logger.warn('reminders too late to send were skipped', {
      category: rule.category,
      from: kstDateTime(since),
      to: kstDateTime(floor),
    });
  }
  const from = since && since > floor ? since : floor;
  const result: ReminderResult = {
    category: rule.category,
    from,
    to: now,
    groups: 0,
    alarms: 0,
    interrupted: false,
  };
  const where = from < now ? rule.candidates(from, now, settings) : null;
  if (!where) return result;

  const candidates = await Group.findAll({
    attributes: ['groupId', 'userId', 'title', 'date', 'standbyTime', 'finishTime'],
    where,
    order: [['groupId', 'ASC']],
  });
  const due = candidates.filter((group) => {
    const at = rule.dueAt(group, settings);
    return at !== null && at > from && at <= now;
  });
  result.groups = due.length;

  for (const batch of chunks(due, settings.batchSize)) {
    if (signal?.aborted) {
      result.interrupted = true;
      break;
    }
    const byGroup = await applicants(batch);
    const rows = batch.flatMap((group) => {
      const all = byGroup.get(group.groupId) ?? [];
      const chosen = rule.recipients ? rule.recipients(all) : all;
      return chosen.map((to) => alarmRow(rule.category, group, to, now));
    });
    for (const part of chunks(rows, settings.batchSize)) await insertAlarms(deps, part);
    result.alarms += rows.length;
    deps.jobMetrics.alarmsDue.inc({ category: rule.category }, rows.length);
  }
  if (result.groups > 0) {
    logger.info('reminders written', {
      category: rule.category,
      from: kstDateTime(from),
      to: kstDateTime(now),
      groups: result.groups,
      alarms: result.alarms,
      interrupted: result.interrupted,
    });
  }
  return result;
}
