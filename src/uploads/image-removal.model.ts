import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A storage path still to delete (see {@link ImageService.queueRemoval}). */
export class ImageRemoval extends Model<
  InferAttributes<ImageRemoval>,
  InferCreationAttributes<ImageRemoval>
> {
  declare path: string;
  /** Failed tries so far. */
  declare attempts: CreationOptional<number>;
  declare lastError: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ImageRemoval.init(
      {
        path: { type: DataTypes.STRING(255), primaryKey: true },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'ImageRemovals' },
    );
  }
}
