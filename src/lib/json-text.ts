import type { Response } from 'express';

/**
 * JSON written ahead of time, so that a cached response is not serialized again per request.
 * Everything here produces exactly the text `JSON.stringify` (and so `res.json`) would.
 */

/** Text that is already JSON: put into a body as is (see {@link sendJson}). */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * An object's JSON cut around some of its keys, whose values are given per request: `texts`
 * holds one more string than `keys`, and the JSON is `texts[0] + value(keys[0]) + texts[1] …`.
 */
export interface JsonTemplate<K extends string> {
  texts: string[];
  keys: K[];
}

/**
 * The template of `value` (a plain object of JSON values, keys in their order) with the `holes`
 * left to fill. A hole's value must not be undefined when filled (JSON.stringify would drop the
 * key).
 */
export function jsonTemplate<T extends object, K extends keyof T & string>(
  value: T,
  holes: readonly K[],
): JsonTemplate<K> {
  const texts: string[] = [];
  const keys: K[] = [];
  let text = '{';
  let first = true;
  for (const [key, field] of Object.entries(value)) {
    const hole = holes.includes(key as K);
    if (!hole && field === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (hole) {
      texts.push(text);
      keys.push(key as K);
      text = '';
    } else {
      text += JSON.stringify(field);
    }
  }
  texts.push(`${text}}`);
  return { texts, keys };
}

/** The template's JSON with its holes filled. */
export function fillJson<K extends string>(
  template: JsonTemplate<K>,
  values: Readonly<Record<K, unknown>>,
): string {
  const { texts, keys } = template;
  let json = texts[0];
  for (let i = 0; i < keys.length; i += 1) {
    json += JSON.stringify(values[keys[i]]) + texts[i + 1];
  }
  return json;
}

/** A JSON array of items each written by `json` (cached cards with their per-request parts). */
export function jsonArray<T>(items: readonly T[], json: (item: T) => string): JsonText {
  let text = '[';
  for (let i = 0; i < items.length; i += 1) text += (i === 0 ? '' : ',') + json(items[i]);
  return new JsonText(`${text}]`);
}

/**
 * `JSON.stringify(value)` where {@link JsonText} values, at any depth of plain objects, are
 * written as they are.
 */
function stringifyWith(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (
    value === null ||
    typeof value !== 'object' ||
    Object.getPrototypeOf(value) !== Object.prototype ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return JSON.stringify(value);
  }
  let json = '{';
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stringifyWith(field)}`;
  }
  return `${json}}`;
}

/** `{"success":true,"data":…}`, the bytes `res.json({ success: true, data })` sends. */
export const successBody = (data: unknown): string => JSON.stringify({ success: true, data });

/**
 * Sends text that is already JSON (a body a read cache kept serialized) with the headers
 * `res.json` sets (`application/json; charset=utf-8`).
 */
export function sendJsonText(res: Response, json: string): void {
  if (!res.get('Content-Type')) res.set('Content-Type', 'application/json');
  res.send(json);
}

/** Answers `body` as `res.json(body)` would (same text, same headers), see {@link stringifyWith}. */
export function sendJson(res: Response, body: Record<string, unknown>): void {
  sendJsonText(res, stringifyWith(body));
}
