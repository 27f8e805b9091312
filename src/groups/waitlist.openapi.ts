import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * The waitlist's part of the OpenAPI document: the toggle, and the two fields it adds to
 * `GroupDetail` (`GroupDetailWaitlist`, to be merged into that schema's properties and
 * `required`).
 */

const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } },
});

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  WaitlistToggle: {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'message', 'waiting', 'position'],
    properties: {
      success: { type: 'boolean', const: true },
      message: {
        type: 'string',
        examples: ['대기 명단에 등록되었습니다', '대기 신청이 취소되었습니다'],
      },
      waiting: { type: 'boolean', description: 'Whether the caller is on the waitlist now.' },
      position: {
        type: ['integer', 'null'],
        minimum: 1,
        description: 'The place in the queue (1 = next to be seated); null when not waiting.',
      },
    },
  },
  GroupDetailWaitlist: {
    type: 'object',
    required: ['waitingCount', 'waitlistPosition'],
    properties: {
      waitingCount: {
        type: 'integer',
        minimum: 0,
        description: 'How many runners wait for a seat (0 once the run has started).',
      },
      waitlistPosition: {
        type: ['integer', 'null'],
        minimum: 1,
        description:
          "The viewer's place in the queue; null when not waiting, for guests, and once the run has started.",
      },
    },
  },
};

export const paths: OpenAPIV3_1.PathsObject = {
  '/group/{groupId}/waitlist': {
    post: {
      tags: ['group'],
      summary: "Joins or leaves a full run's waitlist (a toggle)",
      description:
        'Open until the run starts, and only while every seat is taken. When a seat frees up ' +
        '(a cancellation, a withdrawal, the host adding seats) the first waiters are seated at ' +
        'once and receive a `waitlist` alarm (and a text with SMS consent).',
      security: [{ bearer: [] }],
      parameters: [{ name: 'groupId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'Joined (`waiting` true, with the place) or left (`waiting` false).',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/WaitlistToggle' } },
          },
        },
        '400': failure('The run has started, or the caller is its host.'),
        '401': failure('Not signed in.'),
        '404': failure('No such run.'),
        '409': failure('A seat is free (apply instead), or the caller already applied.'),
      },
    },
  },
};
