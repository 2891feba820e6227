// Starts Debian's WebKitWebDriver (package webkit2gtk-driver) on a free loopback port for the WebKit
// browser tests; it needs an X display (run the suite under xvfb-run) and stops when Node exits.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The MiniBrowser capabilities that work under WebKitWebDriver, with `extraArgs` for the browser. */
export function webkitCapabilities(extraArgs = []) {
  return {
    browserName: 'MiniBrowser',
    // webdriverio asks for BiDi otherwise, which WebKitWebDriver refuses.
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': {
      binary: process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
      // --automation is required with browserOptions; without mock devices getUserMedia fails
      // (OverconstrainedError); without the autoplay policy resume() waits for a real click.
      args: ['--automation', '--enable-mock-capture-devices=true', '--autoplay-policy=allow', ...extraArgs],
    },
  };
}

/** The drivers this process started. */
const drivers = new Set();

/** Stops every driver this process started (a Vitest worker is killed, not exited, so `exit` never runs). */
export function stopWebKitDrivers() {
  for (const child of drivers) child.kill();
  drivers.clear();
}

/** Starts the driver and resolves with its port once `/status` answers ready. */
export async function startWebKitDriver(binary = process.env.WEBKIT_DRIVER_PATH ?? 'WebKitWebDriver') {
  if (!process.env.DISPLAY) throw new Error('WebKit needs an X display: run the suite under xvfb-run -a');
  const port = await freePort();
  const child = spawn(binary, [`--port=${port}`, '--host=127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.once('exit', () => child.kill());
  drivers.add(child);
  const failed = new Promise((_, reject) => child.once('error', reject));
  for (let waited = 0; ; waited += 100) {
    const ready = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.json()).then((b) => b.value?.ready, () => false);
    if (ready) return port;
    if (waited > 10_000 || child.exitCode !== null) throw new Error(`${binary} did not start (apt-get install webkit2gtk-driver)`);
    await Promise.race([new Promise((r) => setTimeout(r, 100)), failed]);
  }
}
