import { MESSAGES } from '../lib/error-handler';
import { failure, pathParam, type Paths } from './components';

/** The documents themselves: `/openapi.json` and the interactive `/docs`. */

export const paths: Paths = {
  '/openapi.json': {
    get: {
      tags: ['documents'],
      summary: 'This OpenAPI 3.1 document',
      responses: {
        '200': {
          description: 'The document',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  },
  '/docs': {
    get: {
      tags: ['documents'],
      summary: 'Interactive API documents (Swagger UI, served by this server, no CDN)',
      responses: {
        '200': {
          description: 'The page',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  },
  '/docs/{file}': {
    get: {
      tags: ['documents'],
      summary: "The page's script, styles and icons",
      parameters: [pathParam('file', 'e.g. `swagger-ui-bundle.js`, `init.js`')],
      responses: {
        '200': {
          description: 'The file',
          content: {
            'text/javascript': { schema: { type: 'string' } },
            'text/css': { schema: { type: 'string' } },
            'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
          },
        },
        '404': failure('No such file', [MESSAGES.notFound]),
      },
    },
  },
};
