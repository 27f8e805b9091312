/**
 * Text messages to Korean mobile numbers: phone verification codes here, run reminders from the
 * worker. One interface, two implementations: Naver Cloud SENS, or a log-only sender when SENS
 * is not configured (the embedded default), so nothing ever fails for want of an SMS account.
 */
export type SmsType = 'SMS' | 'LMS';

export interface SmsMessage {
  /** Digits only, e.g. `01012345678`. */
  to: string;
  content: string;
  /**
   * The verification code the text carries, if any. Only the log-only sender looks at it: it
   * hides it in the logged text and, outside production, shows it on a development line.
   */
  code?: string;
}

export interface SmsSender {
  readonly kind: 'sens' | 'log';
  send(message: SmsMessage): Promise<{ type: SmsType }>;
}

/** The provider refused the message or could not be reached; nothing was sent. */
export class SmsError extends Error {
  constructor(
    message: string,
    /** The provider's HTTP status, when it answered. */
    public readonly status?: number,
  ) {
    super(message);
    this.name = 'SmsError';
  }
}

/** Above this many bytes (non-ASCII counting two, as carriers count) a text goes as LMS. */
export const SMS_MAX_BYTES = 80;

export function smsByteLength(content: string): number {
  let bytes = 0;
  for (const ch of content) bytes += (ch.codePointAt(0) ?? 0) > 127 ? 2 : 1;
  return bytes;
}

/** LMS for long texts and for texts carrying a link (carriers filter links in short SMS). */
export function messageType(content: string): SmsType {
  return smsByteLength(content) >= SMS_MAX_BYTES || /https?:\/\//i.test(content) ? 'LMS' : 'SMS';
}
