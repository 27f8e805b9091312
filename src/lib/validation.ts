import type { RequestHandler } from 'express';
import { validationResult, type ValidationChain } from 'express-validator';
import { badRequest } from './errors';

/**
 * Runs the chains and answers 400 with the first failed field's message (the original's
 * behaviour: one Korean message at a time, in the order the fields are declared).
 */
export function validate(chains: ValidationChain[]): RequestHandler {
  return async (req, _res, next) => {
    for (const chain of chains) {
      await chain.run(req);
    }
    const errors = validationResult(req).array({ onlyFirstError: true });
    if (errors.length > 0) throw badRequest(String(errors[0].msg));
    next();
  };
}
