import type { OpenAPIV3_1 } from 'openapi-types';
import { failure, json, object, pathParam, ref, string, type Paths } from '../docs/components';
import { signedInOperation } from '../docs/operations';
import { GROUP, WAITLIST } from './messages';

/**
 * The waitlist's part of the OpenAPI document: the toggle (the two fields it adds to the detail
 * are in `GroupDetail`).
 */

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  WaitlistToggle: object(
    {
      success: { const: true },
      message: { ...string(), examples: [WAITLIST.joined, WAITLIST.left] },
      waiting: { type: 'boolean', description: 'Whether the caller is on the waitlist now' },
      position: {
        type: ['integer', 'null'],
        minimum: 1,
        description: 'The place in the queue (1 = next to be seated); null when not waiting',
      },
    },
    [],
    '`POST /group/{groupId}/waitlist`.',
  ),
};

export const paths: Paths = {
  '/group/{groupId}/waitlist': {
    post: signedInOperation(
      'group',
      "Joins or leaves a full run's waitlist (a toggle)",
      {
        '200': json('Joined (`waiting` true, with the place) or left', ref('WaitlistToggle')),
        '400': failure('The run has started, or the caller is its host', [
          WAITLIST.closed,
          WAITLIST.host,
        ]),
        '404': failure('No such run', [GROUP.notFound]),
        '409': failure('A seat is free (apply instead), or the caller already applied', [
          WAITLIST.notFull,
          WAITLIST.alreadyApplied,
        ]),
        '500': failure('Unexpected failure', [WAITLIST.failed]),
      },
      {
        description:
          'Open until the run starts, and only while every seat is taken. When a seat frees up ' +
          '(a cancellation, a withdrawal, the host adding seats) the first waiters are seated at ' +
          'once and receive a `waitlist` alarm (and a text with SMS consent).',
        parameters: [pathParam('groupId', 'The run')],
      },
    ),
  },
};
