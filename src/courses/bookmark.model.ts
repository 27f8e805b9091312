import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Bookmark extends Model<InferAttributes<Bookmark>, InferCreationAttributes<Bookmark>> {
  declare bookmarkId: CreationOptional<string>;
  declare courseId: string;
  declare userId: string;

  static initModel(sequelize: Sequelize) {
    Bookmark.init(
      {
        bookmarkId: {
          type: DataTypes.STRING(150),
          primaryKey: true,
          defaultValue: DataTypes.UUIDV4,
        },
        courseId: { type: DataTypes.STRING(150), allowNull: false },
        userId: { type: DataTypes.STRING(150), allowNull: false },
      },
      { sequelize, tableName: 'Bookmarks', timestamps: false },
    );
  }
}
