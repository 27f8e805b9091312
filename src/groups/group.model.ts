import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { startPointOf } from '../lib/route';

/** A coordinate column: DECIMAL, which MySQL answers as text; read back as a number. */
const coordinate = (name: 'startLat' | 'startLng') => ({
  type: DataTypes.DECIMAL(9, 6),
  allowNull: true,
  get(this: Group) {
    const value = this.getDataValue(name) as number | string | null;
    return value === null || value === undefined ? null : Number(value);
  },
});

/**
 * Keeps the start point in step with the route, whoever writes the run (the service, the
 * seeders, the benchmark): on create, and on any save that changes `mapLatLng`.
 */
function fillStartPoint(group: Group): void {
  if (!group.isNewRecord && !group.changed('mapLatLng')) return;
  const start = startPointOf(group.mapLatLng);
  group.startLat = start?.lat ?? null;
  group.startLng = start?.lng ?? null;
}

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
  /**
   * Where the route starts (its first point), kept by the hooks below whenever `mapLatLng` is
   * written; null when the route cannot be read. Searched by `GET /group/near`.
   */
  declare startLat: CreationOptional<number | null>;
  declare startLng: CreationOptional<number | null>;
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
        startLat: coordinate('startLat'),
        startLng: coordinate('startLng'),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'Groups',
        hooks: {
          beforeSave: fillStartPoint,
          beforeBulkCreate: (groups) => groups.forEach(fillStartPoint),
        },
      },
    );
  }
}
