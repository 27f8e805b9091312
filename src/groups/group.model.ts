import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Group extends Model<InferAttributes<Group>, InferCreationAttributes<Group>> {
  declare groupId: CreationOptional<string>;
  /** The host. */
  declare userId: string;
  declare mapLatLng: string;
  declare thumbnailUrl1: string | null;
  declare thumbnailUrl2: string | null;
  declare thumbnailUrl3: string | null;
  declare title: string;
  declare maxPeople: number;
  /** Korean calendar date `YYYY-MM-DD`. */
  declare date: string;
  /** Korean meeting time `HH:mm:ss`. */
  declare standbyTime: string;
  declare finishTime: string | null;
  declare distance: number;
  declare speed: string;
  declare location: string;
  declare parking: string | null;
  declare baggage: string | null;
  declare content: string | null;
  declare region: number;
  declare timecode: number;
  declare thema: string;
  declare chattingRoom: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Group.init(
      {
        groupId: { type: DataTypes.STRING(150), primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        mapLatLng: { type: DataTypes.TEXT, allowNull: false },
        thumbnailUrl1: { type: DataTypes.STRING(255), allowNull: true },
        thumbnailUrl2: { type: DataTypes.STRING(255), allowNull: true },
        thumbnailUrl3: { type: DataTypes.STRING(255), allowNull: true },
        title: { type: DataTypes.STRING(150), allowNull: false },
        maxPeople: { type: DataTypes.INTEGER, allowNull: false },
        date: { type: DataTypes.DATEONLY, allowNull: false },
        standbyTime: { type: DataTypes.TIME, allowNull: false },
        finishTime: { type: DataTypes.TIME, allowNull: true },
        distance: { type: DataTypes.FLOAT, allowNull: false },
        speed: { type: DataTypes.STRING(50), allowNull: false },
        location: { type: DataTypes.STRING(200), allowNull: false },
        parking: { type: DataTypes.STRING(255), allowNull: true },
        baggage: { type: DataTypes.STRING(255), allowNull: true },
        content: { type: DataTypes.TEXT, allowNull: true },
        region: { type: DataTypes.INTEGER, allowNull: false },
        timecode: { type: DataTypes.INTEGER, allowNull: false },
        thema: { type: DataTypes.STRING(20), allowNull: false },
        chattingRoom: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Groups' },
    );
  }
}
