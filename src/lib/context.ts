import type { Sequelize } from 'sequelize';
import type { Config } from '../config';
import type { KeyStore } from '../store/keystore';
import type { ImageService } from '../uploads/images.service';
import type { DomainEventHub } from './events';
import type { Logger } from './logger';

/** What the app and its services run on; built once per process (or per test file). */
export interface AppContext {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  store: KeyStore;
  /** Image storage (S3 or a local folder) with the originals' and variants' layout. */
  images: ImageService;
  /** Announcements from the services (a user left a group, a session ended…). */
  events: DomainEventHub;
  /** The current instant; tests pass a fixed clock. */
  now: () => Date;
}
