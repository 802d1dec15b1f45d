import { createReadStream } from 'node:fs';
import { RecordBatchReader } from 'apache-arrow';
import type { TaskRecordCollector } from '../../core/tasks/taskRecords';
import { TaskSourceError } from './taskSourceError';

/**
 * Adds every row of the Arrow IPC stream files of a saved data set to `collector`, file by file in
 * order, one record batch at a time.
 */
export async function readArrowRecords(dataFiles: string[], collector: TaskRecordCollector): Promise<void> {
  for (const file of dataFiles) {
    const stream = createReadStream(file);
    try {
      const reader = await RecordBatchReader.from(stream);
      for await (const batch of reader) {
        for (let i = 0; i < batch.numRows; i++) collector.add(batch.get(i));
      }
    } catch (err) {
      throw new TaskSourceError(`cannot read Arrow data file ${file}: ${(err as Error).message}`);
    } finally {
      stream.destroy();
    }
  }
}
