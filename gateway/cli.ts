#!/usr/bin/env node
/**
 * Entry point of the `voice-rag` command (bin/voice-rag.js imports the compiled file; in
 * development `npx tsx gateway/cli.ts`). Everything testable lives in cli/main.ts.
 */
import { main } from './cli/main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`voice-rag: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  // A command that failed (a port in use, say) may have left timers and indexes running: end now.
  process.exit(1);
}
