import crypto from 'node:crypto';
import type { AppContext } from '../lib/context';
import { AppError, badRequest } from '../lib/errors';
import { SmsError } from '../sms';
import { USER_MESSAGES } from './messages';
import { User } from '../db/models';

/**
 * Phone verification by SMS. A code is bound to the user and to the number it was sent to,
 * expires (PHONE_CODE_TTL, 3 minutes) and dies after PHONE_CODE_MAX_ATTEMPTS wrong tries.
 * Sending is limited within SMS_SEND_WINDOW, because every text costs money and lands on
 * someone's phone: per user (SMS_SENDS_PER_USER), per user and number (SMS_SENDS_PER_NUMBER),
 * and per number by the count of different users asking for it (SMS_USERS_PER_NUMBER).
 *
 * The per-number allowance is counted per user so that a stranger who spends theirs on someone
 * else's number does not lock its owner out of verifying; the cap on different users keeps a
 * number from being bombed through many accounts. The users within the cap keep their own
 * allowance however many others are refused. The trade-off: someone with SMS_USERS_PER_NUMBER
 * accounts (each a Kakao/Naver login, each also held by the per-IP limit) can still keep a
 * newcomer off that number until the window ends.
 *
 * The key store holds only keyed fingerprints of numbers and codes, never either in clear.
 */
type Ctx = Pick<AppContext, 'config' | 'store' | 'now'>;
/** What sending and checking codes run on: the key store, the SMS sender, the phone cipher. */
type PhoneCtx = Pick<AppContext, 'config' | 'store' | 'now' | 'sms' | 'phones'>;

interface PendingCode {
  /** Fingerprint of the number the code went to. */
  tel: string;
  /** Fingerprint of the user and the code. */
  code: string;
  /** Epoch ms by the app clock; the key's own expiry is the same span by the store's clock. */
  exp: number;
}

const codeKey = (userId: string) => `phone-code:${userId}`;
const attemptsKey = (userId: string) => `phone-code-attempts:${userId}`;
const userSendsKey = (userId: string) => `sms-sends:user:${userId}`;
const userNumberSendsKey = (userId: string, fingerprint: string) =>
  `sms-sends:user-tel:${userId}:${fingerprint}`;
/** The users asking for one number: how many so far, and each one's place in that count. */
const requestersKey = (fingerprint: string) => `sms-requesters:${fingerprint}`;
const requesterKey = (fingerprint: string, userId: string) =>
  `sms-requesters:${fingerprint}:${userId}`;

export const smsCodeText = (code: string) => `이런저런 인증번호는 [${code}] 입니다.`;

const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** Counts one send against a limit; 429 naming the wait once the limit is passed. */
async function countSend(ctx: Ctx, key: string, limit: number): Promise<void> {
  const window = ctx.config.phone.sendWindowSeconds;
  const sent = await ctx.store.increment(key, window);
  if (sent <= limit) return;
  const wait = (await ctx.store.ttl(key)) ?? window;
  throw new AppError(429, USER_MESSAGES.tooManySends(minutesOf(wait)));
}

/**
 * Admits `userId` among the users asking for the number within the window: the first ones up to
 * the cap, in order of their first request; 429 for the others until their place expires. Only a
 * user's first request takes a place, so repeating it (or a refused user) never pushes anyone out.
 */
async function admitRequester(ctx: Ctx, fingerprint: string, userId: string): Promise<void> {
  const window = ctx.config.phone.sendWindowSeconds;
  const mine = requesterKey(fingerprint, userId);
  let place: number;
  if (await ctx.store.setIfAbsent(mine, '0', window)) {
    place = await ctx.store.increment(requestersKey(fingerprint), window);
    await ctx.store.set(mine, String(place), window);
  } else {
    // '0' while this user's first request is still being placed.
    place = Number(await ctx.store.get(mine));
  }
  if (place <= ctx.config.phone.usersPerNumber) return;
  const wait = (await ctx.store.ttl(mine)) ?? window;
  throw new AppError(429, USER_MESSAGES.numberBusy(minutesOf(wait)));
}

/** Sends a new code to `tel` (digits only); it replaces any earlier code of the user. */
export async function sendVerificationCode(
  ctx: PhoneCtx,
  userId: string,
  { tel }: { tel: string },
): Promise<void> {
  const settings = ctx.config.phone;
  const number = ctx.phones.fingerprint(tel);
  await countSend(ctx, userSendsKey(userId), settings.sendsPerUser);
  await admitRequester(ctx, number, userId);
  await countSend(ctx, userNumberSendsKey(userId, number), settings.sendsPerNumber);

  const code = String(crypto.randomInt(100_000, 1_000_000));
  const pending: PendingCode = {
    tel: number,
    code: ctx.phones.fingerprint(`${userId}:${code}`),
    exp: ctx.now().getTime() + settings.codeTtlSeconds * 1000,
  };
  // Stored before sending, so the code works the moment the text arrives.
  await ctx.store.set(codeKey(userId), JSON.stringify(pending), settings.codeTtlSeconds);
  await ctx.store.del(attemptsKey(userId));
  try {
    await ctx.sms.send({ to: tel, content: smsCodeText(code), code });
  } catch (err) {
    await ctx.store.del(codeKey(userId));
    if (err instanceof SmsError) throw new AppError(502, USER_MESSAGES.codeNotSent);
    throw err;
  }
}

async function pendingCode(ctx: Ctx, userId: string): Promise<PendingCode | null> {
  const raw = await ctx.store.get(codeKey(userId));
  if (!raw) return null;
  const pending = JSON.parse(raw) as PendingCode;
  return pending.exp > ctx.now().getTime() ? pending : null;
}

/** The number (digits only) and the code texted to it. */
export interface PhoneVerification {
  tel: string;
  code: string;
}

/** Checks the code sent to `tel` and, when it matches, stores the number as verified. */
export async function verifyPhone(
  ctx: PhoneCtx,
  userId: string,
  { tel, code }: PhoneVerification,
): Promise<void> {
  const { maxAttempts, codeTtlSeconds } = ctx.config.phone;
  const pending = await pendingCode(ctx, userId);
  if (!pending) throw badRequest(USER_MESSAGES.codeMissing);

  const attempts = await ctx.store.increment(attemptsKey(userId), codeTtlSeconds);
  const matches =
    attempts <= maxAttempts &&
    pending.tel === ctx.phones.fingerprint(tel) &&
    pending.code === ctx.phones.fingerprint(`${userId}:${code}`);
  if (!matches) {
    if (attempts < maxAttempts) throw badRequest(USER_MESSAGES.wrongCode);
    // That was the last try: the code is void, a new one must be requested.
    await ctx.store.del(codeKey(userId));
    throw new AppError(429, USER_MESSAGES.tooManyAttempts(maxAttempts));
  }

  await User.update({ phone: ctx.phones.encrypt(tel) }, { where: { userId } });
  await ctx.store.del(codeKey(userId));
  await ctx.store.del(attemptsKey(userId));
}
