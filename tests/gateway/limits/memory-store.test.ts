import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { FakeClock } from '../../support/fake-clock.js';
import { storeCases } from './store.cases.js';

storeCases('memory', async () => {
  const clock = new FakeClock();
  return {
    store: createMemoryStore(clock),
    now: () => clock.now(),
    pass: async (ms) => clock.advance(ms),
    dispose: async () => {},
  };
});
