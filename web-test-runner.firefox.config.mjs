// Browser tests of <voice-rag> in Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi
// (through @web/test-runner-chrome's launcher), with Firefox's fake microphone (a tone), autoplay allowed
// and a PulseAudio null sink as the speakers (Debian packages firefox-esr and pulseaudio).
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { startNullAudio } from './tests/browser/support/null-audio.mjs';
import { browserTestConfig } from './tests/browser/support/wtr-shared.mjs';

// Firefox plays through PulseAudio; without a sound card its AudioContext would never start.
process.env.PULSE_SERVER ??= await startNullAudio();

export default browserTestConfig({
  label: 'browser-firefox',
  startTimeout: 120000,
  finishTimeout: 300000,
  browsers: [
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: {
        browser: 'firefox',
        executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        headless: true,
        extraPrefsFirefox: {
          'media.navigator.streams.fake': true,
          'media.navigator.permission.disabled': true,
          // Audio starts without a click, as Chromium's --autoplay-policy flag allows there.
          'media.autoplay.default': 0,
          'media.autoplay.block-webaudio': false,
        },
      },
    }),
  ],
});
