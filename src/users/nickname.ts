import { Op } from 'sequelize';
import type { AppContext } from '../lib/context';
import { conflict } from '../lib/errors';
import { User } from '../db/models';
import { USER_MESSAGES } from './messages';
import { nicknameOwner } from './users.queries';

/**
 * Nicknames decide the SPA's edit/delete buttons (it compares them with its own), so they are
 * unique, and a name that merely looks like a taken one is taken too: every nickname is stored
 * in NFC with single spaces, may not hold invisible or control characters, and is compared
 * ignoring case on both backends. The database cannot enforce it (an original database may hold
 * duplicates), so a name is claimed in the key store while it is checked and written: two
 * requests can never take the same free name at once.
 */
export const NICKNAME_MAX = 8;
const FALLBACK_NICKNAME = '러너';
const CLAIM_TTL_SECONDS = 30;

const segmenter = new Intl.Segmenter('ko', { granularity: 'grapheme' });

/** User-perceived characters: a Hangul syllable, an emoji with its modifiers, … */
export function characters(value: string): string[] {
  return Array.from(segmenter.segment(value.normalize('NFC')), (s) => s.segment);
}

/** The stored form of a nickname: NFC (one code point per Hangul syllable), single spaces. */
export function normalizeNickname(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Characters that show nothing, or nothing of their own, and would let `러\u200B너` pass for
 * `러너`: controls, format characters (zero-width spaces and joiners, BOM, bidi marks), private
 * use, lone surrogates, line/paragraph separators, the default-ignorable ones (Hangul fillers,
 * variation selectors, …) and the blank Braille pattern.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/gu;
/** Emoji need two of them: the joiner inside a sequence (👨‍👩‍👧) and the presentation selectors. */
const EMOJI_JOINER =
  /(?<=[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200D(?=\p{Extended_Pictographic})/gu;
const EMOJI_SELECTOR = /(?<=\p{Emoji})[\uFE0E\uFE0F]/gu;
const EMOJI_PART = '\u{F0000}';

/** Whether `value` holds a hidden character outside an emoji. */
export function hasHiddenCharacters(value: string): boolean {
  const visible = value.replace(EMOJI_JOINER, EMOJI_PART).replace(EMOJI_SELECTOR, EMOJI_PART);
  return new RegExp(HIDDEN.source, 'u').test(visible.replaceAll(EMOJI_PART, ''));
}

/** `value` without its hidden characters (emoji keep theirs). */
function withoutHidden(value: string): string {
  return Array.from(segmenter.segment(value), ({ segment }) =>
    hasHiddenCharacters(segment) ? segment.replace(HIDDEN, '') : segment,
  ).join('');
}

/** A provider's nickname, tidied and cut to 8 characters without splitting one. */
export function cutNickname(raw: string | null, max = NICKNAME_MAX): string {
  const tidy = normalizeNickname(withoutHidden((raw ?? '').normalize('NFC')));
  const cut = characters(tidy).slice(0, max).join('').trim();
  return cut || FALLBACK_NICKNAME;
}

type Ctx = Pick<AppContext, 'store' | 'sequelize'>;

/** The claim key: nicknames compare ignoring case, so claims do too. */
const claimKey = (nickname: string) => `nickname:${nickname.normalize('NFC').toLowerCase()}`;

export interface NicknameClaim {
  nickname: string;
  release(): Promise<void>;
}

async function claim(ctx: Ctx, nickname: string): Promise<NicknameClaim | null> {
  if (!(await ctx.store.setIfAbsent(claimKey(nickname), '1', CLAIM_TTL_SECONDS))) return null;
  return { nickname, release: () => ctx.store.del(claimKey(nickname)) };
}

/**
 * Claims `nickname` for `userId` (a rename): 409 when someone else has it or is taking it.
 * Release the claim once the new name is saved.
 */
export async function claimNickname(
  ctx: Ctx,
  nickname: string,
  userId: string,
): Promise<NicknameClaim> {
  const held = await claim(ctx, nickname);
  if (!held) throw conflict(USER_MESSAGES.nicknameTaken);
  const owner = await nicknameOwner(ctx.sequelize, nickname);
  if (owner !== null && owner !== userId) {
    await held.release();
    throw conflict(USER_MESSAGES.nicknameTaken);
  }
  return held;
}

/** `base`, or `base` with a number (`러너2`), kept within 8 characters. */
function candidates(base: string): string[] {
  const list = [base];
  for (let n = 2; n < 100; n += 1)
    list.push(`${cutNickname(base, NICKNAME_MAX - String(n).length)}${n}`);
  return list;
}

/** Claims the first free variant of `base` for a new user. Release it once the user is saved. */
export async function claimFreeNickname(ctx: Ctx, base: string): Promise<NicknameClaim> {
  const list = candidates(base);
  const taken = new Set(
    (await User.findAll({ where: { nickname: { [Op.in]: list } }, attributes: ['nickname'] })).map(
      (u) => u.nickname.normalize('NFC').toLowerCase(),
    ),
  );
  const free = list.filter((n) => !taken.has(n.toLowerCase()));
  // Past 99 namesakes, random numbers.
  for (let i = 0; i < 20; i += 1) {
    free.push(`${cutNickname(base, NICKNAME_MAX - 4)}${1000 + Math.floor(Math.random() * 9000)}`);
  }
  for (const nickname of free) {
    const held = await claim(ctx, nickname);
    if (!held) continue;
    if ((await nicknameOwner(ctx.sequelize, nickname)) === null) return held;
    await held.release();
  }
  throw conflict(USER_MESSAGES.nicknameTaken);
}
