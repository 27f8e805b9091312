import type { OpenAPIV3_1 } from 'openapi-types';
import {
  arrayOf,
  boolean,
  integer,
  nullableString,
  object,
  ref,
  sharedSchemas,
  string,
} from '../docs/components';
import { imageFiles, multipartBody, theme } from '../docs/operations';
import { GROUP as M } from './messages';

/**
 * Request and response shapes of `/group` (the card and the detail are shared:
 * docs/components.ts).
 */

const card = sharedSchemas.GroupCard;

/** The card with one more field (the profile lists add the owner's own state). */
export function cardWith(name: string, schema: OpenAPIV3_1.SchemaObject, description: string) {
  return {
    ...card,
    description,
    required: [...(card.required ?? []), name],
    properties: { ...card.properties, [name]: schema },
  } satisfies OpenAPIV3_1.SchemaObject;
}

const listOf = (item: OpenAPIV3_1.ReferenceObject, withPreferences = false) =>
  object(
    {
      success: { const: true },
      data: arrayOf(item),
      ...(withPreferences && {
        preferData: object({
          likeLocation: nullableString('Display label of the preferred region'),
          likeDistance: string('Display label of the preferred distance, `미정` when none'),
        }),
      }),
    },
    [],
  );

const runner = object({ nickname: string(), profileUrl: string() });

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  GroupCardHosted: cardWith(
    'attendance',
    boolean('Whether the host submitted the attendance sheet (false for other viewers)'),
    'A card of `/group/mypage`.',
  ),
  GroupCardCompleted: cardWith(
    'evaluation',
    integer('How the owner rated the host: 0 not yet, 1..10 the category (0 for others)'),
    'A card of `/group/complete`.',
  ),
  GroupList: listOf(ref('GroupCard')),
  PreferredGroupList: listOf(ref('GroupCard'), true),
  HostedGroupList: listOf(ref('GroupCardHosted')),
  CompletedGroupList: listOf(ref('GroupCardCompleted')),
  AttendanceSheet: object({
    success: { const: true },
    groupInfo: object({
      title: string(),
      date: string(),
      maxPeople: integer(),
      user: object({ userId: string(), nickname: string(), profileUrl: string() }),
      attendanceCount: string('Applicants over seats, e.g. `4/10`'),
    }),
    applyUser: arrayOf(
      object({
        applyId: string(),
        groupId: string(),
        userId: string(),
        attendance: boolean(),
        user: runner,
      }),
      'The runners (the host is not on the sheet); `PATCH` names them by index in this array',
    ),
  }),
  HostToEvaluate: object({
    success: { const: true },
    hostUser: object({
      groupId: string(),
      title: string(),
      date: string('Display date and time'),
      user: object({ userId: string(), nickname: string(), profileUrl: string() }),
    }),
  }),
  Application: object({
    success: { const: true },
    message: { enum: [M.applied, M.cancelled] },
    data: object({ applyPeople: integer(), applyState: boolean() }),
  }),
};

export const FIELD_MESSAGES = [
  M.titleMissing,
  M.titleTooShort,
  M.titleTooLong,
  M.maxPeopleMissing,
  M.maxPeopleNotNumber,
  M.maxPeopleRange,
  M.badDate,
  M.standbyTimeMissing,
  M.badStandbyTime,
  M.finishTimeMissing,
  M.badFinishTime,
  M.distanceMissing,
  M.badDistance,
  M.speedMissing,
  M.speedTooLong,
  M.locationMissing,
  M.locationTooLong,
  M.mapLatLngMissing,
  M.badMapLatLng,
  M.themaMissing,
  M.badThema,
  M.textTooLong,
  M.badChattingRoom,
];

const text = string();
/** The multipart form of a run (create: all required; edit: absent means unchanged). */
export function form(required: boolean): OpenAPIV3_1.RequestBodyObject {
  const properties: Record<string, OpenAPIV3_1.SchemaObject> = {
    thumbnail: imageFiles,
    ...(!required && {
      thumbnailUrl: {
        type: 'array',
        items: { type: 'string' },
        description: 'The kept images, as the URLs the detail returned',
      },
    }),
    title: text,
    maxPeople: string('2..20'),
    date: string('`YYYY-MM-DD`'),
    standbyTime: string('`H:mm` (12 PM may come as `24:mm`)'),
    startTime: string('Ignored'),
    finishTime: string('`HH:mm`; the SPA sends `23:00` or `undefined`'),
    parking: text,
    speed: text,
    baggage: text,
    content: text,
    thema: theme,
    chattingRoom: string('Open-chat link (`http(s)://`), may be empty'),
    location: text,
    distance: string('km'),
    mapLatLng: string('The route as a JSON array'),
  };
  return multipartBody(
    properties,
    required ? ['title', 'maxPeople', 'date', 'standbyTime', 'location', 'distance'] : null,
  );
}
