// Browser tests of <voice-rag> in Debian's Chromium (@web/test-runner + Playwright), fake microphone
// fed a WAV. Firefox ESR and WebKit: web-test-runner.firefox.config.mjs, web-test-runner.webkit.config.mjs.
import { playwrightLauncher } from '@web/test-runner-playwright';
import { micWavPath } from './tests/browser/support/fixtures.mjs';
import { browserTestConfig } from './tests/browser/support/wtr-shared.mjs';
import { findChromium } from './tests/support/prereqs.mjs';

const wav = micWavPath();

export default browserTestConfig({
  label: 'browser',
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: findChromium() ?? '/usr/bin/chromium',
        headless: true,
        // No --user-data-dir: playwright's launch() makes a fresh profile and rejects that flag.
        args: [
          '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${wav}%noloop`,
          '--autoplay-policy=no-user-gesture-required',
        ],
      },
    }),
  ],
});
