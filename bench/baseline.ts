/**
 * The recorded build of an earlier commit that the same run measures side by side: a detached
 * `git worktree` of the named commit in a temp folder, compiled there with this checkout's
 * node_modules, removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './gateway-process.js';

/** A compiled baseline gateway, ready to start. */
export interface BaselineBuild {
  /** What was asked for (`HEAD~1`, a tag…) and the commit it named. */
  ref: string;
  commit: string;
  subject: string;
  /** The worktree; the gateway runs with it as its working directory. */
  dir: string;
  cli: string;
  remove(): void;
}

function git(args: string[], cwd = ROOT): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${(result.stderr || result.stdout).trim().slice(0, 300)}`);
  return result.stdout.trim();
}

/** Checks out `ref` into a temp worktree and compiles its gateway (tsconfig.build.json). */
export function buildBaseline(ref: string): BaselineBuild {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const subject = git(['log', '-1', '--format=%s', commit]);
  const parent = mkdtempSync(join(tmpdir(), 'voice-rag-baseline-'));
  const dir = join(parent, 'tree');
  git(['worktree', 'add', '--detach', dir, commit]);
  const remove = () => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, timeout: 60_000 });
    rmSync(parent, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: ROOT, timeout: 60_000 });
  };
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const result = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    const cli = join(dir, 'dist/gateway/cli.js');
    // tsc emits even with type errors; what matters is whether the CLI exists.
    if (!existsSync(cli)) throw new Error(`baseline ${ref} did not compile: ${(result.stdout ?? '').slice(0, 300)}`);
    return { ref, commit, subject, dir, cli, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
