// Browser tests of <voice-rag> in WebKit (WebKitGTK's MiniBrowser, the engine behind Safari) through
// WebKitWebDriver and WebDriver classic, with mock capture devices and autoplay allowed. Needs an
// X display: `xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" npx web-test-runner --config …`.
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { startWebKitDriver, webkitCapabilities } from './tests/browser/support/webkit-driver.mjs';
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
      capabilities: webkitCapabilities(),
    }),
  ],
});
