import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class StarPoint extends Model<
  InferAttributes<StarPoint>,
  InferCreationAttributes<StarPoint>
> {
  declare starPointId: CreationOptional<string>;
  declare userId: string;
  declare courseId: string;
  declare myStarPoint: number | null;

  static initModel(sequelize: Sequelize) {
    StarPoint.init(
      {
        starPointId: {
          type: DataTypes.STRING(150),
          primaryKey: true,
          defaultValue: DataTypes.UUIDV4,
        },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        courseId: { type: DataTypes.STRING(150), allowNull: false },
        myStarPoint: { type: DataTypes.INTEGER, allowNull: true },
      },
      { sequelize, tableName: 'starpoint', timestamps: false },
    );
  }
}
