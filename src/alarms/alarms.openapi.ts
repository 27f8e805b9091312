import type { OpenAPIV3_1 } from 'openapi-types';
import {
  arrayOf,
  boolean,
  done,
  integer,
  json,
  nullableString,
  object,
  ref,
  signedIn,
  string,
  unauthorized,
  type Paths,
} from '../docs/components';
import { ALARM_MESSAGES } from './alarms.controller';

/** `/alarm`: the signed-in user's notifications. */

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  Alarm: object(
    {
      alarmId: string(),
      createdAt: string('Relative display time'),
      category: {
        enum: ['start', 'Dday', 'end', 'comment', 'recomment', 'update', 'delete'],
      },
      nickname: nullableString('Who commented or replied'),
      courseId: nullableString(),
      courseTitle: nullableString(),
      groupId: nullableString(),
      groupTitle: nullableString(),
      role: nullableString('`host` or `attendance` on run alarms'),
      check: boolean('Read'),
      commentId: nullableString(),
      commentContent: nullableString('On reply alarms only: the comment replied to'),
    },
    ['commentContent'],
  ),
};

export const paths: Paths = {
  '/alarm': {
    get: {
      tags: ['alarms'],
      summary: 'My notifications, newest first',
      security: signedIn,
      responses: {
        '200': json(
          'The notifications',
          object({
            success: { const: true },
            count: integer(),
            unreadCount: integer(),
            data: arrayOf(ref('Alarm')),
          }),
        ),
        '401': unauthorized(),
      },
    },
    patch: {
      tags: ['alarms'],
      summary: 'Mark every notification read',
      security: signedIn,
      responses: {
        '200': json('Read', done(ALARM_MESSAGES.allRead)),
        '401': unauthorized(),
      },
    },
  },
};
