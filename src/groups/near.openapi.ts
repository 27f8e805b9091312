import type { OpenAPIV3_1 } from 'openapi-types';
import { failure, queryParam, type Paths } from '../docs/components';
import { cardWith } from './groups.schemas';
import { GROUP } from './messages';
import { DEFAULT_RADIUS_KM, MAX_RADIUS_KM } from './near-query';
import { MAX_PAGE_SIZE } from './list-query';

/** `GET /group/near` (runs near me), in the OpenAPI document's fragment convention. */

const nearGroupCard = cardWith(
  'distanceFromMe',
  {
    type: 'number',
    minimum: 0,
    maximum: MAX_RADIUS_KM,
    description: 'Great-circle distance from the caller to the route start, km, one decimal',
  },
  'A card of `/group/all` and how far its route starts from the caller.',
);

export const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {
  NearGroupCard: nearGroupCard,
  NearGroupList: {
    type: 'object',
    required: ['success', 'data'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      data: { type: 'array', items: { $ref: '#/components/schemas/NearGroupCard' } },
    },
  },
};

export const paths: Paths = {
  '/group/near': {
    get: {
      tags: ['groups'],
      summary: 'Runs near me',
      description:
        'Runs that have not started whose route starts within `radiusKm` of the position, ' +
        'nearest first by great-circle distance (ties by id). Open to guests; a signed-in ' +
        "viewer's `applyState` is their own. Bad or missing coordinates, radius or page: 400.",
      security: [{}, { bearer: [] }],
      parameters: [
        queryParam(
          'lat',
          'Latitude, decimal degrees',
          { type: 'number', minimum: -90, maximum: 90 },
          true,
        ),
        queryParam(
          'lng',
          'Longitude, decimal degrees',
          { type: 'number', minimum: -180, maximum: 180 },
          true,
        ),
        queryParam(
          'radiusKm',
          `Radius in km (default ${DEFAULT_RADIUS_KM})`,
          {
            type: 'number',
            exclusiveMinimum: 0,
            maximum: MAX_RADIUS_KM,
            default: DEFAULT_RADIUS_KM,
          },
          false,
        ),
        queryParam('page', 'From 1', { type: 'integer', minimum: 1, default: 1 }, false),
        queryParam(
          'size',
          'Cards per page',
          { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE },
          false,
        ),
      ],
      responses: {
        '200': {
          description: 'The page of runs, nearest first',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/NearGroupList' } },
          },
        },
        '400': failure('Missing or malformed lat/lng, radiusKm out of (0, 50], bad page or size', [
          GROUP.nearLocationMissing,
          GROUP.badLatitude,
          GROUP.badLongitude,
          GROUP.badRadius,
        ]),
      },
    },
  },
};
