import type { OpenAPIV3_1 } from 'openapi-types';
import { MESSAGES } from '../lib/error-handler';
import { failure, pathParam, type Paths } from '../docs/components';

/** The image files this server serves itself (`Cross-Origin-Resource-Policy: cross-origin`). */

const image = (description: string): OpenAPIV3_1.ResponseObject => ({
  description,
  content: { 'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } } },
});

const file = (
  summary: string,
  parameters: OpenAPIV3_1.ParameterObject[],
): OpenAPIV3_1.OperationObject => ({
  tags: ['images'],
  summary,
  parameters,
  responses: {
    '200': image('The file'),
    '404': failure('No such file', [MESSAGES.notFound]),
  },
});

const name = pathParam('name', 'File name');

export const paths: Paths = {
  '/images/{folder}/{name}': {
    get: file(
      'An uploaded image, when images are stored locally (no S3): the bucket layout, under ' +
        '`IMAGE_BASE_URL`; `groupthumbnail/` also holds the theme default thumbnails',
      [
        {
          name: 'folder',
          in: 'path',
          required: true,
          description: 'Originals, or the 384/758-px variants',
          schema: { enum: ['groupthumbnail', 'courseImage', 'profile', 'w_384', 'w_758'] },
        },
        name,
      ],
    ),
  },
  '/assets/{name}': {
    get: file('An image of the app itself (the default avatar), cacheable for a day', [name]),
  },
  '/assets/thumbnails/{name}': {
    get: file('A theme default thumbnail', [name]),
  },
};
