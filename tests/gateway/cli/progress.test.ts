import { describe, expect, it } from 'vitest';
import { createProgress, formatEta } from '../../../gateway/cli/progress.js';

describe('index progress', () => {
  it('redraws one bar with an ETA on a terminal, and ends it with a newline', () => {
    let t = 0;
    let out = '';
    const progress = createProgress({ tty: true, write: (text) => (out += text), now: () => t, width: 10 });
    progress.update('embedded', 0, 200);
    t = 10_000;
    progress.update('embedded', 50, 200);
    progress.end();
    expect(out).toBe('\r[..........] embedded: 0/200 (0 %)\u001b[K\r[###.......] embedded: 50/200 (25 %), ETA 30 s\u001b[K\n');
  });

  it('writes plain lines at most once per interval otherwise, always the first and the last', () => {
    let t = 0;
    const lines: string[] = [];
    const progress = createProgress({ tty: false, write: (text) => lines.push(text), now: () => t, intervalMs: 5000 });
    for (let done = 0; done <= 100; done += 10) {
      progress.update('uploaded', done, 100);
      t += 1000;
    }
    expect(lines).toEqual(['uploaded: 0/100 (0 %)\n', 'uploaded: 50/100 (50 %), ETA 5 s\n', 'uploaded: 100/100 (100 %)\n']);
  });

  it('shows a detail after the count without starting a new line', () => {
    const lines: string[] = [];
    const progress = createProgress({ tty: false, write: (text) => lines.push(text), now: () => 0 });
    progress.update('files read and chunked', 0, 2, '0 chunks');
    progress.update('files read and chunked', 1, 2, '7 chunks');
    progress.update('files read and chunked', 2, 2, '9 chunks');
    expect(lines).toEqual(['files read and chunked: 0/2 (0 %), 0 chunks\n', 'files read and chunked: 2/2 (100 %), 9 chunks\n']);
  });

  it('formats long ETAs in minutes', () => expect(formatEta(185)).toBe('3 min 05 s'));
});
