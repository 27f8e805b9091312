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

export class Course extends Model<InferAttributes<Course>, InferCreationAttributes<Course>> {
  declare courseId: CreationOptional<string>;
  declare userId: string;
  declare title: string;
  declare content: string;
  declare location: string;
  declare mapLatLng: string;
  declare distance: number;
  /** Free text as the SPA sends it, e.g. `1h 30min`. */
  declare totalTime: string | null;
  declare courseImageUrl1: string;
  declare courseImageUrl2: string | null;
  declare courseImageUrl3: string | null;
  /**
   * The average rating rounded to one decimal, 0 without ratings: a copy kept up to date by
   * every rating change, so the feed can sort by it through an index (see ratings.ts).
   */
  declare starPoint: number | null;
  declare baggage: string | null;
  declare parking: string | null;
  declare clickCnt: CreationOptional<number>;
  /** Number of bookmarks, kept up to date like `starPoint` (the `bookmark` sort key). */
  declare bookmarkCnt: CreationOptional<number>;
  /**
   * Number of comments (replies not counted), kept up to date like `bookmarkCnt` by every comment
   * written or removed on the course (the `comment` sort key and part of the ranking score).
   */
  declare commentCnt: CreationOptional<number>;
  declare region: number;
  declare thema: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The author, when loaded with the `user` association. */
  declare user?: NonAttribute<User>;

  static initModel(sequelize: Sequelize) {
    Course.init(
      {
        courseId: { type: DataTypes.STRING(150), primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.STRING(150), allowNull: false },
        title: { type: DataTypes.STRING(150), allowNull: false },
        content: { type: DataTypes.TEXT, allowNull: false },
        location: { type: DataTypes.STRING(255), allowNull: false },
        mapLatLng: { type: DataTypes.TEXT, allowNull: false },
        distance: { type: DataTypes.FLOAT, allowNull: false },
        totalTime: { type: DataTypes.STRING(50), allowNull: true },
        courseImageUrl1: { type: DataTypes.STRING(255), allowNull: false },
        courseImageUrl2: { type: DataTypes.STRING(255), allowNull: true },
        courseImageUrl3: { type: DataTypes.STRING(255), allowNull: true },
        starPoint: { type: DataTypes.FLOAT, allowNull: true },
        baggage: { type: DataTypes.STRING(255), allowNull: true },
        parking: { type: DataTypes.STRING(255), allowNull: true },
        clickCnt: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        bookmarkCnt: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        commentCnt: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        region: { type: DataTypes.INTEGER, allowNull: false },
        thema: { type: DataTypes.STRING(20), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'Courses' },
    );
  }
}
