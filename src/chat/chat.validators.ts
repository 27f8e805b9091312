import { badRequest, forbidden } from '../lib/errors';
import { CHAT, MESSAGE_MAX_LENGTH } from './messages';

/**
 * Socket event arguments arrive as whatever the client sent (any JSON value, or a function for
 * an acknowledgement), so each one is checked and narrowed here before a service sees it.
 */

const GROUP_ID_MAX_LENGTH = 150;
/** `Users.userId` is a VARCHAR(150). */
const USER_ID_MAX_LENGTH = 150;

export function parseGroupId(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > GROUP_ID_MAX_LENGTH) {
    throw badRequest(CHAT.badGroup);
  }
  return value;
}

/** The userId a client without a token names in an event (legacy mode). */
export function parseUserId(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > USER_ID_MAX_LENGTH) {
    throw forbidden(CHAT.wrongUser);
  }
  return value;
}

/** A history cursor: the `chatId` of the oldest message the client holds (string or number). */
export function parseCursor(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text)) throw badRequest(CHAT.badCursor);
  const cursor = Number(text);
  if (!Number.isSafeInteger(cursor)) throw badRequest(CHAT.badCursor);
  return cursor;
}

/** The message, trimmed; blank ones are refused and the limit counts characters, not bytes. */
export function parseMessage(value: unknown): string {
  const message = typeof value === 'string' ? value.trim() : '';
  if (message === '') throw badRequest(CHAT.messageMissing);
  if ([...message].length > MESSAGE_MAX_LENGTH) throw badRequest(CHAT.messageTooLong);
  return message;
}
