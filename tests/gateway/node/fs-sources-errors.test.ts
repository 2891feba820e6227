import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// A watcher that is ready at once and can be made to fail, like chokidar out of inotify watches.
const watchers: EventEmitter[] = [];
vi.mock('chokidar', () => ({
  watch: () => {
    const watcher = Object.assign(new EventEmitter(), { close: async () => {} });
    watchers.push(watcher);
    queueMicrotask(() => watcher.emit('ready'));
    return watcher;
  },
}));

const { createFsSources } = await import('../../../gateway/node/fs-sources.js');

describe('Node file sources, watcher failures', () => {
  it('hands a watcher error to onError instead of throwing it', async () => {
    const errors: unknown[] = [];
    const stop = await createFsSources().watch(['site'], '/tmp', () => {}, [], (error) => errors.push(error));
    const failure = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    expect(() => watchers[0]!.emit('error', failure)).not.toThrow();
    expect(errors).toEqual([failure]);
    await stop();
  });
});
