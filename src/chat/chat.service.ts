import { Op } from 'sequelize';
import { AUTH } from '../auth/messages';
import { Applier, Chat, User } from '../db/models';
import type { AppContext } from '../lib/context';
import { forbidden, unauthorized } from '../lib/errors';
import { toChatMessage, type ChatMessage } from './chat.mapper';
import { CHAT } from './messages';

/** Messages per page: the latest page on joining, then older pages on request. */
export const HISTORY_PAGE_SIZE = 100;

export interface HistoryPage {
  /** Oldest first, as the SPA appends them. */
  messages: ChatMessage[];
  /** The cursor for the next older page, or null when this page reaches the first message. */
  nextCursor: string | null;
}

/** Only the group's applicants (the host applies on creating the group) may use its chat. */
async function isMember(groupId: string, userId: string): Promise<boolean> {
  return (await Applier.count({ where: { groupId, userId } })) > 0;
}

async function assertMember(groupId: string, userId: string): Promise<void> {
  if (!(await isMember(groupId, userId))) throw forbidden(CHAT.notMember);
}

/**
 * A page of the group's messages before `before` (a chatId), or the latest page. Ordered by
 * chatId, which follows insertion, on the (groupId, chatId) index; one row more than a page tells
 * whether an older page exists.
 */
async function readPage(
  ctx: Pick<AppContext, 'config'>,
  groupId: string,
  before: number | null,
): Promise<HistoryPage> {
  const rows = await Chat.findAll({
    where: before === null ? { groupId } : { groupId, chatId: { [Op.lt]: before } },
    order: [['chatId', 'DESC']],
    limit: HISTORY_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, HISTORY_PAGE_SIZE).reverse();
  return {
    messages: page.map((chat) => toChatMessage(ctx.config, chat)),
    nextCursor: rows.length > HISTORY_PAGE_SIZE ? String(page[0].chatId) : null,
  };
}

export interface Room {
  join(): Promise<void> | void;
  leave(): Promise<void> | void;
}

/**
 * Lets a member into the group's room, then reads the latest page. Joining before reading means
 * a message sent in between is either in the page or arrives live: never lost. Membership is
 * checked again once in the room (beside the read): a cancellation committed between the first
 * check and the join announced itself before there was anything to leave, so it is caught here.
 */
export async function enterRoom(
  ctx: Pick<AppContext, 'config'>,
  groupId: string,
  userId: string,
  room: Room,
): Promise<HistoryPage> {
  await assertMember(groupId, userId);
  await room.join();
  const [stillMember, page] = await Promise.all([
    isMember(groupId, userId),
    readPage(ctx, groupId, null),
  ]);
  if (!stillMember) {
    await room.leave();
    throw forbidden(CHAT.notMember);
  }
  return page;
}

/** An older page for a member. */
export async function readHistory(
  ctx: Pick<AppContext, 'config'>,
  groupId: string,
  userId: string,
  before: number,
): Promise<HistoryPage> {
  await assertMember(groupId, userId);
  return readPage(ctx, groupId, before);
}

/** The signed-in user still exists (an account deleted since the token was issued is refused). */
export async function assertUser(userId: string): Promise<void> {
  if ((await User.count({ where: { userId } })) === 0) throw unauthorized(AUTH.tokenInvalid);
}

/**
 * Stores a member's message with the sender's current nickname and picture (a snapshot, as the
 * original kept) and returns it as it is to be broadcast: nothing is shown that is not stored.
 */
export async function postMessage(
  ctx: Pick<AppContext, 'config' | 'now'>,
  groupId: string,
  userId: string,
  message: string,
): Promise<ChatMessage> {
  const [user] = await Promise.all([
    User.findByPk(userId, { attributes: ['nickname', 'profileUrl'] }),
    assertMember(groupId, userId),
  ]);
  if (!user) throw unauthorized(AUTH.tokenInvalid);
  // Whole seconds: MySQL DATETIME keeps no fraction, so the broadcast time equals the stored one.
  const createdAt = new Date(Math.floor(ctx.now().getTime() / 1000) * 1000);
  const chat = await Chat.create({
    groupId,
    userId,
    nickname: user.nickname,
    profileUrl: user.profileUrl,
    message,
    createdAt,
  });
  return toChatMessage(ctx.config, chat);
}
