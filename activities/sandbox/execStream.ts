import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/**
 * Collects a docker exec's merged stdout and stderr, keeping at most `maxBytes` from the start
 * and `maxBytes` from the end so a flood cannot exhaust the worker's memory.
 */
export class BoundedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.maxBytes) {
      const take = chunk.subarray(0, this.maxBytes - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= this.maxBytes) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  /** Head, then the tail (only bytes beyond the head), as one buffer and the count skipped. */
  bytes(): { buffer: Buffer; skipped: number } {
    const head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.maxBytes) tail = tail.subarray(tail.length - this.maxBytes);
    const skipped = this.total - head.length - tail.length;
    return { buffer: Buffer.concat([head, tail]), skipped };
  }
}

/** Runs an exec and resolves when its stream ends, or rejects after `guardMs`. */
export async function runExec(
  exec: Docker.Exec,
  modem: { demuxStream: (s: NodeJS.ReadableStream, o: NodeJS.WritableStream, e: NodeJS.WritableStream) => void },
  output: BoundedOutput,
  guardMs: number,
): Promise<{ guardFired: boolean }> {
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => output.push(chunk));
  modem.demuxStream(stream, sink, sink);
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      stream.destroy();
      resolve({ guardFired: true });
    }, guardMs);
    stream.on('end', () => {
      clearTimeout(guard);
      resolve({ guardFired: false });
    });
    stream.on('close', () => {
      clearTimeout(guard);
      resolve({ guardFired: false });
    });
    stream.on('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
  });
}
