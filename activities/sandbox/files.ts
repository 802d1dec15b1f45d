import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import * as tar from 'tar-stream';
import { docker, isDockerStatus } from './dockerClient';

export interface FileToCopy {
  /** Path relative to the destination folder. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

/** Writes files into a folder of the container (one tar upload; owner uid/gid 1000 by default). */
export async function copyFilesIn(sandboxId: string, destination: string, files: FileToCopy[], owner = 1000): Promise<void> {
  const pack = tar.pack();
  // Explicit folder entries: otherwise Docker creates missing parents owned by root.
  const folders = new Set(files.flatMap((f) => parentFolders(f.path)));
  for (const folder of [...folders].sort()) {
    pack.entry({ name: `${folder}/`, type: 'directory', mode: 0o755, uid: owner, gid: owner, mtime: new Date(0) });
  }
  for (const file of files) {
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
    pack.entry({ name: file.path, mode: file.mode ?? 0o644, uid: owner, gid: owner, mtime: new Date(0) }, content);
  }
  pack.finalize();
  await putArchive(sandboxId, destination, pack as unknown as NodeJS.ReadableStream);
}

function parentFolders(file: string): string[] {
  const parts = file.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Uploads a tar stream (for example `git archive` output) into a folder of the container. */
export async function putArchive(sandboxId: string, destination: string, tarStream: Readable | NodeJS.ReadableStream): Promise<void> {
  try {
    await docker().getContainer(sandboxId).putArchive(tarStream as NodeJS.ReadableStream, { path: destination });
  } catch (err) {
    if (isDockerStatus(err, 404)) {
      throw ApplicationFailure.nonRetryable(`sandbox ${sandboxId} or its folder ${destination} does not exist`, 'SandboxLost');
    }
    throw err;
  }
}

/** Reads one regular file out of the container; null when it does not exist. Bounded by maxBytes. */
export async function copyFileOut(sandboxId: string, path: string, maxBytes = 50_000_000): Promise<Buffer | null> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker().getContainer(sandboxId).getArchive({ path });
  } catch (err) {
    if (isDockerStatus(err, 404)) return null;
    throw err;
  }
  const extract = tar.extract();
  let found: Buffer | null = null;
  let tooBig = false;
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
        else tooBig = true;
      });
      stream.on('end', () => {
        if (found === null && header.type === 'file') found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract);
  });
  if (tooBig) throw new Error(`file ${path} in sandbox ${sandboxId} is larger than ${maxBytes} bytes`);
  return found;
}
