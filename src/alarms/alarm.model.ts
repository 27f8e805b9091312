import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * The SMS outbox state of an alarm (NULL: no text belongs to it). `pending` waits for its turn
 * (again, after a failed try), `sending` is claimed by one worker, `sent` was accepted by SENS,
 * `failed` was tried and given up, `skipped` was never tried (no consent or number, too late).
 */
export type SmsStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** An in-app notification. Post ids and titles are snapshots, not foreign keys. */
export class Alarm extends Model<InferAttributes<Alarm>, InferCreationAttributes<Alarm>> {
  declare alarmId: CreationOptional<string>;
  /** The recipient. */
  declare userId: string;
  declare category: string;
  declare courseId: CreationOptional<string | null>;
  declare courseTitle: CreationOptional<string | null>;
  declare groupId: CreationOptional<string | null>;
  declare groupTitle: CreationOptional<string | null>;
  declare nickname: CreationOptional<string | null>;
  declare role: CreationOptional<string | null>;
  declare check: CreationOptional<boolean>;
  declare commentId: CreationOptional<string | null>;
  /** 0 nothing sent, 1 SMS, 2 LMS. */
  declare sendPhone: CreationOptional<number>;
  /**
   * `category/groupId/userId` on the worker's D-day, start and end alarms (unique, so each is
   * written once whatever happens); NULL on every other alarm.
   */
  declare dedupeKey: CreationOptional<string | null>;
  /** The text to send for this alarm, if any; see {@link SmsStatus}. */
  declare smsStatus: CreationOptional<SmsStatus | null>;
  declare smsAttempts: CreationOptional<number>;
  /** When a pending text may be tried (again). */
  declare smsNextAttemptAt: CreationOptional<Date | null>;
  /** When, and by which claim, a worker took the row to call SENS (status `sending`). */
  declare smsClaimedAt: CreationOptional<Date | null>;
  declare smsClaimToken: CreationOptional<string | null>;
  /** Why the last try failed or the text was skipped; never a phone number. */
  declare smsError: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Alarm.init(
      {
        alarmId: { type: DataTypes.STRING(150), primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        category: { type: DataTypes.STRING(150), allowNull: false },
        courseId: { type: DataTypes.STRING(150), allowNull: true },
        courseTitle: { type: DataTypes.STRING(150), allowNull: true },
        groupId: { type: DataTypes.STRING(150), allowNull: true },
        groupTitle: { type: DataTypes.STRING(150), allowNull: true },
        nickname: { type: DataTypes.STRING(150), allowNull: true },
        role: { type: DataTypes.STRING(100), allowNull: true },
        check: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        commentId: { type: DataTypes.STRING(150), allowNull: true },
        sendPhone: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        dedupeKey: { type: DataTypes.STRING(320), allowNull: true },
        smsStatus: { type: DataTypes.STRING(10), allowNull: true },
        smsAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        smsNextAttemptAt: { type: DataTypes.DATE, allowNull: true },
        smsClaimedAt: { type: DataTypes.DATE, allowNull: true },
        smsClaimToken: { type: DataTypes.STRING(36), allowNull: true },
        smsError: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Alarms' },
    );
  }
}
