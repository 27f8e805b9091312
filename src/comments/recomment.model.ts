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
import type { Comment } from './comment.model';

export class Recomment extends Model<
  InferAttributes<Recomment>,
  InferCreationAttributes<Recomment>
> {
  declare recommentId: CreationOptional<string>;
  declare commentId: string;
  declare userId: string;
  declare content: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The author, when loaded with the `user` association. */
  declare user?: NonAttribute<User>;
  /** The parent comment, when loaded with the `comment` association. */
  declare comment?: NonAttribute<Comment>;

  static initModel(sequelize: Sequelize) {
    Recomment.init(
      {
        recommentId: {
          type: DataTypes.STRING(150),
          primaryKey: true,
          defaultValue: DataTypes.UUIDV4,
        },
        commentId: { type: DataTypes.STRING(150), allowNull: false },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        content: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Recomments' },
    );
  }
}
