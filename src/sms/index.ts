import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { LogSmsSender } from './log-sender';
import { SensSmsSender } from './sens-sender';
import type { SmsSender } from './sms-sender';

export { messageType, smsByteLength, SmsError, type SmsSender, type SmsType } from './sms-sender';
export { sensSignature } from './sens-sender';

/** SENS when its keys are set, otherwise the log-only sender. */
export function createSmsSender(
  config: Pick<Config, 'sms' | 'production'>,
  logger: Logger,
): SmsSender {
  return config.sms.sens
    ? new SensSmsSender(config.sms.sens, config.sms.timeoutMs, logger)
    : new LogSmsSender(logger, { showCodes: !config.production });
}
