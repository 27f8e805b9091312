import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * A runner's place on a full run's waitlist. `waitlistId` is handed out while the run's row is
 * locked, so it orders the queue (first come, first promoted).
 */
export class Waiter extends Model<InferAttributes<Waiter>, InferCreationAttributes<Waiter>> {
  declare waitlistId: CreationOptional<number>;
  declare groupId: string;
  declare userId: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize) {
    Waiter.init(
      {
        waitlistId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        groupId: { type: DataTypes.STRING(150), allowNull: false },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'Waitlists', timestamps: false },
    );
  }
}
