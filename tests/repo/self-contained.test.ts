// The repository stands alone: no tracked file reads, imports or links a path outside it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Built from pieces so that this file does not name what it looks for.
const SHARED = ['..', '/', 'shared'].join('');
const DESIGN = ['shared', '/', 'design'].join('');
const MACHINE_DIRS = ['work', 'root', 'home'].join('|');
/** A path that leaves the repository: the sibling shared folder, or an absolute path of a build machine. */
const OUTSIDE = new RegExp(
  `${SHARED.replace(/[./]/g, '\\$&')}|${DESIGN.replace('/', '\\/')}|(?<![\\w.~/-])\\/(?:${MACHINE_DIRS})\\/`,
);

/** Every file git tracks here, but the lock file (registry URLs and hashes only). */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && file !== 'package-lock.json');
}

/** `file:line: text` for every line of `text` that names a path outside the repository. */
function offending(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) => (OUTSIDE.test(line) ? [`${file}:${index + 1}: ${line.trim().slice(0, 160)}`] : []));
}

describe('self-containment', () => {
  it('recognises each kind of outside path, and not look-alikes', () => {
    for (const bad of [`see ${SHARED}/TOOLCHAIN.md`, `(${DESIGN}/PROTOCOL.md)`, `"/${'work'}/main/x"`, ` /${'root'}/.cache`, `=/${'home'}/me/x`]) {
      expect(offending('x', bad), bad).toHaveLength(1);
    }
    for (const fine of ['https://example.com/home/page', 'docs/PROTOCOL.md', './shared-store.ts', '~/.cache/ms-playwright', 'a/work/b']) {
      expect(offending('x', fine), fine).toEqual([]);
    }
  });

  it('no tracked file names a path outside the repository', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(`${ROOT}${file}`);
      } catch {
        return []; // deleted in the working tree, not yet committed
      }
      if (bytes.includes(0)) return []; // binary
      return offending(file, bytes.toString('utf8'));
    });
    expect(found).toEqual([]);
  });
});
