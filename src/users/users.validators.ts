import { body } from 'express-validator';
import { userLevelFromInput } from '../lib/labels';
import { normalizeMobile } from '../lib/phone';
import { validate } from '../lib/validation';
import { USER_MESSAGES } from './messages';
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

/** The first-login survey: every field required (JSON numbers or strings). */
export const validatePreferences = validate([
  body('likeLocation').custom(isLocationCode).withMessage(USER_MESSAGES.likeLocation),
  body('likeDistance').custom(isDistanceCode).withMessage(USER_MESSAGES.likeDistance),
  body('userLevel')
    .custom((v) => userLevelFromInput(v) !== null)
    .withMessage(USER_MESSAGES.userLevel),
]);

const unlessBlank = (check: (value: unknown) => boolean) => (value: unknown) =>
  isBlank(value) || check(value);

/** The profile form: every field optional; present ones must be valid. */
export const validateProfile = validate([
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
  body('likeLocation').custom(unlessBlank(isLocationCode)).withMessage(USER_MESSAGES.likeLocation),
  body('likeDistance').custom(unlessBlank(isDistanceCode)).withMessage(USER_MESSAGES.likeDistance),
  body('userLevel')
    .custom(unlessBlank((v) => userLevelFromInput(v) !== null))
    .withMessage(USER_MESSAGES.userLevel),
  body('agreeSMS')
    .custom(unlessBlank((v) => parseFlag(v) !== null))
    .withMessage(USER_MESSAGES.agreeSMS),
]);

const telRule = () =>
  body('tel')
    .custom((v) => typeof v === 'string' && normalizeMobile(v) !== null)
    .withMessage(USER_MESSAGES.telInvalid);

export const validateTel = validate([telRule()]);

export const validateVerification = validate([
  telRule(),
  body('code')
    .custom((v) => isText(v) && /^\d{6}$/.test(String(v)))
    .withMessage(USER_MESSAGES.codeFormat),
]);
