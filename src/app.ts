import express, { type Express } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import morgan from 'morgan';
import type { AppContext } from './lib/context';
import { errorHandler, notFoundHandler } from './lib/error-handler';
import { requestId } from './lib/request-id';
import { createRateLimits } from './lib/rate-limit';
import { refuseControlCharactersInUrl } from './lib/validation';
import { ASSETS_DIR } from './lib/paths';
import { healthRouter } from './health/health.router';
import { metricsRouter } from './health/metrics.router';
import { httpMetrics } from './lib/http-metrics';
import { usersRouter } from './users/users.router';
import { profileRouter } from './users/profile.router';
import { groupsRouter } from './groups/groups.router';
import { commentsRouter } from './comments/comments.router';
import { recommentsRouter } from './comments/recomments.router';
import { alarmsRouter } from './alarms/alarms.router';
import { coursesRouter } from './courses/courses.router';
import { localImagesRouter } from './uploads/images.router';
import { docsRouter } from './docs/docs.router';
import { calendarRouter } from './calendar/calendar.router';

/**
 * Assembles the Express application. Pure: it never connects or listens, so tests build it
 * in-process with their own context.
 */
export function createApp(ctx: AppContext): Express {
  const { config, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);

  app.use(requestId);
  app.use(httpMetrics(ctx));
  app.use(helmet());
  app.use(
    cors({
      origin: config.http.corsOrigins,
      allowedHeaders: ['authorization', 'reauthorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    }),
  );
  // Access log through winston, when its level is on (`LOG_LEVEL=http` or `debug`); at the
  // default level the lines would be formatted for every request and then dropped. The URL is
  // logged whole (`/group/all`: `req.path` is relative to the router that answered) and without
  // its query string (codes, states); the logger redacts the secret of a calendar feed address
  // (`/calendar/<secret>.ics`).
  if (logger.isLevelEnabled('http')) {
    morgan.token('path', (req) => (req as express.Request).originalUrl.split('?')[0]);
    morgan.token('id', (_req, res) => String((res as express.Response).locals.requestId));
    app.use(
      morgan(':id :method :path :status :res[content-length] - :response-time ms', {
        stream: { write: (line) => logger.http(line.trim()) },
      }),
    );
  }
  app.use(refuseControlCharactersInUrl);

  // Per-IP limits, before any body is read: a flood is refused without parsing it. The counts
  // live in the shared key store (Redis, or the SQLite key store) so every process agrees.
  const limits = createRateLimits(ctx);
  app.use(['/user/kakao/callback', '/user/naver/callback'], limits.login);
  app.post('/user/message', limits.sms);
  app.use(limits.write);
  app.use(express.json({ limit: config.http.bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: config.http.bodyLimit }));
  // Express 5 leaves req.body undefined when no parser ran (a PATCH with no body at all); the
  // handlers read fields from it, so an empty object keeps such a request a 4xx, not a 500.
  app.use((req, _res, next) => {
    req.body ??= {};
    next();
  });

  // Images are shown by the SPA from its own origin: helmet's default resource policy
  // (`same-origin`) would make browsers block every one of them, so these two answer
  // `cross-origin`. The JSON API keeps `same-origin`; browsers read it through CORS.
  const shownAnywhere = helmet.crossOriginResourcePolicy({ policy: 'cross-origin' });
  // The app's own images (the default avatar), cacheable for a day.
  app.use('/assets', shownAnywhere, express.static(ASSETS_DIR, { maxAge: '1d', index: false }));
  if (ctx.images.storageKind === 'local') {
    app.use('/images', shownAnywhere, localImagesRouter(ctx));
  }
  app.use('/health', healthRouter(ctx));
  if (config.metrics.enabled) app.use('/metrics', metricsRouter(ctx));
  app.use('/user', usersRouter(ctx));
  app.use('/auth', profileRouter(ctx));
  app.use('/group', groupsRouter(ctx));
  app.use('/comment', commentsRouter(ctx));
  app.use('/recomment', recommentsRouter(ctx));
  app.use('/alarm', alarmsRouter(ctx));
  app.use('/course', coursesRouter(ctx));
  app.use(docsRouter(ctx));
  app.use(calendarRouter(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
