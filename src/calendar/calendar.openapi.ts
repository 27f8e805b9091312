import type { OpenAPIV3_1 } from 'openapi-types';

/** The personal calendar feed (README, "Calendar feed"); wired into `GET /openapi.json`. */
const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } },
});

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
      message: { type: 'string' },
    },
  },
};

export const paths: OpenAPIV3_1.PathsObject = {
  '/user/calendar': {
    get: {
      tags: ['calendar'],
      summary: "The signed-in user's private calendar subscription address (issued on first call)",
      security: [{ bearer: [] }],
      responses: {
        '200': {
          description: 'The address, the same on every call until revoked',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/CalendarLinks' } },
          },
        },
        '401': failure('Not signed in'),
      },
    },
    delete: {
      tags: ['calendar'],
      summary: 'Revokes the address; the next GET issues a new one',
      security: [{ bearer: [] }],
      responses: {
        '200': {
          description: 'Revoked (or there was none)',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/CalendarRevoked' } },
          },
        },
        '401': failure('Not signed in'),
        '429': failure('Too many writes from this address'),
      },
    },
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
          name: 'file',
          in: 'path',
          required: true,
          description: '`<secret>.ics`',
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
        '404': failure('Unknown, revoked or malformed address'),
        '429': failure('Too many requests from this address or for this feed'),
      },
    },
  },
};
