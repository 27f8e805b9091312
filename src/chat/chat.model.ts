import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Chat extends Model<InferAttributes<Chat>, InferCreationAttributes<Chat>> {
  declare chatId: CreationOptional<number>;
  declare groupId: string;
  declare userId: string;
  declare nickname: string;
  declare profileUrl: string;
  declare message: string;
  /** Added by our migrations; null for messages written by the original server. */
  declare createdAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize) {
    Chat.init(
      {
        chatId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        groupId: { type: DataTypes.STRING(150), allowNull: false },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        nickname: { type: DataTypes.STRING(150), allowNull: false },
        profileUrl: { type: DataTypes.STRING(255), allowNull: false },
        message: { type: DataTypes.STRING(500), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'Chats', timestamps: true, updatedAt: false },
    );
  }
}
