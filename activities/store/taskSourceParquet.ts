import { open } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';
import type { TaskRecordCollector } from '../../core/tasks/taskRecords';
import { loadParquetReader } from './esmPackages';

/**
 * Adds every row of a Parquet file to `collector`, one row group at a time: the file is read in
 * slices (footer, then each group's column chunks), never whole.
 */
export async function readParquetRecords(file: string, collector: TaskRecordCollector): Promise<void> {
  const { hyparquet, compressors } = await loadParquetReader();
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer: AsyncBuffer = {
      byteLength: size,
      async slice(start, end = size) {
        const bytes = Buffer.alloc(Math.max(0, end - start));
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytesRead);
      },
    };
    const metadata = await hyparquet.parquetMetadataAsync(buffer);
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await hyparquet.parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors });
      for (const row of rows) collector.add(row);
      rowStart = rowEnd;
    }
  } finally {
    await handle.close();
  }
}
