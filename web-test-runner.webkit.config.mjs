// Browser tests of <voice-rag> in WebKit (WebKitGTK's MiniBrowser, the engine behind Safari) through
// WebKitWebDriver and WebDriver classic, with mock capture devices and autoplay allowed. Needs an
// X display: `xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" npx web-test-runner --config …`.
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { startWebKitDriver } from './tests/browser/support/webkit-driver.mjs';
import { browserTestConfig } from './tests/browser/support/wtr-shared.mjs';

const port = await startWebKitDriver();

export default browserTestConfig({
  label: 'browser-webkit',
  browsers: [
    webdriverLauncher({
      automationProtocol: 'webdriver',
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        // webdriverio asks for BiDi otherwise, which WebKitWebDriver refuses.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
          // --automation is required with browserOptions; without mock devices getUserMedia fails
          // (OverconstrainedError); without the autoplay policy resume() waits for a real click.
          args: ['--automation', '--enable-mock-capture-devices=true', '--autoplay-policy=allow'],
        },
      },
    }),
  ],
});
