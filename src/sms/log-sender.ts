import type { Logger } from '../lib/logger';
import { maskMobile } from '../lib/phone';
import { messageType, type SmsMessage, type SmsSender } from './sms-sender';

/**
 * Stands in for SENS when it is not configured: the message is only logged, with the number
 * masked and every run of digits hidden, so codes and numbers never reach a log in clear.
 */
export class LogSmsSender implements SmsSender {
  readonly kind = 'log' as const;

  constructor(private readonly logger: Logger) {}

  async send({ to, content }: SmsMessage) {
    const type = messageType(content);
    this.logger.info('sms not sent: SENS is not configured', {
      to: maskMobile(to),
      type,
      content: content.replace(/\d{4,}/g, (digits) => '*'.repeat(digits.length)),
    });
    return { type };
  }
}
