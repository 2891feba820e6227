import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createConfigHolder } from '../../../gateway/config/index.js';
import { loadConfig } from '../../../gateway/node/config-file.js';
import type { LoadedConfig } from '../../../gateway/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));

describe('createConfigHolder', () => {
  it('swaps the reference and tells listeners the next and previous config', async () => {
    const first = await loadConfig(fixture('minimal.yaml'), {});
    const second = await loadConfig(fixture('minimal.json'), {});
    const holder = createConfigHolder(first);
    const seen: Array<[LoadedConfig, LoadedConfig]> = [];
    holder.onChange((next, previous) => seen.push([next, previous]));
    const snapshot = holder.current();
    holder.set(second);
    expect(holder.current()).toBe(second);
    expect(snapshot).toBe(first);
    expect(seen).toEqual([[second, first]]);
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const first = await loadConfig(fixture('minimal.yaml'), {});
    const holder = createConfigHolder(first);
    let calls = 0;
    const off = holder.onChange(() => {
      calls += 1;
    });
    holder.set(first);
    off();
    holder.set(first);
    expect(calls).toBe(1);
  });

  it('runs every listener even when one throws, then rethrows', async () => {
    const first = await loadConfig(fixture('minimal.yaml'), {});
    const holder = createConfigHolder(first);
    let later = false;
    holder.onChange(() => {
      throw new Error('boom');
    });
    holder.onChange(() => {
      later = true;
    });
    expect(() => holder.set(first)).toThrow('boom');
    expect(later).toBe(true);
  });
});
