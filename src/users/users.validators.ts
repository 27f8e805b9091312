import type { Request } from 'express';
import { body, matchedData } from 'express-validator';
import { userLevelFromInput, type UserLevel } from '../lib/labels';
import { normalizeMobile } from '../lib/phone';
import { validated } from '../lib/validation';
import { USER_MESSAGES } from './messages';
import type { PhoneVerification } from './phone-verification.service';
import type { Preferences, ProfileForm } from './profile.service';
import { characters, hasHiddenCharacters, NICKNAME_MAX, normalizeNickname } from './nickname';

/**
 * What the SPA sends for "no value" in its multipart profile form: it appends whatever its state
 * holds, so a missing code arrives as "null" or "undefined". Such a field is left unchanged.
 */
export function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && ['', 'null', 'undefined'].includes(value.trim()))
  );
}

const isText = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

export const isLocationCode = (value: unknown) => isText(value) && /^[1-9]$/.test(String(value));
export const isDistanceCode = (value: unknown) => isText(value) && /^[0-4]$/.test(String(value));

/**
 * Grapheme segmentation takes time growing with the square of the length in V8 (a 200 kB
 * nickname held a request for half a minute). Eight characters, even emoji with modifiers, fit
 * well within this many UTF-16 units, so anything longer is refused before segmenting.
 */
const NICKNAME_MAX_UNITS = NICKNAME_MAX * 32;

export function isNickname(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const nickname = normalizeNickname(value);
  if (nickname.length > NICKNAME_MAX_UNITS) return false;
  const length = characters(nickname).length;
  return length >= 1 && length <= NICKNAME_MAX;
}

/** `true`/`false` as booleans or as the strings a form sends. */
export function parseFlag(value: unknown): boolean | null {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return null;
}

/** The validated body fields (absent optional ones as undefined). */
const fields = (req: Request): Record<string, unknown> =>
  matchedData(req, { includeOptionals: true, locations: ['body'] });

/** `GET /auth/info/:userId`: whose profile. */
export const getProfileInput = validated([], (req) => ({
  userId: String(req.params.userId),
}));

/** The first-login survey: every field required (JSON numbers or strings). */
export const patchPreferencesInput = validated(
  [
    body('likeLocation').custom(isLocationCode).withMessage(USER_MESSAGES.likeLocation),
    body('likeDistance').custom(isDistanceCode).withMessage(USER_MESSAGES.likeDistance),
    body('userLevel')
      .custom((v) => userLevelFromInput(v) !== null)
      .withMessage(USER_MESSAGES.userLevel),
  ],
  (req): Preferences => {
    const data = fields(req);
    return {
      likeLocation: String(data.likeLocation),
      likeDistance: String(data.likeDistance),
      userLevel: userLevelFromInput(data.userLevel) as UserLevel,
    };
  },
);

const unlessBlank = (check: (value: unknown) => boolean) => (value: unknown) =>
  isBlank(value) || check(value);

function profileForm(req: Request): ProfileForm {
  const data = fields(req);
  const form: ProfileForm = {};
  if (typeof data.nickname === 'string') form.nickname = data.nickname;
  if (data.bio !== undefined) form.bio = typeof data.bio === 'string' ? data.bio : null;
  if (!isBlank(data.likeLocation)) form.likeLocation = String(data.likeLocation);
  if (!isBlank(data.likeDistance)) form.likeDistance = String(data.likeDistance);
  if (!isBlank(data.userLevel)) form.userLevel = userLevelFromInput(data.userLevel) ?? undefined;
  if (!isBlank(data.agreeSMS)) form.agreeSMS = parseFlag(data.agreeSMS) ?? undefined;
  return form;
}

/** The profile form: every field optional; present ones must be valid. */
export const patchProfileInput = validated(
  [
    body('nickname')
      .optional()
      .custom(isNickname)
      .withMessage(USER_MESSAGES.nicknameLength)
      .bail()
      .custom((v: string) => !hasHiddenCharacters(v))
      .withMessage(USER_MESSAGES.nicknameCharacters),
    body('bio')
      .optional({ values: 'null' })
      .custom((v) => typeof v === 'string' && [...v].length <= 255)
      .withMessage(USER_MESSAGES.bioLength),
    body('likeLocation')
      .custom(unlessBlank(isLocationCode))
      .withMessage(USER_MESSAGES.likeLocation),
    body('likeDistance')
      .custom(unlessBlank(isDistanceCode))
      .withMessage(USER_MESSAGES.likeDistance),
    body('userLevel')
      .custom(unlessBlank((v) => userLevelFromInput(v) !== null))
      .withMessage(USER_MESSAGES.userLevel),
    body('agreeSMS')
      .custom(unlessBlank((v) => parseFlag(v) !== null))
      .withMessage(USER_MESSAGES.agreeSMS),
  ],
  profileForm,
);

const telRule = () =>
  body('tel')
    .custom((v) => typeof v === 'string' && normalizeMobile(v) !== null)
    .withMessage(USER_MESSAGES.telInvalid);

/** The validated number in its stored form (digits only). */
const telOf = (req: Request): string => normalizeMobile(String(fields(req).tel)) as string;

/** `POST /user/message {tel}`. */
export const postVerificationCodeInput = validated([telRule()], (req) => ({ tel: telOf(req) }));

/** `POST /user/verify {tel, code}`. */
export const postVerificationInput = validated(
  [
    telRule(),
    body('code')
      .custom((v) => isText(v) && /^\d{6}$/.test(String(v)))
      .withMessage(USER_MESSAGES.codeFormat),
  ],
  (req): PhoneVerification => ({ tel: telOf(req), code: String(fields(req).code) }),
);
