import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

/** Every file under `dir`, as paths relative to it (folders first, sorted: a stable context). */
function filesUnder(dir: string, prefix = ''): { name: string; folder: boolean }[] {
  const out: { name: string; folder: boolean }[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push({ name, folder: true }, ...filesUnder(dir, name));
    } else if (entry.isFile()) {
      out.push({ name, folder: false });
    }
  }
  return out;
}

/**
 * A folder as a tar stream for the engine's build API, each file streamed from disk (wheels can be
 * large), owned by root.
 */
export function packDirectory(dir: string): NodeJS.ReadableStream {
  const pack = tar.pack();
  void (async () => {
    try {
      for (const entry of filesUnder(dir)) {
        const full = path.join(dir, entry.name);
        const stat = statSync(full);
        const header = { name: entry.name, mode: stat.mode & 0o777, uid: 0, gid: 0, mtime: new Date(0) };
        if (entry.folder) {
          pack.entry({ ...header, type: 'directory' });
          continue;
        }
        const sink = pack.entry({ ...header, size: stat.size });
        await pipeline(createReadStream(full), sink);
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as NodeJS.ReadableStream;
}
