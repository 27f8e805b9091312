import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A user's private calendar subscription (see `src/calendar/secrets.ts` for the secret). */
export class CalendarFeed extends Model<
  InferAttributes<CalendarFeed>,
  InferCreationAttributes<CalendarFeed>
> {
  declare userId: string;
  /** Random hex seed the URL's secret is derived from with the server's key. */
  declare seed: string;
  /** SHA-256 (hex) of the URL's secret: what a feed request is looked up by. */
  declare secretHash: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    CalendarFeed.init(
      {
        userId: { type: DataTypes.STRING(150), primaryKey: true },
        seed: { type: DataTypes.CHAR(64), allowNull: false },
        secretHash: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'CalendarFeeds', updatedAt: false },
    );
  }
}
