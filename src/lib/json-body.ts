import express, { type RequestHandler } from 'express';
import { badRequest } from './errors';
import { MESSAGES } from './error-handler';

/**
 * The SPA sends the attendance and evaluation bodies as JSON while saying
 * `Content-Type: multipart/form-data` (an axios quirk, original-backend defect 33), so no
 * body parser of the app reads them. On those routes, a body declared multipart is read as
 * text and parsed as a JSON object; anything else answers 400. Real JSON requests were
 * already parsed by express.json.
 */
export function jsonEvenIfMultipart(limit: string): RequestHandler {
  const readText = express.text({ type: 'multipart/form-data', limit });
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    readText(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      const raw = typeof req.body === 'string' ? req.body.trim() : '';
      let parsed: unknown = {};
      try {
        if (raw !== '') parsed = JSON.parse(raw);
      } catch {
        next(badRequest(MESSAGES.badJson));
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        next(badRequest(MESSAGES.badJson));
        return;
      }
      req.body = parsed;
      next();
    });
  };
}
