import type { FindOptions, Transaction } from 'sequelize';
import { createAlarms, type AlarmCategory } from '../alarms/alarms.service';
import { regionFromAddress, timeSlotFromTime } from '../lib/codes';
import { Applier, Group } from '../db/models';
import type { AppContext } from '../lib/context';
import { AppError, badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { routeSourceOf } from '../lib/gpx';
import { GROUP_DETAILS } from './detail-cache';
import { planImageSlots, type PreparedImage } from '../uploads';
import type { Host } from './groups.mapper';
import { selectGroupWithHost } from './groups.queries';
import { GROUP } from './messages';
import { hasStarted, isFarEnoughAhead } from './schedule';
import { lockRun } from './seats.queries';
import { promoteWaiters, waitersOf } from './waitlist';

/** The fields of a post, validated and normalised (times `HH:mm:ss`, route as JSON text). */
export interface GroupFields {
  title: string;
  maxPeople: number;
  date: string;
  standbyTime: string;
  finishTime: string;
  distance: number;
  speed: string;
  location: string;
  mapLatLng: string;
  thema: string;
  parking: string | null;
  baggage: string | null;
  content: string | null;
  chattingRoom: string;
}

/** An edit: absent fields stay as they are. */
export type GroupChanges = Partial<GroupFields>;

/** How long a host must wait between two new posts (the original's double-submit guard). */
export const CREATE_GUARD_SECONDS = 10;
const createGuardKey = (userId: string) => `${userId}create`;

type Slots = [string | null, string | null, string | null];
const imageKeys = (group: Group): Slots => [
  group.thumbnailUrl1,
  group.thumbnailUrl2,
  group.thumbnailUrl3,
];
const slotColumns = ([thumbnailUrl1, thumbnailUrl2, thumbnailUrl3]: Slots) => ({
  thumbnailUrl1,
  thumbnailUrl2,
  thumbnailUrl3,
});

/** The codes the lists filter on, derived from the address and the meeting time. */
const derivedCodes = (fields: GroupChanges) => ({
  ...(fields.location !== undefined && { region: regionFromAddress(fields.location) }),
  ...(fields.standbyTime !== undefined && { timecode: timeSlotFromTime(fields.standbyTime) }),
});

/**
 * `POST /group`: the run and its host's application (the host takes the first seat). Images
 * are stored once every rule has passed, and removed again if the insert fails.
 */
export async function createGroup(
  ctx: Pick<AppContext, 'images' | 'now' | 'sequelize' | 'store'>,
  hostId: string,
  fields: GroupFields,
  images: PreparedImage[],
): Promise<string> {
  const now = ctx.now();
  if (!isFarEnoughAhead(fields, now)) throw badRequest(GROUP.createTooSoon);
  const guard = createGuardKey(hostId);
  if (!(await ctx.store.setIfAbsent(guard, 'true', CREATE_GUARD_SECONDS))) {
    throw new AppError(429, GROUP.createTooOften);
  }
  let keys: string[] = [];
  try {
    keys = await ctx.images.store(images, 'group');
    return await ctx.sequelize.transaction(async (transaction) => {
      const group = await Group.create(
        {
          ...fields,
          ...slotColumns([keys[0] ?? null, keys[1] ?? null, keys[2] ?? null]),
          userId: hostId,
          region: regionFromAddress(fields.location),
          timecode: timeSlotFromTime(fields.standbyTime),
          createdAt: now,
        },
        { transaction },
      );
      await Applier.create({ groupId: group.groupId, userId: hostId }, { transaction });
      return group.groupId;
    });
  } catch (err) {
    ctx.images.remove('group', keys);
    // A refused or failed post does not hold the host back.
    await ctx.store.del(guard).catch(() => undefined);
    throw err;
  }
}

/**
 * The rules of an edit, checked before anything is stored and again under the row lock: host
 * only, not once the run has started, a moved start at least six hours ahead (a run that keeps
 * its time can be corrected until it starts), and not fewer seats than applicants.
 */
function assertEditable(
  group: Group,
  hostId: string,
  changes: GroupChanges,
  applicants: number,
  now: Date,
): void {
  if (group.userId !== hostId) throw forbidden(GROUP.notHostUpdate);
  if (hasStarted(group, now)) throw badRequest(GROUP.updateStarted);
  const date = changes.date ?? group.date;
  const standbyTime = changes.standbyTime ?? group.standbyTime;
  const moved = date !== group.date || standbyTime !== group.standbyTime;
  if (moved && !isFarEnoughAhead({ date, standbyTime }, now)) {
    throw badRequest(GROUP.updateTooSoon);
  }
  if (changes.maxPeople !== undefined && changes.maxPeople < applicants) {
    throw conflict(GROUP.maxPeopleBelowApplicants);
  }
}

/** The run, or 404 with the original's message. */
export async function findGroup(
  groupId: string,
  options: Omit<FindOptions<Group>, 'where'> = {},
): Promise<Group> {
  const group = await Group.findByPk(groupId, options);
  if (!group) throw notFound(GROUP.notFound);
  return group;
}

/**
 * Alarms to everyone who applied, the host included, with the title as it was (and, with
 * `waiters`, to the runners on its waitlist).
 */
async function notifyApplicants(
  group: Group,
  category: AlarmCategory,
  transaction: Transaction,
  { now, waiters = false }: { now: Date; waiters?: boolean },
): Promise<void> {
  const appliers = await Applier.findAll({
    attributes: ['userId'],
    where: { groupId: group.groupId },
    transaction,
  });
  const queued = waiters ? await waitersOf(group.groupId, transaction) : [];
  await createAlarms(
    [...appliers.map(({ userId }) => userId), ...queued].map((userId) => ({
      userId,
      category,
      groupId: group.groupId,
      groupTitle: group.title,
    })),
    { transaction, now },
  );
}

/**
 * Refuses an edit of a run that does not exist (404) or is someone else's (403) with one primary
 * key read, before the request's files are read; `updateGroup` checks again under the lock.
 */
export async function assertHost(hostId: string, groupId: string): Promise<void> {
  const group = await findGroup(groupId, { attributes: ['groupId', 'userId'] });
  if (group.userId !== hostId) throw forbidden(GROUP.notHostUpdate);
}

/** An edit of a run: the fields that change, and the images to keep (see `planImageSlots`). */
export interface GroupEdit {
  groupId: string;
  changes: GroupChanges;
  /** What the SPA sends back as `thumbnailUrl`: one value, several, or none. */
  keep: unknown;
}

/**
 * `PATCH /group/:groupId`. `keep` is what the SPA sends back as `thumbnailUrl` (the images to
 * keep); new files fill the free slots. Images no longer used are deleted once the edit is
 * committed; the new ones are deleted if it is not.
 */
export async function updateGroup(
  ctx: Pick<AppContext, 'config' | 'images' | 'now' | 'sequelize'>,
  hostId: string,
  { groupId, changes, keep }: GroupEdit,
  images: PreparedImage[],
): Promise<void> {
  const now = ctx.now();
  const current = await findGroup(groupId);
  assertEditable(current, hostId, changes, await Applier.count({ where: { groupId } }), now);
  // A dry run with placeholder keys: refuses too many images before any is stored.
  planImageSlots(
    ctx.config,
    imageKeys(current),
    keep,
    images.map((_, i) => `pending-${i}`),
  );

  const newKeys = await ctx.images.store(images, 'group');
  try {
    await ctx.sequelize.transaction(async (transaction) => {
      // The run's lock first, then the whole row for the model's update (see `lockRun`).
      await lockRun(ctx.sequelize, groupId, transaction);
      const group = await findGroup(groupId, { transaction });
      const applicants = await Applier.count({ where: { groupId }, transaction });
      assertEditable(group, hostId, changes, applicants, now);
      const plan = planImageSlots(ctx.config, imageKeys(group), keep, newKeys);
      // The alarms carry the title the applicants knew.
      await notifyApplicants(group, 'update', transaction, { now });
      await group.update(
        { ...changes, ...derivedCodes(changes), ...slotColumns(plan.slots) },
        { transaction },
      );
      // More seats: the first waiters take them, in this transaction.
      await promoteWaiters(ctx, group, applicants, transaction);
      await ctx.images.removeOnCommit(ctx.images.pathsOf('group', plan.removed), transaction);
    });
  } catch (err) {
    ctx.images.remove('group', newKeys);
    throw err;
  }
}

/** `DELETE /group/:groupId`: applications, comments and chat go with it (foreign keys). */
export async function deleteGroup(
  ctx: Pick<AppContext, 'images' | 'now' | 'sequelize'>,
  hostId: string,
  groupId: string,
) {
  await ctx.sequelize.transaction(async (transaction) => {
    const run = await lockRun(ctx.sequelize, groupId, transaction);
    if (run.userId !== hostId) throw forbidden(GROUP.notHostDelete);
    const group = await findGroup(groupId, { transaction }); // for its hooks (see `lockRun`)
    // The waiters are told too; their places go with the run (foreign key).
    await notifyApplicants(group, 'delete', transaction, { now: ctx.now(), waiters: true });
    await group.destroy({ transaction });
    await ctx.images.removeOnCommit(ctx.images.pathsOf('group', imageKeys(group)), transaction);
  });
}

/** The run with its host, in one query (404 when it does not exist). */
export async function groupWithHost(groupId: string): Promise<{ group: Group; host: Host }> {
  const found = await selectGroupWithHost(groupId);
  if (!found) throw notFound(GROUP.notFound);
  return found;
}

/** `GET /group/:groupId/route.gpx`: public like the detail page; 404 when there is no run. */
export const GROUP_ROUTE = routeSourceOf(
  { table: 'Groups', key: 'groupId' },
  {
    cache: GROUP_DETAILS.name,
    kind: 'group',
    missing: GROUP.notFound,
  },
);
