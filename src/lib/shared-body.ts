import type { Response } from 'express';

/**
 * Response bodies serialized once and sent as they are: a public read kept by a read cache
 * keeps its body as JSON text, so a hit costs no mapping and no `JSON.stringify`.
 */

/** `{"success":true,"data":…}`, the bytes `res.json({ success: true, data })` sends. */
export const successBody = (data: unknown): string => JSON.stringify({ success: true, data });

/** Sends JSON text with the headers `res.json` sets (`application/json; charset=utf-8`). */
export function sendJsonText(res: Response, body: string): void {
  res.type('json').send(body);
}
