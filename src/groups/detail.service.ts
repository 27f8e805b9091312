import type { Config } from '../config';
import type { AppContext } from '../lib/context';
import { notFound } from '../lib/errors';
import { readThrough } from '../lib/read-cache';
import { successBody } from '../lib/json-text';
import { GROUP_DETAILS, groupDetailKey } from './detail-cache';
import { selectGroupDetail, type GroupDetailRow } from './detail.queries';
import { toDetail } from './groups.mapper';
import { GROUP } from './messages';
import { hostFirst } from './roster';
import { waitlistOf } from './waitlist';

/** What the detail cache keeps of a run: its row, and the guest's body serialized. */
interface SharedDetail {
  row: GroupDetailRow;
  guestBody: string;
}

/** The detail as `viewerId` (null: a guest) sees it at `now`. */
function detailFor(config: Config, row: GroupDetailRow, viewerId: string | null, now: Date) {
  const { group, host, roster, queue } = row;
  const appliers = hostFirst(group, roster);
  return {
    ...toDetail(config, { group, host, appliers, viewerId }, now),
    ...waitlistOf(group, queue, viewerId, now),
  };
}

/**
 * `GET /group/detail/:groupId` as a JSON body: its statements (see `selectGroupDetail`), through
 * the detail cache. Everyone who neither applied nor waits sees the guest's body, sent as it
 * was serialized; an applicant or a waiter gets theirs made from the same cached row.
 */
export async function groupDetailBody(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  groupId: string,
  viewerId: string | null,
): Promise<string> {
  const now = ctx.now();
  const shared = await readThrough(
    ctx.sequelize,
    GROUP_DETAILS.name,
    groupDetailKey(groupId),
    now,
    async (): Promise<SharedDetail | null> => {
      const row = await selectGroupDetail(ctx.sequelize, groupId);
      return row && { row, guestBody: successBody(detailFor(ctx.config, row, null, now)) };
    },
  );
  if (!shared) throw notFound(GROUP.notFound);
  const { row, guestBody } = shared;
  const involved =
    viewerId !== null &&
    (row.queue.includes(viewerId) || row.roster.some((a) => a.userId === viewerId));
  return involved ? successBody(detailFor(ctx.config, row, viewerId, now)) : guestBody;
}
