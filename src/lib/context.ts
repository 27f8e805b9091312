import type { Sequelize } from 'sequelize';
import type { Config } from '../config';
import type { SmsSender } from '../sms';
import type { KeyStore } from '../store/keystore';
import type { ImageService } from '../uploads/images.service';
import type { SocialLogin } from '../users/oauth';
import type { DomainEventHub } from './events';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { PhoneCipher } from './phone-cipher';

/**
 * What the app, the worker and the command-line tools run on: built once per process (or per
 * test file) by `bootstrap`, the one place that creates these parts. Each part takes the slice
 * it uses (`Pick<AppContext, …>`); none builds a client of its own.
 */
export interface AppContext {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  store: KeyStore;
  /** Image storage (S3 or a local folder) with the originals' and variants' layout. */
  images: ImageService;
  /** SENS when its keys are set, otherwise the log-only sender. */
  sms: SmsSender;
  /** Encrypts the verified phone numbers (and reads the original's format). */
  phones: PhoneCipher;
  /** Kakao and Naver login. */
  oauth: SocialLogin;
  /** Announcements from the services (a user left a group, a session ended…). */
  events: DomainEventHub;
  /** Prometheus metrics on this process's own registry (served at `GET /metrics`). */
  metrics: Metrics;
  /** The current instant; tests pass a fixed clock. */
  now: () => Date;
}
