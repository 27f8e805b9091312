import type { Sequelize } from 'sequelize';
import { User } from '../users/user.model';
import { Group } from '../groups/group.model';
import { Applier } from '../groups/applier.model';
import { Waiter } from '../groups/waiter.model';
import { Course } from '../courses/course.model';
import { Bookmark } from '../courses/bookmark.model';
import { StarPoint } from '../courses/starpoint.model';
import { Comment } from '../comments/comment.model';
import { Recomment } from '../comments/recomment.model';
import { Alarm } from '../alarms/alarm.model';
import { Chat } from '../chat/chat.model';
import { ImageRemoval } from '../uploads/image-removal.model';
import { CalendarFeed } from '../calendar/calendar-feed.model';

const MODELS = [
  User,
  Group,
  Applier,
  Waiter,
  Course,
  Bookmark,
  StarPoint,
  Comment,
  Recomment,
  Alarm,
  Chat,
  ImageRemoval,
  CalendarFeed,
] as const;

export {
  User,
  Group,
  Applier,
  Waiter,
  Course,
  Bookmark,
  StarPoint,
  Comment,
  Recomment,
  Alarm,
  Chat,
  ImageRemoval,
  CalendarFeed,
};

/**
 * Registers every model on the instance, with the original's association aliases
 * (`user`, `Appliers`, `Recomments`, …). The schema itself comes from the migrations only,
 * so associations declare no constraints of their own.
 */
export function initModels(sequelize: Sequelize): void {
  for (const model of MODELS) {
    model.initModel(sequelize);
  }
  const plain = { constraints: false } as const;

  Group.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  User.hasMany(Group, { as: 'Groups', foreignKey: 'userId', ...plain });
  Group.hasMany(Applier, { as: 'Appliers', foreignKey: 'groupId', ...plain });
  Applier.belongsTo(Group, { as: 'group', foreignKey: 'groupId', ...plain });
  Applier.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  Waiter.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  Waiter.belongsTo(Group, { as: 'group', foreignKey: 'groupId', ...plain });

  Course.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  Course.hasMany(Bookmark, { as: 'Bookmarks', foreignKey: 'courseId', ...plain });
  Course.hasMany(StarPoint, { as: 'starpoints', foreignKey: 'courseId', ...plain });
  Bookmark.belongsTo(Course, { as: 'course', foreignKey: 'courseId', ...plain });
  StarPoint.belongsTo(Course, { as: 'course', foreignKey: 'courseId', ...plain });

  Group.hasMany(Comment, { as: 'Comments', foreignKey: 'groupId', ...plain });
  Course.hasMany(Comment, { as: 'Comments', foreignKey: 'courseId', ...plain });
  Comment.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  Comment.hasMany(Recomment, { as: 'Recomments', foreignKey: 'commentId', ...plain });
  Recomment.belongsTo(Comment, { as: 'comment', foreignKey: 'commentId', ...plain });
  Recomment.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });

  Alarm.belongsTo(User, { as: 'user', foreignKey: 'userId', ...plain });
  Chat.belongsTo(Group, { as: 'group', foreignKey: 'groupId', ...plain });
}
