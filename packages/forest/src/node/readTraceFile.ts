import { createReadStream } from 'node:fs';
import { LineReader, type LineReaderOptions, type ReadBatch } from '../LineReader.js';

// 64 KiB reads: larger ones make every chunk a fresh large allocation and cost more than they save.
const READ_CHUNK_BYTES = 64 * 1024;

/** Options for `readTraceFile`. */
export interface ReadTraceFileOptions extends LineReaderOptions {
  /** Called after each chunk with the bytes read so far (for progress display). */
  onProgress?: (bytesRead: number) => void;
}

/**
 * Streams a trace file (or stdin for `-`) in bounded memory, yielding a batch of records and problems per chunk.
 * The last batch reports an unterminated final line as truncated.
 */
export async function* readTraceFile(path: string, options: ReadTraceFileOptions = {}): AsyncGenerator<ReadBatch> {
  const reader = new LineReader(options);
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const batch = reader.push(chunk);
      options.onProgress?.(bytes);
      if (batch.records.length > 0 || batch.problems.length > 0) yield batch;
    }
  } catch (error) {
    // Read errors (a directory, say) come without the path; callers report them by it.
    if ((error as NodeJS.ErrnoException).path === undefined && path !== '-') Object.assign(error as object, { path });
    throw error;
  }
  const last = reader.end();
  if (last.records.length > 0 || last.problems.length > 0) yield last;
}
