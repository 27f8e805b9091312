import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare userId: CreationOptional<string>;
  declare nickname: string;
  declare bio: string | null;
  declare profileUrl: string;
  declare likeLocation: string | null;
  declare likeDistance: string | null;
  declare userLevel: string | null;
  declare mannerPoint: CreationOptional<number>;
  declare social: string | null;
  declare socialId: string | null;
  /** Encrypted at rest; see the phone cipher. */
  declare phone: string | null;
  declare agreeSMS: CreationOptional<boolean>;

  static initModel(sequelize: Sequelize) {
    User.init(
      {
        userId: { type: DataTypes.STRING(150), primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        nickname: { type: DataTypes.STRING(150), allowNull: false },
        bio: { type: DataTypes.STRING(255), allowNull: true },
        profileUrl: { type: DataTypes.STRING(255), allowNull: false },
        likeLocation: { type: DataTypes.STRING(100), allowNull: true },
        likeDistance: { type: DataTypes.STRING(50), allowNull: true },
        userLevel: { type: DataTypes.STRING(50), allowNull: true },
        mannerPoint: { type: DataTypes.FLOAT, allowNull: false, defaultValue: 50 },
        social: { type: DataTypes.STRING(100), allowNull: true },
        socialId: { type: DataTypes.STRING(255), allowNull: true },
        phone: { type: DataTypes.STRING(255), allowNull: true },
        agreeSMS: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: 'Users', timestamps: false },
    );
  }
}
