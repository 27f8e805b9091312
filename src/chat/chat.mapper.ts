import type { Config } from '../config';
import type { Chat } from '../db/models';
import { avatarUrl } from '../uploads';

/**
 * One chat message as the SPA reads it (`userId`, `nickname`, `profileUrl`, `message`), with the
 * original's `chatId` and `groupId` (the history cursor is a `chatId`), and `createdAt` as an
 * ISO 8601 instant (UTC) so each client renders it in its own clock and format; a live chat's
 * relative strings ("3분 전") would go stale. Messages stored by the original have no time: null.
 * The picture is the one stored with the message, as a URL of this server's configuration.
 */
export interface ChatMessage {
  chatId: string;
  groupId: string;
  userId: string;
  nickname: string;
  profileUrl: string;
  message: string;
  createdAt: string | null;
}

export function toChatMessage(
  config: Pick<Config, 'images' | 'publicUrl'>,
  chat: Chat,
): ChatMessage {
  return {
    chatId: String(chat.chatId),
    groupId: chat.groupId,
    userId: chat.userId,
    nickname: chat.nickname,
    profileUrl: avatarUrl(config, chat.profileUrl),
    message: chat.message,
    createdAt: chat.createdAt ? chat.createdAt.toISOString() : null,
  };
}
