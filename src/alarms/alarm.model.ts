import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

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
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Alarms' },
    );
  }
}
