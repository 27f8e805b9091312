import type { Logger } from '../lib/logger';
import { maskMobile, maskMobilesInText } from '../lib/phone';
import { messageType, type SmsMessage, type SmsSender } from './sms-sender';

/**
 * Stands in for SENS when it is not configured: the message is only logged, with the phone
 * numbers masked (links and other numbers stay readable) and the verification code hidden.
 *
 * Outside production (NODE_ENV is not `production`) a verification code is logged on a line of
 * its own, marked as a development aid, so a phone can be verified locally without SENS; in
 * production it never is.
 */
export class LogSmsSender implements SmsSender {
  readonly kind = 'log' as const;

  constructor(
    private readonly logger: Logger,
    private readonly options: { showCodes: boolean },
  ) {}

  async send({ to, content, code }: SmsMessage) {
    const type = messageType(content);
    const hidden = code ? content.split(code).join('*'.repeat(code.length)) : content;
    this.logger.info('sms not sent: SENS is not configured', {
      to: maskMobile(to),
      type,
      content: maskMobilesInText(hidden),
    });
    if (code && this.options.showCodes) {
      this.logger.info(
        `[dev only] verification code for ${maskMobilesInText(to)}: ${code} ` +
          '(shown because SENS is not configured and NODE_ENV is not production)',
      );
    }
    return { type };
  }
}
