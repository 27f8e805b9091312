import { failure, type Paths, type PathItem } from '../docs/components';
import { GPX_CONTENT_TYPE, ROUTE_UNREADABLE } from '../lib/gpx';
import { GROUP } from './messages';
import { COURSE } from '../courses/messages';

/**
 * The GPX route downloads of runs and courses (one fragment for both: they answer the same
 * file), in the OpenAPI document's fragment convention.
 */

function routeDownload(what: 'run' | 'course', idName: string): PathItem {
  return {
    get: {
      tags: [what === 'run' ? 'groups' : 'courses'],
      summary: `The ${what}'s route as a GPX 1.1 file`,
      description:
        'A GPX 1.1 document: metadata (name, time), one track named after the title with one ' +
        'segment of the route points in order. Public like the detail page. Downloaded as ' +
        '`attachment` with an ASCII `filename` and the title as `filename*` (UTF-8).',
      security: [{}, { bearer: [] }],
      parameters: [{ name: idName, in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'The GPX file',
          headers: {
            'Content-Disposition': {
              description: `attachment; filename="${what === 'run' ? 'group' : 'course'}-<id>.gpx"; filename*=UTF-8''<title>.gpx`,
              schema: { type: 'string' },
            },
          },
          content: { [GPX_CONTENT_TYPE]: { schema: { type: 'string' } } },
        },
        '404': failure(`No such ${what}`, [what === 'run' ? GROUP.notFound : COURSE.notFound]),
        '422': failure('The stored route is not a list of points', [ROUTE_UNREADABLE]),
      },
    },
  };
}

export const paths: Paths = {
  '/group/{groupId}/route.gpx': routeDownload('run', 'groupId'),
  '/course/{courseId}/route.gpx': routeDownload('course', 'courseId'),
};
