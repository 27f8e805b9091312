import type { OpenAPIV3_1 } from 'openapi-types';
import { failure, json, object, ref, string, type Paths } from '../docs/components';
import { MESSAGES } from '../lib/error-handler';
import { METRICS_UNAVAILABLE } from '../lib/cluster-metrics';
import { METRICS_UNAUTHORIZED } from '../lib/metrics';

/** `/health` and its probes, `/metrics`. */

const state = { enum: ['up', 'down'] };

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  Health: object(
    {
      success: { type: 'boolean' },
      status: { enum: ['ok', 'degraded'] },
      database: object({ status: state, dialect: string('`sqlite`, `mysql` or `mariadb`') }),
      store: object({ status: state, kind: string('`sqlite` or `redis`') }),
    },
    [],
    'The database and the key store, each probed within 2 s.',
  ),
};

const health = (summary: string, description: string): OpenAPIV3_1.OperationObject => ({
  tags: ['health'],
  summary,
  description,
  responses: {
    '200': json('Both answer', ref('Health')),
    '503': json('One of them is down (named in the body)', ref('Health')),
  },
});

export const paths: Paths = {
  '/health': {
    get: health(
      'Database and key store',
      'For operators and load balancers: 503 names what is down.',
    ),
  },
  '/health/ready': {
    get: health(
      'Readiness',
      'Ready to serve: the database and the key store answer (same body as `/health`).',
    ),
  },
  '/health/live': {
    get: {
      tags: ['health'],
      summary: 'Liveness',
      description: 'The process answers; nothing else is checked.',
      responses: { '200': json('Alive', object({ status: { const: 'ok' } })) },
    },
  },
  '/metrics': {
    get: {
      tags: ['health'],
      summary: 'Prometheus metrics',
      description:
        'Prometheus text exposition. With `WEB_CONCURRENCY` above 1, the counts of every API ' +
        'process added up, whichever process answers. When `METRICS_TOKEN` is set, the request ' +
        'must carry it as `Authorization: Bearer <METRICS_TOKEN>`.',
      security: [{}, { bearer: [] }],
      responses: {
        '200': {
          description: 'The metrics',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
        '401': failure('`METRICS_TOKEN` is set and the bearer is not it', [METRICS_UNAUTHORIZED]),
        '404': failure('`METRICS_ENABLED=false`: not served', [MESSAGES.notFound]),
        '503': failure('With `WEB_CONCURRENCY` above 1: the processes did not all answer in time', [
          METRICS_UNAVAILABLE,
        ]),
      },
    },
  },
};
