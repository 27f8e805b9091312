import type { OpenAPIV3_1 } from 'openapi-types';
import { failure, json, pathParam, ref, type Paths } from '../docs/components';
import { signedInOperation } from '../docs/operations';
import { RATE_LIMIT_MESSAGES } from '../lib/rate-limit';
import { CALENDAR } from './messages';

/** The personal calendar feed (README, "Calendar feed"); wired into `GET /openapi.json`. */

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  CalendarLinks: {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'url', 'webcalUrl'],
    properties: {
      success: { type: 'boolean', const: true },
      url: {
        type: 'string',
        format: 'uri',
        description: 'Private subscription address `<PUBLIC_URL>/calendar/<secret>.ics`',
      },
      webcalUrl: { type: 'string', description: 'The same address with the `webcal:` scheme' },
    },
  },
  CalendarRevoked: {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'revoked', 'message'],
    properties: {
      success: { type: 'boolean', const: true },
      revoked: { type: 'boolean', description: 'false when no address had been issued' },
      message: { type: 'string', examples: [CALENDAR.revoked, CALENDAR.notIssued] },
    },
  },
};

export const paths: Paths = {
  '/user/calendar': {
    get: signedInOperation(
      'calendar',
      "The signed-in user's private calendar subscription address (issued on first call)",
      {
        '200': json('The address, the same on every call until revoked', ref('CalendarLinks')),
        '429': failure('Too many requests from this address', [RATE_LIMIT_MESSAGES.calendar]),
      },
    ),
    delete: signedInOperation('calendar', 'Revokes the address; the next GET issues a new one', {
      '200': json('Revoked (or there was none)', ref('CalendarRevoked')),
    }),
  },
  '/calendar/{file}': {
    get: {
      tags: ['calendar'],
      summary:
        'iCalendar (RFC 5545) feed of the runs the owner hosts or joined, from 30 days back on',
      description:
        'The secret in the address is the only credential (no Authorization header). ' +
        'Unknown, revoked and malformed addresses answer the same 404.',
      security: [],
      parameters: [
        {
          ...pathParam('file', '`<secret>.ics`'),
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}\\.ics$' },
        },
      ],
      responses: {
        '200': {
          description: 'The calendar (Cache-Control: private; ETag for conditional requests)',
          headers: {
            ETag: { schema: { type: 'string' } },
            'Cache-Control': { schema: { type: 'string' } },
          },
          content: { 'text/calendar': { schema: { type: 'string' } } },
        },
        '304': { description: 'Unchanged since the ETag sent in If-None-Match' },
        '404': failure('Unknown, revoked or malformed address', [CALENDAR.notFound]),
        '429': failure('Too many requests from this address or for this feed', [
          RATE_LIMIT_MESSAGES.calendar,
          RATE_LIMIT_MESSAGES.calendarFeed,
        ]),
      },
    },
  },
};
