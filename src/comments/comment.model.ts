import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { User } from '../users/user.model';

/** A comment on a group run (`groupId`) or on a course (`courseId`); exactly one is set. */
export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare commentId: CreationOptional<string>;
  declare groupId: string | null;
  declare courseId: string | null;
  declare userId: string;
  declare content: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The author, when loaded with the `user` association. */
  declare user?: NonAttribute<User>;

  static initModel(sequelize: Sequelize) {
    Comment.init(
      {
        commentId: {
          type: DataTypes.STRING(150),
          primaryKey: true,
          defaultValue: DataTypes.UUIDV4,
        },
        groupId: { type: DataTypes.STRING(150), allowNull: true },
        courseId: { type: DataTypes.STRING(150), allowNull: true },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        content: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Comments' },
    );
  }
}
