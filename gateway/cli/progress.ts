/**
 * Progress of long work (`voice-rag index`: files read, chunks embedded, documents uploaded):
 * a bar redrawn in place on a terminal, plain periodic lines otherwise (logs, CI), each with
 * an ETA from the rate so far.
 */

/** Where progress goes and how it looks. */
export interface ProgressOptions {
  write(text: string): void;
  /** A terminal: redraw one line with `\r`. Otherwise: a line every `intervalMs`. */
  tty: boolean;
  intervalMs?: number;
  now?: () => number;
  width?: number;
}

/** One line of work with a known total. */
export interface Progress {
  /** `detail` (such as "120 chunks") is shown after the count; a new `label` starts a new line. */
  update(label: string, done: number, total: number, detail?: string): void;
  /** Ends the current line (a terminal gets its newline). */
  end(): void;
}

/** Formats seconds as "45 s" or "3 min 05 s". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Creates a progress reporter. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => Date.now());
  const interval = options.intervalMs ?? 5000;
  const width = options.width ?? 24;
  let current: { label: string; started: number; lastLine: number; drawn: boolean } | undefined;

  const text = (label: string, done: number, total: number, detail?: string) => {
    const elapsed = (now() - current!.started) / 1000;
    const eta = done > 0 && done < total ? `, ETA ${formatEta((elapsed / done) * (total - done))}` : '';
    return `${label}: ${done}/${total}${total > 0 ? ` (${Math.floor((done / total) * 100)} %)` : ''}${detail ? `, ${detail}` : ''}${eta}`;
  };

  return {
    update(label, done, total, detail) {
      if (current?.label !== label) {
        this.end();
        current = { label, started: now(), lastLine: -Infinity, drawn: false };
      }
      const finished = done >= total;
      if (options.tty) {
        const filled = total > 0 ? Math.round((done / total) * width) : width;
        options.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text(label, done, total, detail)}\u001b[K`);
        current.drawn = true;
      } else if (finished || now() - current.lastLine >= interval) {
        // Plain lines: the first, one per interval, and the last.
        options.write(`${text(label, done, total, detail)}\n`);
        current.lastLine = now();
      }
    },
    end() {
      if (current?.drawn && options.tty) options.write('\n');
      current = undefined;
    },
  };
}
