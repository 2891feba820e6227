/** The local index's cache port on Node: one JSON file per site in the cache folder, written atomically. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CacheStore } from '../retrieval/local/ports.js';

let writes = 0;

/** Creates a CacheStore over the folder `cacheDir` (relative to `baseDir`), created on first write. */
export function createFsCache(cacheDir: string, baseDir = process.cwd()): CacheStore {
  const dir = resolve(baseDir, cacheDir);
  return {
    async read(name) {
      try {
        return await readFile(join(dir, name), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(name, text) {
      await mkdir(dir, { recursive: true });
      // Write then rename, so a crash or a second gateway never reads half a file.
      // Sites with equal settings share a file and may write it at once: each write its own temp.
      const temp = join(dir, `${name}.${process.pid}.${++writes}.tmp`);
      await writeFile(temp, text, 'utf8');
      await rename(temp, join(dir, name));
    },
  };
}
