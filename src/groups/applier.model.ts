import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Applier extends Model<InferAttributes<Applier>, InferCreationAttributes<Applier>> {
  declare applyId: CreationOptional<string>;
  declare userId: string;
  declare groupId: string;
  declare attendance: CreationOptional<boolean>;
  /** 0 = host not yet evaluated, 1..10 = the evaluation category given. */
  declare evaluation: CreationOptional<number>;

  static initModel(sequelize: Sequelize) {
    Applier.init(
      {
        applyId: { type: DataTypes.STRING(150), primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        groupId: { type: DataTypes.STRING(150), allowNull: false },
        attendance: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        evaluation: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'Appliers', timestamps: false },
    );
  }
}
