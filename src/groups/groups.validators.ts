import type { Request, RequestHandler } from 'express';
import { body, matchedData, type ValidationChain } from 'express-validator';
import { THEMES } from '../lib/codes';
import { validated } from '../lib/validation';
import { isCalendarDate, normalizeTime } from '../lib/time';
import type { Evaluation } from './evaluation.service';
import type { GroupChanges, GroupFields } from './groups.service';
import { parseListQuery } from './list-query';
import { GROUP } from './messages';

/**
 * Post fields arrive as multipart text (numbers too); a JSON client may send numbers. Anything
 * else (a repeated field, an object) is refused with the field's "missing" message.
 */
const isScalar = (value: unknown) =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
const asText = (value: unknown) => String(value).trim();

/**
 * A field of the post, a number or a non-blank text (trimmed): required on create, optional
 * (absent = unchanged) on edit. A repeated field or an object gets the "missing" message.
 */
function field(name: string, required: boolean, missing: string): ValidationChain {
  const chain = body(name)
    .custom(isScalar)
    .withMessage(missing)
    .bail()
    .customSanitizer(asText)
    .notEmpty()
    .withMessage(missing)
    .bail();
  return required ? chain : chain.optional();
}

const boundedText = (
  name: string,
  required: boolean,
  messages: { missing: string; tooLong: string },
  max: number,
) => field(name, required, messages.missing).isLength({ max }).withMessage(messages.tooLong);

/** A field stored in a normal form (times, the route): `normalize` answers null when invalid. */
const normalized = (
  name: string,
  required: boolean,
  messages: { missing: string; invalid: string },
  normalize: (value: string) => string | null,
) =>
  field(name, required, messages.missing)
    .customSanitizer(normalize)
    .custom((v) => v !== null)
    .withMessage(messages.invalid);

/**
 * The meeting time. The SPA's picker writes 12 PM as `24:mm` (it adds 12 to every PM hour),
 * which can only mean noon; anything else must be a time of day. Stored as `HH:mm:ss`.
 */
export function meetingTime(value: string): string | null {
  const noon = /^24:(\d{2}(?::\d{2})?)$/.exec(value);
  return normalizeTime(noon ? `12:${noon[1]}` : value);
}

/**
 * The route: a JSON array of at least one `{lat, lng}` point (the detail page reads the first
 * one), stored re-serialised with only those two fields, within a MySQL TEXT column.
 */
export function normalizeRoute(value: string): string | null {
  let points: unknown;
  try {
    points = JSON.parse(value);
  } catch {
    return null;
  }
  if (!Array.isArray(points) || points.length === 0) return null;
  const route: Array<{ lat: number; lng: number }> = [];
  for (const point of points) {
    const { lat, lng } = (point ?? {}) as { lat?: unknown; lng?: unknown };
    if (typeof lat !== 'number' || typeof lng !== 'number') return null;
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
    route.push({ lat, lng });
  }
  const text = JSON.stringify(route);
  return text.length <= 65_535 ? text : null;
}

const CONTENT_MAX_LENGTH = 10_000;

/** Optional free text; '' is kept as the SPA sent it. */
const freeText = (name: string, max: number) =>
  body(name)
    .optional()
    .custom(isScalar)
    .withMessage(GROUP.textTooLong)
    .bail()
    .customSanitizer((v: unknown) => String(v))
    .isLength({ max })
    .withMessage(GROUP.textTooLong);

/** The post's fields in the original's order (its messages first, ours after). */
function postRules(required: boolean): ValidationChain[] {
  return [
    field('title', required, GROUP.titleMissing)
      .isLength({ min: 3 })
      .withMessage(GROUP.titleTooShort)
      .bail()
      .isLength({ max: 150 })
      .withMessage(GROUP.titleTooLong),
    field('maxPeople', required, GROUP.maxPeopleMissing)
      .isNumeric()
      .withMessage(GROUP.maxPeopleNotNumber)
      .bail()
      .isInt({ min: 2, max: 20 })
      .withMessage(GROUP.maxPeopleRange)
      .toInt(),
    field('date', required, GROUP.badDate).custom(isCalendarDate).withMessage(GROUP.badDate),
    normalized(
      'standbyTime',
      required,
      { missing: GROUP.standbyTimeMissing, invalid: GROUP.badStandbyTime },
      meetingTime,
    ),
    normalized(
      'finishTime',
      required,
      { missing: GROUP.finishTimeMissing, invalid: GROUP.badFinishTime },
      normalizeTime,
    ),
    field('distance', required, GROUP.distanceMissing)
      .isFloat({ min: 0, max: 1000 })
      .withMessage(GROUP.badDistance)
      .toFloat(),
    boundedText(
      'speed',
      required,
      { missing: GROUP.speedMissing, tooLong: GROUP.speedTooLong },
      50,
    ),
    boundedText(
      'location',
      required,
      { missing: GROUP.locationMissing, tooLong: GROUP.locationTooLong },
      200,
    ),
    normalized(
      'mapLatLng',
      required,
      { missing: GROUP.mapLatLngMissing, invalid: GROUP.badMapLatLng },
      normalizeRoute,
    ),
    field('thema', required, GROUP.themaMissing).isIn(THEMES).withMessage(GROUP.badThema),
    freeText('parking', 255),
    freeText('baggage', 255),
    freeText('content', CONTENT_MAX_LENGTH),
    // Rendered as a link by the SPA: only web addresses, never `javascript:` and the like.
    freeText('chattingRoom', 255)
      .bail()
      .customSanitizer((v: string) => v.trim())
      .custom((v: string) => v === '' || /^https?:\/\/\S+$/i.test(v))
      .withMessage(GROUP.badChattingRoom),
  ];
}

const FIELD_NAMES = [
  'title',
  'maxPeople',
  'date',
  'standbyTime',
  'finishTime',
  'distance',
  'speed',
  'location',
  'mapLatLng',
  'thema',
  'parking',
  'baggage',
  'content',
  'chattingRoom',
] as const satisfies ReadonlyArray<keyof GroupFields>;

/**
 * On edit the SPA sends `startTime`/`finishTime` as the string "undefined" (and would send any
 * unset field that way): such a field means "unchanged", like an absent one.
 */
export const dropUndefinedFields: RequestHandler = (req, _res, next) => {
  const fields = req.body as Record<string, unknown> | undefined;
  for (const name of FIELD_NAMES) {
    if (fields?.[name] === 'undefined') delete fields[name];
  }
  next();
};

/** The validated fields present in the request. */
function groupChanges(req: Request): GroupChanges {
  const data = matchedData(req, { locations: ['body'] });
  const changes: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    if (data[name] !== undefined) changes[name] = data[name];
  }
  return changes as GroupChanges;
}

const groupIdOf = (req: Request) => String(req.params.groupId);

/** Routes whose only input is the run in the path. */
const byGroupId = () => validated([], (req) => ({ groupId: groupIdOf(req) }));

export const getGroupDetailInput = byGroupId();
export const removeGroupInput = byGroupId();
export const postApplicationInput = byGroupId();
export const postWaitlistInput = byGroupId();
export const getAttendanceInput = byGroupId();
export const getEvaluationInput = byGroupId();
export const getGroupGpxInput = byGroupId();

/** `GET /group/:category`: the list and its query string, parsed once (see list-query.ts). */
export const getGroupsInput = validated([], (req) =>
  parseListQuery(String(req.params.category), req.query as Record<string, unknown>),
);

/** A new post: every required field is there; the optional ones default. */
export const postGroupInput = validated(
  postRules(true),
  (req): GroupFields =>
    ({
      parking: null,
      baggage: null,
      content: null,
      chattingRoom: '',
      ...groupChanges(req),
    }) as GroupFields,
);

/**
 * An edit: the fields present, and `thumbnailUrl`, what the SPA sends back for the images to
 * keep (one value or several; checked against the post's own images by the service).
 */
export const patchGroupInput = validated(postRules(false), (req) => ({
  groupId: groupIdOf(req),
  changes: groupChanges(req),
  keep: (req.body as { thumbnailUrl?: unknown } | undefined)?.thumbnailUrl,
}));

/** `{ attendance: [indexes] }`: whole numbers, possibly none (nobody came). */
const attendanceRules = [
  body('attendance')
    .custom(
      (v: unknown) =>
        Array.isArray(v) &&
        v.length <= 100 &&
        v.every((i) => (typeof i === 'number' || /^\d{1,3}$/.test(String(i))) && Number(i) >= 0),
    )
    .withMessage(GROUP.attendanceFailed)
    .bail()
    .custom((v: unknown[]) => v.every((i) => Number.isInteger(Number(i))))
    .withMessage(GROUP.attendanceFailed),
];

export const patchAttendanceInput = validated(attendanceRules, (req) => ({
  groupId: groupIdOf(req),
  indexes: (matchedData(req, { locations: ['body'] }).attendance as unknown[]).map(Number),
}));

const POSITIVE = [1, 2, 3, 4, 5];
const NEGATIVE = [6, 7, 8, 9, 10];
const asInteger = (v: unknown) =>
  typeof v === 'number' || (typeof v === 'string' && /^-?\d{1,2}$/.test(v)) ? Number(v) : NaN;

/**
 * `{ point, evaluationCategory, hostId }`: point ±1, a category whose sign matches it (the SPA
 * omits the category when none was picked), and the host's id, which must be the run's.
 */
const evaluationRules = [
  body('point')
    .custom((v) => [1, -1].includes(asInteger(v)))
    .withMessage(GROUP.badPoint),
  body('evaluationCategory')
    .exists({ values: 'null' })
    .withMessage(GROUP.categoryMissing)
    .bail()
    .custom((v) => [...POSITIVE, ...NEGATIVE].includes(asInteger(v)))
    .withMessage(GROUP.categoryMissing)
    .bail()
    .custom((v, { req }) =>
      (asInteger(req.body.point) === 1 ? POSITIVE : NEGATIVE).includes(asInteger(v)),
    )
    .withMessage(GROUP.badCategoryForPoint),
  body('hostId').optional().isString().withMessage(GROUP.wrongHost),
];

export const patchEvaluationInput = validated(evaluationRules, (req) => {
  const { point, evaluationCategory, hostId } = matchedData(req, { locations: ['body'] });
  const evaluation: Evaluation = {
    point: asInteger(point) === 1 ? 1 : -1,
    category: asInteger(evaluationCategory),
    ...(typeof hostId === 'string' && { claimedHostId: hostId }),
  };
  return { groupId: groupIdOf(req), evaluation };
});
