import type { AuthUser } from '../auth/middleware';
import type { PreparedImage } from '../uploads/processing';

/**
 * What the middleware chain leaves for the next step in `res.locals`, typed once for every
 * reader (Express's `Locals` augmentation): no reader casts.
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by requireUser/optionalUser: the signed-in user, or null for a guest. */
      user?: AuthUser | null;
      /** Set by uploadImages: the request's images, decoded and resized. */
      images?: PreparedImage[];
      /** Set by requestId, echoed in `x-request-id` and every log line of the request. */
      requestId?: string;
      /** The message a route's unexpected failures answer with (see `failureMessage`). */
      failureMessage?: string;
      /** Set by a `validated(...)` check: the route's typed input (read through its `input`). */
      input?: unknown;
    }
  }
}

export {};
