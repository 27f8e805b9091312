import {
  DataTypes,
  Model,
  Op,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * Per job, the instant up to which it last finished a scan. The next scan starts there, so a
 * worker that was stopped catches up on what fell due meanwhile (within the maximum lateness).
 */
export class WorkerScan extends Model<
  InferAttributes<WorkerScan>,
  InferCreationAttributes<WorkerScan>
> {
  declare job: string;
  declare scannedUntil: Date;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    WorkerScan.init(
      {
        job: { type: DataTypes.STRING(50), primaryKey: true },
        scannedUntil: { type: DataTypes.DATE, allowNull: false },
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'WorkerScans', createdAt: false },
    );
  }
}

export async function lastScan(job: string): Promise<Date | null> {
  const row = await WorkerScan.findByPk(job);
  return row ? row.scannedUntil : null;
}

/**
 * Moves the job's mark forward to `until`, never back: with several workers, or a clock stepped
 * back, the furthest scan wins and nothing already scanned is offered again.
 */
export async function recordScan(job: string, until: Date): Promise<void> {
  await WorkerScan.bulkCreate([{ job, scannedUntil: until }], { ignoreDuplicates: true });
  await WorkerScan.update(
    { scannedUntil: until },
    { where: { job, scannedUntil: { [Op.lt]: until } } },
  );
}
