/** A CliIo that collects what a command prints, for the insights tests. */
import type { CliIo } from '../../../gateway/cli/main.js';

export function cliIo(env: Record<string, string> = {}): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    env,
    out: () => out,
    err: () => err,
  };
}
