/**
 * Records uncaught exceptions and unhandled rejections while a test runs: in production
 * either one would stop the gateway and every session on it.
 */

export interface CrashTrap {
  /** What escaped, in order. */
  readonly escaped: unknown[];
  /** Stops recording. */
  dispose(): void;
}

/** Starts recording process-level failures. */
export function trapCrashes(): CrashTrap {
  const escaped: unknown[] = [];
  const record = (error: unknown) => void escaped.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    escaped,
    dispose() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}
