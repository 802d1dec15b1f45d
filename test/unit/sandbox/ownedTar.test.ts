import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { owned } from '../../../activities/sandbox/repository';

async function tarOf(files: number, bytes: number): Promise<Readable> {
  const pack = tar.pack();
  for (let i = 0; i < files; i++) pack.entry({ name: `src/file-${i}.txt`, uid: 0, gid: 0 }, Buffer.alloc(bytes, 97));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  const whole = Buffer.concat(chunks);
  // A byte stream in small pieces, as `git archive` gives it.
  const pieces = Array.from({ length: Math.ceil(whole.length / 8192) }, (_, i) => whole.subarray(i * 8192, (i + 1) * 8192));
  return Readable.from(pieces);
}

describe('owned (the repository upload stream)', () => {
  it('rewrites every entry to the sandbox user', async () => {
    const out = owned(await tarOf(3, 10), 1000) as unknown as Readable;
    const extract = tar.extract();
    const owners: string[] = [];
    extract.on('entry', (header, stream, next) => {
      owners.push(`${header.name}:${header.uid}:${header.gid}:${header.uname}`);
      stream.resume();
      stream.on('end', next);
    });
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      out.pipe(extract);
    });
    expect(owners).toEqual(['src/file-0.txt:1000:1000:agent', 'src/file-1.txt:1000:1000:agent', 'src/file-2.txt:1000:1000:agent']);
  });

  it('drops the rest of the source when the upload is cut off, instead of throwing from a stream event', async () => {
    const source = await tarOf(400, 4096);
    const out = owned(source, 1000) as unknown as Readable;
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      await new Promise<void>((resolve) => out.once('data', () => resolve()));
      out.destroy(); // what the Docker request does to its body when the engine goes away
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(source.destroyed).toBe(true);
  });
});
