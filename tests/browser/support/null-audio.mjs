// A PulseAudio server with one null sink, for Firefox on a machine without a sound card: Firefox's
// AudioContext never starts without an output device, and the null sink plays in real time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Stoppers of the servers this process started. */
const running = new Set();

/** Stops every null sink this process started (a Vitest worker is killed, not exited, so `exit` never runs). */
export function stopNullAudio() {
  for (const stop of running) stop();
}

/** Starts `pulseaudio` (Debian package `pulseaudio`) and returns its `PULSE_SERVER` address; it stops when Node exits. */
export async function startNullAudio() {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-pulse-'));
  const socket = join(dir, 'native');
  const child = spawn('pulseaudio', [
    '-n', '--daemonize=no', '--exit-idle-time=-1', '--use-pid-file=no', '--log-target=stderr', '--log-level=error',
    '--load=module-null-sink sink_name=voice_rag_null',
    `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
  ], { env: { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = () => {
    running.delete(stop);
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stop);
  process.once('exit', stop);
  const failed = new Promise((_, reject) => child.once('error', reject));
  for (let waited = 0; !existsSync(socket); waited += 50) {
    if (waited > 10_000 || child.exitCode !== null) throw new Error('pulseaudio did not start (apt-get install pulseaudio)');
    await Promise.race([new Promise((r) => setTimeout(r, 50)), failed]);
  }
  return `unix:${socket}`;
}
