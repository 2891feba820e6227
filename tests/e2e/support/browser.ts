/**
 * Debian's Chromium through playwright-core, with the fake microphone fed a WAV file
 * (`--use-file-for-fake-audio-capture`), and screenshots under test-artifacts/e2e/<test>/<state>.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { findChromium } from '../../support/prereqs.mjs';
import { REPO_ROOT } from './gateway.js';

/** The Chromium binary: CHROME_PATH, else Debian's, else Playwright's (tests/support/prereqs.mjs). */
export const CHROMIUM_PATH = findChromium() ?? '/usr/bin/chromium';

/** Where screenshots go (the README names this folder). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

export interface LaunchOptions {
  /** WAV for the fake microphone, played once (`%noloop`), then silence. */
  wav?: string;
}

/** Launches headless Chromium with a fake microphone and autoplay allowed. */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROME_PATH)`);
  }
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    // A page whose response Playwright fulfils (to add a CSP header) has no IP address space, so
    // Local Network Access would block its socket to 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
    '--disable-features=LocalNetworkAccessChecks',
  ];
  // Without a file the fake device beeps; with a missing file it is silent without any error.
  if (options.wav) {
    if (!existsSync(options.wav)) throw new Error(`fake microphone WAV not found: ${options.wav}`);
    args.push(`--use-file-for-fake-audio-capture=${options.wav}%noloop`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

/** Saves a screenshot of `target` (the widget by default) as test-artifacts/e2e/<test>/<state>.png. */
export async function snap(page: Page, test: string, state: string, target?: Locator | 'page'): Promise<string> {
  const dir = join(ARTIFACTS_DIR, test);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${state}.png`);
  if (target === 'page') await page.screenshot({ path });
  else await (target ?? page.locator('voice-rag').first()).screenshot({ path, animations: 'disabled' });
  return path;
}
