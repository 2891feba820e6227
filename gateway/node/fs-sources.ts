/**
 * The local index's file port on Node: globbing (tinyglobby), reading, and watching source
 * folders (chokidar, which since v4 watches folders, not globs).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { watch as watchFiles } from 'chokidar';
import { glob } from 'tinyglobby';
import type { SourceFiles } from '../retrieval/local/ports.js';

/** Creates the Node implementation of SourceFiles. */
export function createFsSources(): SourceFiles {
  return {
    async glob(pattern, cwd) {
      const paths = await glob(pattern, { cwd, onlyFiles: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
      // Absolute patterns come back absolute; everything else relative to cwd.
      return paths.map((path) => (isAbsolute(path) ? relative(cwd, path) : path).split(sep).join('/')).sort();
    },

    async read(path, cwd) {
      return new Uint8Array(await readFile(resolve(cwd, path)));
    },

    async watch(dirs, cwd, onChange, ignore, onError) {
      const ignored = ignore.map((dir) => resolve(cwd, dir));
      const watcher = watchFiles(
        dirs.map((dir) => resolve(cwd, dir || '.')),
        {
          ignoreInitial: true,
          ignored: (path: string) =>
            ignored.some((dir) => path === dir || path.startsWith(dir + sep)) || /[\\/](node_modules|\.git)([\\/]|$)/.test(path),
          awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 },
        },
      );
      watcher.on('all', (_event, path) => onChange(relative(cwd, path).split(sep).join('/')));
      // An 'error' event without a listener would throw and take the whole gateway down.
      watcher.on('error', (error) => onError?.(error));
      await new Promise<void>((ready) => watcher.once('ready', () => ready()));
      return () => watcher.close();
    },
  };
}
