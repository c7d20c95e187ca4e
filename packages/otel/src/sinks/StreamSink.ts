import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Sink } from './Sink.js';

/** Options for `StreamSink`. */
export interface StreamSinkOptions {
  /** End the stream on close (default false: stdout and streams the app owns stay open). */
  end?: boolean;
}

/** Writes to any Writable (stdout, a socket, a pipe); waits for `drain` when the stream pushes back. */
export class StreamSink implements Sink {
  private closed = false;
  private error: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly options: StreamSinkOptions = {},
  ) {
    // A stream error must not become an uncaught 'error' event in the app; it fails the next write instead.
    stream.on('error', (error: Error) => {
      this.error = error;
    });
  }

  write(chunk: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('StreamSink is closed'));
    if (this.error) return Promise.reject(this.error);
    if (this.stream.destroyed || this.stream.writableEnded) return Promise.reject(new Error('the stream is closed'));
    return new Promise((resolve, reject) => {
      const accepted = this.stream.write(chunk, (error) => {
        if (error) reject(error);
        else if (accepted) resolve();
      });
      if (!accepted) {
        const onDrain = (): void => {
          this.stream.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          this.stream.off('drain', onDrain);
          reject(this.error ?? new Error('the stream closed before it drained'));
        };
        this.stream.once('drain', onDrain);
        this.stream.once('close', onClose);
      }
    });
  }

  writeSync(chunk: Buffer): void {
    if (this.closed) throw new Error('StreamSink is closed');
    const fd = (this.stream as unknown as { fd?: unknown }).fd;
    if (typeof fd === 'number') {
      // stdout/stderr and file streams: write straight to the descriptor so nothing waits in the stream's buffer.
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(fd, chunk, offset);
      return;
    }
    if (this.error) throw this.error;
    // The stream may hold the chunk after this returns; the writer reuses its memory, so it gets a copy.
    this.stream.write(Buffer.from(chunk));
  }

  async flush(): Promise<void> {
    if (this.stream.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        this.stream.once('drain', resolve);
        this.stream.once('close', resolve);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closeSync();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.options.end === true) this.stream.end();
  }
}
