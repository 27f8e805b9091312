import crypto from 'node:crypto';
import axios from 'axios';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { maskMobile } from '../lib/phone';
import { messageType, SmsError, type SmsMessage, type SmsSender } from './sms-sender';

type SensSettings = NonNullable<Config['sms']['sens']>;

/**
 * The request signature of the Naver Cloud API gateway (v2): base64 of HMAC-SHA256, keyed with
 * the secret key, over `POST {path}\n{timestamp}\n{accessKey}`. The path is the API's own, so it
 * stays the same when the base URL points elsewhere (a proxy, or a fake in tests).
 */
export function sensSignature(
  settings: Pick<SensSettings, 'accessKey' | 'secretKey'>,
  method: string,
  path: string,
  timestamp: string,
): string {
  return crypto
    .createHmac('sha256', settings.secretKey)
    .update(`${method} ${path}\n${timestamp}\n${settings.accessKey}`)
    .digest('base64');
}

/** Naver Cloud SENS, SMS API v2: one message, one recipient, Korean numbers. */
export class SensSmsSender implements SmsSender {
  readonly kind = 'sens' as const;
  private readonly path: string;

  constructor(
    private readonly settings: SensSettings,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    // Raw, as SENS signs it: service ids look like `ncp:sms:kr:123:name`.
    this.path = `/sms/v2/services/${settings.serviceId}/messages`;
  }

  async send({ to, content }: SmsMessage) {
    const type = messageType(content);
    const timestamp = Date.now().toString();
    try {
      const res = await axios.post(
        `${this.settings.baseUrl}${this.path}`,
        { type, countryCode: '82', from: this.settings.from, content, messages: [{ to }] },
        {
          timeout: this.timeoutMs,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'x-ncp-apigw-timestamp': timestamp,
            'x-ncp-iam-access-key': this.settings.accessKey,
            'x-ncp-apigw-signature-v2': sensSignature(this.settings, 'POST', this.path, timestamp),
          },
        },
      );
      this.logger.info('sms sent', { to: maskMobile(to), type, requestId: res.data?.requestId });
      return { type };
    } catch (err) {
      const status = axios.isAxiosError(err) ? err.response?.status : undefined;
      const reason = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
      this.logger.warn('sms not sent', { to: maskMobile(to), type, status, reason });
      throw new SmsError(`SENS did not accept the message (${status ?? reason})`, status);
    }
  }
}
