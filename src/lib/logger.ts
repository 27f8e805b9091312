import winston from 'winston';
import type { LogFormat, LogLevel } from '../config';

/**
 * Values that must never reach a log line: bearer tokens, JWT-looking strings,
 * Korean mobile numbers, 6-digit verification codes next to a code-ish key, and the secret
 * of a calendar feed address (`/calendar/<secret>.ics`, in access and error lines).
 */
const REDACTIONS: Array<[RegExp, string]> = [
  [/(\/calendar\/)[^/?#\s"]+/gi, '$1[REDACTED]'],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]'],
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[REDACTED_JWT]'],
  [/\b01[016789][- ]?\d{3,4}[- ]?\d{4}\b/g, '[REDACTED_PHONE]'],
  [
    /("?(?:code|token|refreshToken|password|secret|tel|phone)"?\s*[:=]\s*"?)[^",\s}]+/gi,
    '$1[REDACTED]',
  ],
];

export function redact(text: string): string {
  return REDACTIONS.reduce(
    (acc, [pattern, replacement]) => acc.replace(pattern, replacement),
    text,
  );
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (typeof value === 'string') info[key] = redact(value);
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(options: {
  level: LogLevel;
  format: LogFormat;
  /** Command-line tools keep stdout for their output and log to stderr. */
  stderr?: boolean;
  /** Write here instead of the console (tests capture the output to search it). */
  stream?: NodeJS.WritableStream;
}): Logger {
  const silent = options.level === 'silent';
  const format =
    options.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json())
      : winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          redactFormat(),
          winston.format.colorize(),
          winston.format.printf(({ timestamp, level, message, ...rest }) => {
            const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${String(timestamp)} ${level} ${String(message)}${extra}`;
          }),
        );
  return winston.createLogger({
    level: silent ? 'error' : options.level,
    silent,
    format,
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({
            stderrLevels: options.stderr ? Object.keys(winston.config.npm.levels) : ['error'],
          }),
    ],
  });
}
