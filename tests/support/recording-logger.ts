/**
 * A Logger that records every line (level, fields, message) for assertions.
 */
import type { Logger } from '../../gateway/logger.js';

export interface LogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  fields: Record<string, unknown>;
  message: string;
}

export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** Messages of every line, for `toContain`-style checks. */
  messages(): string[];
}

/** Creates a recording logger; children share the record and add their bindings. */
export function createRecordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log = (level: LogLine['level']) => (fields: object, message = '') =>
      void lines.push({ level, fields: { ...bindings, ...(fields as Record<string, unknown>) }, message });
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { ...make({}), lines, messages: () => lines.map((l) => l.message) };
}
