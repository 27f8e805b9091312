import type { OpenAPIV3_1 } from 'openapi-types';
import {
  anyone,
  arrayOf,
  boolean,
  done,
  failure,
  integer,
  json,
  nullableString,
  number,
  object,
  pathParam,
  signedIn,
  string,
  unauthorized,
  type Paths,
} from '../docs/components';
import { USER_LEVELS } from '../lib/labels';
import { USER_MESSAGES as M } from './messages';

/** `/auth`: profiles and preferences (the original's prefix for them). */

const evaluation = object(
  Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`evaluationCategory${i + 1}`, integer()]),
  ),
  [],
  'How many times participants rated the user as a host in each category (1..10)',
);

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  PublicProfile: object({
    totalEvaluationCount: integer(),
    evaluation,
    userInfo: object({
      userId: string(),
      nickname: string(),
      profileUrl: string(),
      bio: nullableString(),
      likeLocation: nullableString('Display label, e.g. `서울`'),
      likeDistance: nullableString('Display label, e.g. `5km 미만`'),
      userLevel: nullableString('Colour name'),
      mannerPoint: number(),
    }),
    waiting: arrayOf(
      object({
        dDay: integer('Days until the run (Korea time)'),
        date: string(),
        title: string(),
        location: string(),
        distance: string('With its unit, e.g. `5.2km`'),
        thema: string(),
        groupId: string(),
        thumbnailUrl: nullableString(),
        standbyTime: string(),
        appliedPeople: integer(),
      }),
      'Runs the user applied to that have not started, soonest first',
    ),
  }),
  Settings: object({
    userId: string(),
    nickname: string(),
    profileUrl: string(),
    bio: nullableString(),
    likeLocation: nullableString('Code 1..9'),
    likeDistance: nullableString('Code 0..4'),
    userLevel: nullableString('Code `0`..`4` of the colour'),
    mannerPoint: number(),
    phone: nullableString('The verified number, `010-1234-5678`'),
    agreeSMS: boolean(),
    certPhone: boolean('Whether a number is verified'),
  }),
};

const code = { type: ['string', 'integer'] } as OpenAPIV3_1.SchemaObject;
const level: OpenAPIV3_1.SchemaObject = {
  type: ['string', 'integer'],
  description: `One of ${USER_LEVELS.join(', ')}`,
};

const PROFILE_FORM_MESSAGES = [
  M.nicknameLength,
  M.nicknameCharacters,
  M.bioLength,
  M.likeLocation,
  M.likeDistance,
  M.userLevel,
  M.agreeSMS,
];

export const paths: Paths = {
  '/auth/info/{userId}': {
    get: {
      tags: ['profiles'],
      summary: "Anyone's profile page",
      security: anyone,
      parameters: [pathParam('userId', 'The profile owner')],
      responses: {
        '200': json(
          'The profile',
          object({
            success: { const: true },
            data: { $ref: '#/components/schemas/PublicProfile' },
          }),
        ),
        '401': unauthorized(),
        '404': failure('No such user', [M.profileNotFound]),
      },
    },
  },
  '/auth/updateUser': {
    get: {
      tags: ['profiles'],
      summary: "The signed-in user's settings form",
      security: signedIn,
      responses: {
        '200': json(
          'The settings',
          object({ success: { const: true }, data: { $ref: '#/components/schemas/Settings' } }),
        ),
        '401': unauthorized(),
        '404': failure('The account is gone', [M.profileNotFound]),
      },
    },
    patch: {
      tags: ['profiles'],
      summary: 'Edit the profile (multipart); `image` is a new file or the current URL (kept)',
      security: signedIn,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                nickname: string('1..8 characters, unique'),
                image: {
                  oneOf: [
                    { type: 'string', contentMediaType: 'image/*' },
                    string('The current `profileUrl`: keep the picture'),
                  ],
                },
                bio: string(),
                likeLocation: string(),
                likeDistance: string(),
                userLevel: string('Colour name'),
                phone: string('Ignored: the number changes by verification only'),
                agreeSMS: { enum: ['true', 'false'] },
              },
            },
          },
        },
      },
      responses: {
        '200': json('Saved', done(M.profileSaved)),
        '400': failure('A bad field or image', PROFILE_FORM_MESSAGES),
        '401': unauthorized(),
        '404': failure('The account is gone', [M.profileNotFound]),
        '409': failure('The nickname is taken', [M.nicknameTaken]),
      },
    },
  },
  '/auth/userLike': {
    patch: {
      tags: ['profiles'],
      summary: 'The first-login survey (afterwards `firstLogin` is false)',
      security: signedIn,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: object({
              likeLocation: { ...code, description: '1..9' },
              likeDistance: { ...code, description: '0..4' },
              userLevel: level,
            }),
          },
        },
      },
      responses: {
        '200': json('Saved', done(M.profileSaved)),
        '400': failure('A value is missing or unknown', [
          M.likeLocation,
          M.likeDistance,
          M.userLevel,
        ]),
        '401': unauthorized(),
      },
    },
  },
};
