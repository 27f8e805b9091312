import type { OpenAPIV3_1 } from 'openapi-types';
import {
  anyone,
  done,
  failure,
  json,
  object,
  pathParam,
  queryParam,
  ref,
  signedIn,
  string,
  unauthorized,
  type Paths,
} from '../docs/components';
import { GROUP as M } from './messages';

import {
  ownerParam as owner,
  pageParams as page,
  jsonBody,
  signedInOperation,
} from '../docs/operations';
import { FIELD_MESSAGES, form } from './groups.schemas';

export { schemas } from './groups.schemas';

/** `/group`: group runs, their lists, applications, attendance and host evaluation. */

const groupId = pathParam('groupId', 'The run');

const list = (
  summary: string,
  schema: string,
  parameters: OpenAPIV3_1.ParameterObject[],
  extra: OpenAPIV3_1.ResponsesObject = {},
): OpenAPIV3_1.OperationObject => ({
  tags: ['groups'],
  summary,
  security: anyone,
  parameters,
  responses: {
    '200': json('The page of cards', ref(schema)),
    '400': failure('A bad query value', [M.badSearch]),
    '401': unauthorized(),
    '500': failure('Unexpected failure', [M.listFailed]),
    ...extra,
  },
});

const signedInOp = (
  summary: string,
  responses: OpenAPIV3_1.ResponsesObject,
  extra: Partial<OpenAPIV3_1.OperationObject> = {},
) => signedInOperation('groups', summary, responses, { parameters: [groupId], ...extra });

const notFound = failure('No such run', [M.notFound]);

export const paths: Paths = {
  '/group': {
    post: {
      tags: ['groups'],
      summary: 'Post a run (multipart); the host takes the first seat',
      security: signedIn,
      requestBody: form(true),
      responses: {
        '201': json(
          'Posted',
          object({ success: { const: true }, message: { const: M.created }, groupId: string() }),
        ),
        '400': failure('A bad field, a bad image, or too soon', [
          ...FIELD_MESSAGES,
          M.createTooSoon,
        ]),
        '401': unauthorized(),
        '429': failure('Posted a run moments ago', [M.createTooOften]),
        '500': failure('Unexpected failure', [M.createFailed]),
      },
    },
  },
  '/group/all': {
    get: list('All runs, searched', 'GroupList', [
      queryParam('date', '`YYYY-MM-DD/YYYY-MM-DD`, empty for any'),
      queryParam('region', 'Region code 0..9, empty for any'),
      queryParam('time', 'Start-time slots 1..6 with a trailing slash, e.g. `1/3/`'),
      queryParam('distance', 'Distance bands 1..4 with a trailing slash, e.g. `2/3/`'),
      queryParam('finish', '`1` includes runs that have started', { enum: ['0', '1'] }),
      queryParam('thema', 'Theme names with a trailing slash, e.g. `도시/공원/`'),
      ...page,
    ]),
  },
  '/group/main': { get: list('The three runs starting soonest', 'GroupList', []) },
  '/group/prefer': {
    get: list(
      "Runs matching the signed-in user's preferred region and distance",
      'PreferredGroupList',
      [queryParam('finish', '`1` includes runs that have started'), ...page],
      { '401': unauthorized([M.loginRequired]) },
    ),
  },
  '/group/mypage': {
    get: list('Runs a user hosts', 'HostedGroupList', [owner, ...page], {
      '404': failure('No such user', [M.badUser]),
    }),
  },
  '/group/complete': {
    get: list(
      'Started runs a user took part in (not as host)',
      'CompletedGroupList',
      [owner, ...page],
      { '404': failure('No such user', [M.badUser]) },
    ),
  },
  '/group/detail/{groupId}': {
    get: {
      tags: ['groups'],
      summary: 'A run',
      security: anyone,
      parameters: [groupId],
      responses: {
        '200': json('The run', object({ success: { const: true }, data: ref('GroupDetail') })),
        '401': unauthorized(),
        '404': notFound,
        '500': failure('Unexpected failure', [M.detailFailed]),
      },
    },
  },
  '/group/{groupId}': {
    patch: signedInOp(
      "Edit a run (multipart, the host's only); absent fields stay as they are",
      {
        '200': json('Edited', done(M.updated)),
        '400': failure('A bad field, a bad image, or too late', [
          ...FIELD_MESSAGES,
          M.updateStarted,
          M.updateTooSoon,
        ]),
        '403': failure('Not the host', [M.notHostUpdate]),
        '404': notFound,
        '409': failure('Fewer seats than applicants', [M.maxPeopleBelowApplicants]),
        '500': failure('Unexpected failure', [M.updateFailed]),
      },
      { requestBody: form(false) },
    ),
    delete: signedInOp('Delete a run (the host only)', {
      '200': json('Deleted', done(M.deleted)),
      '403': failure('Not the host', [M.notHostDelete]),
      '404': notFound,
      '500': failure('Unexpected failure', [M.deleteFailed]),
    }),
  },
  '/group/{groupId}/apply': {
    post: signedInOp('Apply, or cancel the application (a toggle)', {
      '200': json('Applied or cancelled', ref('Application')),
      '400': failure('Started, or the host cancelling', [M.applyClosed, M.hostCannotCancel]),
      '404': notFound,
      '409': failure('No seat left', [M.full]),
      '500': failure('Unexpected failure', [M.applyFailed]),
    }),
  },
  '/group/attendance/{groupId}': {
    get: signedInOp('The attendance sheet (the host only)', {
      '200': json('The sheet', ref('AttendanceSheet')),
      '400': failure('Not yet time', [M.attendanceNotYet]),
      '403': failure('Not the host', [M.notHost]),
      '404': notFound,
      '409': failure('Already submitted', [M.attendanceSubmitted]),
      '500': failure('Unexpected failure', [M.attendanceListFailed]),
    }),
    patch: signedInOp(
      'Submit the attendance (once)',
      {
        '200': json('Submitted', done(M.attendanceDone)),
        '400': failure('Bad indexes, or not yet time', [M.attendanceFailed, M.attendanceNotYet]),
        '403': failure('Not the host', [M.notHost]),
        '404': notFound,
        '409': failure('Already submitted', [M.attendanceSubmitted]),
        '500': failure('Unexpected failure', [M.attendanceFailed]),
      },
      {
        requestBody: jsonBody(
          object({
            attendance: {
              type: 'array',
              items: { type: 'integer', minimum: 0 },
              description: 'Indexes into the `applyUser` array of the sheet',
            },
          }),
        ),
      },
    ),
  },
  '/group/evaluation/{groupId}': {
    get: signedInOp('The host a participant may rate', {
      '200': json('The host', ref('HostToEvaluate')),
      '400': failure('Not yet started', [M.evaluationNotYet]),
      '403': failure('The host, or not a participant', [M.hostCannotEvaluate, M.notParticipant]),
      '404': notFound,
      '409': failure('Already rated', [M.alreadyEvaluated]),
      '500': failure('Unexpected failure', [M.evaluationPageFailed]),
    }),
    patch: signedInOp(
      "Rate the run's host",
      {
        '200': json('Rated', done(M.evaluated)),
        '400': failure('A bad rating, the wrong host, or not yet started', [
          M.badPoint,
          M.categoryMissing,
          M.badCategoryForPoint,
          M.wrongHost,
          M.evaluationNotYet,
        ]),
        '403': failure('The host, or not a participant', [M.hostCannotEvaluate, M.notParticipant]),
        '404': notFound,
        '409': failure('Already rated', [M.alreadyEvaluated]),
        '500': failure('Unexpected failure', [M.evaluationFailed]),
      },
      {
        requestBody: jsonBody({
          type: 'object',
          required: ['hostId', 'point'],
          properties: {
            hostId: string(),
            point: { enum: [1, -1] },
            evaluationCategory: { type: 'integer', minimum: 1, maximum: 10 },
          },
        }),
      },
    ),
  },
};
