/**
 * Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK's MiniBrowser (webdriverio over
 * WebKitWebDriver) behind one small page interface, so a WebRTC scenario is written once and run
 * in both engines. Each engine says why it is missing (tests/support/prereqs.mjs).
 */
import { spawn } from 'node:child_process';
import { missingPrerequisites, prerequisite } from '../../support/prereqs.mjs';
import { startNullAudio, stopNullAudio } from '../../browser/support/null-audio.mjs';
import { startWebKitDriver, stopWebKitDrivers, webkitCapabilities } from '../../browser/support/webkit-driver.mjs';

/** One page of an engine: scripts run in the page, real clicks, polling waits. */
export interface EnginePage {
  evaluate<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Resolves with the first truthy value of `fn` in the page, polled every 50 ms. */
  waitFor<A extends unknown[], T>(fn: (...args: A) => T, timeoutMs: number, ...args: A): Promise<T>;
  /** A real click on the element matching `selector` inside `<voice-rag>`'s shadow root. */
  clickInWidget(selector: string): Promise<void>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  name: 'firefox' | 'webkit';
  open(url: string): Promise<EnginePage>;
  close(): Promise<void>;
}

/** Why the engine's suite cannot run here, or undefined. */
export function engineSkipReason(engine: 'firefox' | 'webkit'): string | undefined {
  const missing = missingPrerequisites(engine === 'firefox' ? ['firefox', 'pulseaudio'] : ['webkit', 'xvfb']);
  return missing.length ? `${engine} is missing: ${missing.map((entry) => `${entry.name} (${entry.install})`).join('; ')}` : undefined;
}

/**
 * The Firefox prefs of a WebRTC call on loopback only. Without a stored microphone permission
 * Firefox gathers only the default route's addresses (never 127.0.0.1, whatever
 * `ice.loopback` says); `permissions.default.microphone` = 1 stores one for every origin.
 */
export const FIREFOX_WEBRTC_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // No TCP candidates at all: the service's peer offers UDP on 127.0.0.1 only.
  'media.peerconnection.ice.tcp': false,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
} as const;

export async function launchFirefox(): Promise<EngineBrowser> {
  const { default: puppeteer } = await import('puppeteer-core');
  // Firefox's AudioContext never starts without an output device: a PulseAudio null sink.
  const ownAudio = !process.env.PULSE_SERVER;
  if (ownAudio) process.env.PULSE_SERVER = await startNullAudio();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: prerequisite('firefox').find(),
    headless: true,
    extraPrefsFirefox: FIREFOX_WEBRTC_PREFS,
  });
  return {
    name: 'firefox',
    async open(url) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.goto(url);
      // The page's functions are typed by EnginePage; puppeteer's own generics add nothing here.
      const evaluate = page.evaluate.bind(page) as (fn: unknown, ...args: unknown[]) => Promise<never>;
      const waitForFunction = page.waitForFunction.bind(page) as (fn: unknown, options: object, ...args: unknown[]) => Promise<{ jsonValue(): Promise<unknown> }>;
      return {
        evaluate: (fn, ...args) => evaluate(fn, ...args),
        waitFor: async (fn, timeoutMs, ...args) => (await waitForFunction(fn, { timeout: timeoutMs, polling: 50 }, ...args)).jsonValue() as never,
        clickInWidget: async (selector) => (await page.waitForSelector(`voice-rag >>> ${selector}`, { timeout: 10_000 }))!.click(),
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      // A Vitest worker is killed rather than exited: stop the sink here, not at exit.
      if (!ownAudio) return;
      stopNullAudio();
      delete process.env.PULSE_SERVER;
    },
  };
}

/** An X display for WebKit: the caller's, else an Xvfb of our own on a free display number; resolves with its stopper. */
async function ensureDisplay(): Promise<() => void> {
  if (process.env.DISPLAY) return () => undefined;
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  process.once('exit', () => xvfb.kill());
  const display = await new Promise<string>((resolve, reject) => {
    xvfb.stdio[3]!.once('data', (data: Buffer) => resolve(data.toString().trim()));
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): apt-get install xvfb`)));
  });
  process.env.DISPLAY = `:${display}`;
  return () => {
    xvfb.kill();
    delete process.env.DISPLAY;
  };
}

export async function launchWebKit(): Promise<EngineBrowser> {
  const { remote } = await import('webdriverio');
  const stopDisplay = await ensureDisplay();
  const port = await startWebKitDriver();
  const browser = await remote({
    automationProtocol: 'webdriver',
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    // WebRTC asked for: this build has no RTCPeerConnection whatever the flags (docs/WIDGET.md, Tests).
    capabilities: webkitCapabilities(['--enable-media-stream=true', '--enable-webrtc=true']) as WebdriverIO.Capabilities,
  });
  const execute = browser.execute.bind(browser) as (fn: unknown, ...args: unknown[]) => Promise<never>;
  const evaluate: EnginePage['evaluate'] = (fn, ...args) => execute(fn, ...args);
  return {
    name: 'webkit',
    async open(url) {
      // WebDriver classic has one window: a page is the next navigation.
      await browser.url(url);
      return {
        evaluate,
        waitFor: async (fn, timeoutMs, ...args) => {
          const started = Date.now();
          for (;;) {
            const value = await evaluate(fn, ...args);
            if (value) return value;
            if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${fn.toString().slice(0, 120)}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        clickInWidget: async (selector) => {
          const element = browser.$('voice-rag').shadow$(selector);
          await element.waitForDisplayed({ timeout: 10_000 });
          await element.click();
        },
        close: async () => void (await browser.url('about:blank')),
      };
    },
    async close() {
      await browser.deleteSession();
      stopWebKitDrivers();
      stopDisplay();
    },
  };
}
