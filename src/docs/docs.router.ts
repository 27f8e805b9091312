import path from 'node:path';
import { Router } from 'express';
import type { AppContext } from '../lib/context';
import { openApiDocument } from './openapi';

/** Swagger UI's own files, from the installed package (no CDN: the page works offline). */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
]);

/**
 * The page's start-up script, served as a file: helmet's Content-Security-Policy
 * (`script-src 'self'`) refuses inline scripts, and the page keeps that policy.
 */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="ko">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>ErunJrun API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/**
 * `GET /openapi.json` (the document, built once) and `GET /docs` (Swagger UI on it). Mounted
 * at the root; everything else falls through to the 404 handler.
 */
export function docsRouter(ctx: Pick<AppContext, 'config'>): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(ctx.config.publicUrl));
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT_SCRIPT);
  });
  router.get('/docs/:file', (req, res, next) => {
    const { file } = req.params;
    if (!SWAGGER_UI_FILES.has(file)) return next();
    res.sendFile(path.join(SWAGGER_UI_DIR, file), { maxAge: '1d' });
  });
  return router;
}
