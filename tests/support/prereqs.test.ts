// The prerequisite table: where Chromium and redis-server are looked for, and what a miss says.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PREREQUISITES, findChromium, missingPrerequisites, onPath, playwrightChromiums, prerequisite } from './prereqs.mjs';

const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-prereqs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('test prerequisites', () => {
  it('takes CHROME_PATH first, and reports a CHROME_PATH that does not exist as missing', () => {
    const chrome = join(scratch(), 'my-chrome');
    writeFileSync(chrome, '');
    vi.stubEnv('CHROME_PATH', chrome);
    expect(findChromium()).toBe(chrome);
    vi.stubEnv('CHROME_PATH', join(scratch(), 'absent'));
    expect(findChromium()).toBeUndefined();
    expect(missingPrerequisites(['chromium']).map((entry) => entry.name)).toEqual(['chromium']);
  });

  it("finds Playwright's Chromium builds, newest first", () => {
    const cache = scratch();
    for (const [build, dir] of [['chromium-1100', 'chrome-linux'], ['chromium-1200', 'chrome-linux64'], ['firefox-900', 'firefox']] as const) {
      mkdirSync(join(cache, build, dir), { recursive: true });
      writeFileSync(join(cache, build, dir, 'chrome'), '');
    }
    expect(playwrightChromiums(cache)).toEqual([join(cache, 'chromium-1200', 'chrome-linux64', 'chrome'), join(cache, 'chromium-1100', 'chrome-linux', 'chrome')]);
    expect(playwrightChromiums(join(cache, 'absent'))).toEqual([]);
  });

  it('looks for redis-server on PATH only, executables only', () => {
    const bin = scratch();
    writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n', { mode: 0o644 });
    vi.stubEnv('PATH', bin);
    expect(onPath('redis-server')).toBeUndefined();
    expect(missingPrerequisites(['redis-server']).map((entry) => entry.name)).toEqual(['redis-server']);
    chmodSync(join(bin, 'redis-server'), 0o755);
    expect(onPath('redis-server')).toBe(join(bin, 'redis-server'));
    expect(missingPrerequisites(['redis-server'])).toEqual([]);
  });

  it('gives every prerequisite an install command, and refuses unknown names', () => {
    expect(PREREQUISITES.length).toBeGreaterThanOrEqual(2);
    for (const entry of PREREQUISITES) expect(entry.install, entry.name).toMatch(/^(apt-get|npm) install /);
    expect(prerequisite('redis-server').debian).toEqual(['redis-server']);
    expect(() => prerequisite('nope')).toThrow(/unknown prerequisite/);
  });
});
