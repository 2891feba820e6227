// Preloaded into a gateway under test (`--import`): on SIGUSR2, writes its collector pauses to the file in VOICE_RAG_BENCH_GC.
import { writeFileSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.VOICE_RAG_BENCH_GC;
if (file) {
  const state = { totalMs: 0, count: 0, recent: [] };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.totalMs += entry.duration;
      state.count++;
      // Epoch times, so the bench can tell which measured window a pause fell into.
      state.recent.push([performance.timeOrigin + entry.startTime, entry.duration]);
    }
    if (state.recent.length > 400) state.recent.splice(0, state.recent.length - 400);
  });
  observer.observe({ entryTypes: ['gc'] });
  // Written only when the bench asks, so the probe costs nothing between readings.
  const flush = () => writeFileSync(file, JSON.stringify(state));
  process.on('SIGUSR2', flush);
  flush();
}
