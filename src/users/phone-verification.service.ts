import crypto from 'node:crypto';
import type { AppContext } from '../lib/context';
import { AppError, badRequest } from '../lib/errors';
import type { PhoneCipher } from '../lib/phone-cipher';
import { SmsError, type SmsSender } from '../sms';
import { USER_MESSAGES } from './messages';
import { User } from './user.model';

/**
 * Phone verification by SMS. A code is bound to the user and to the number it was sent to,
 * expires (PHONE_CODE_TTL, 3 minutes), dies after PHONE_CODE_MAX_ATTEMPTS wrong tries, and
 * sending is limited per user and per number within SMS_SEND_WINDOW, because every text costs
 * money. The key store holds only keyed fingerprints of numbers and codes, never either in clear.
 */
export interface PhoneDeps {
  sms: SmsSender;
  phones: PhoneCipher;
}

type Ctx = Pick<AppContext, 'config' | 'store' | 'now'>;

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
const numberSendsKey = (fingerprint: string) => `sms-sends:tel:${fingerprint}`;

export const smsCodeText = (code: string) => `이런저런 인증번호는 [${code}] 입니다.`;

/** Counts one send against a limit; 429 naming the wait once the limit is passed. */
async function countSend(ctx: Ctx, key: string, limit: number): Promise<void> {
  const window = ctx.config.phone.sendWindowSeconds;
  const sent = await ctx.store.increment(key, window);
  if (sent <= limit) return;
  const wait = (await ctx.store.ttl(key)) ?? window;
  throw new AppError(429, USER_MESSAGES.tooManySends(Math.max(1, Math.ceil(wait / 60))));
}

/** Sends a new code to `tel` (digits only); it replaces any earlier code of the user. */
export async function sendVerificationCode(
  ctx: Ctx,
  deps: PhoneDeps,
  userId: string,
  tel: string,
): Promise<void> {
  const settings = ctx.config.phone;
  await countSend(ctx, userSendsKey(userId), settings.sendsPerUser);
  await countSend(ctx, numberSendsKey(deps.phones.fingerprint(tel)), settings.sendsPerNumber);

  const code = String(crypto.randomInt(100_000, 1_000_000));
  const pending: PendingCode = {
    tel: deps.phones.fingerprint(tel),
    code: deps.phones.fingerprint(`${userId}:${code}`),
    exp: ctx.now().getTime() + settings.codeTtlSeconds * 1000,
  };
  // Stored before sending, so the code works the moment the text arrives.
  await ctx.store.set(codeKey(userId), JSON.stringify(pending), settings.codeTtlSeconds);
  await ctx.store.del(attemptsKey(userId));
  try {
    await deps.sms.send({ to: tel, content: smsCodeText(code) });
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

/** Checks the code sent to `tel` and, when it matches, stores the number as verified. */
export async function verifyPhone(
  ctx: Ctx,
  deps: PhoneDeps,
  userId: string,
  tel: string,
  code: string,
): Promise<void> {
  const { maxAttempts, codeTtlSeconds } = ctx.config.phone;
  const pending = await pendingCode(ctx, userId);
  if (!pending) throw badRequest(USER_MESSAGES.codeMissing);

  const attempts = await ctx.store.increment(attemptsKey(userId), codeTtlSeconds);
  const matches =
    attempts <= maxAttempts &&
    pending.tel === deps.phones.fingerprint(tel) &&
    pending.code === deps.phones.fingerprint(`${userId}:${code}`);
  if (!matches) {
    if (attempts < maxAttempts) throw badRequest(USER_MESSAGES.wrongCode);
    // That was the last try: the code is void, a new one must be requested.
    await ctx.store.del(codeKey(userId));
    throw new AppError(429, USER_MESSAGES.tooManyAttempts(maxAttempts));
  }

  await User.update({ phone: deps.phones.encrypt(tel) }, { where: { userId } });
  await ctx.store.del(codeKey(userId));
  await ctx.store.del(attemptsKey(userId));
}
