/**
 * `voice-rag serve | check | index | schema`: argument parsing and the commands that need
 * nothing but the configuration. `serve` and `index` load their modules on demand.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Env } from '../config/env.js';
import { ConfigError, formatIssue } from '../config/issues.js';
import { configJsonSchema } from '../config/json-schema.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { check } from './check.js';

/** Where the CLI writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Env;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/** The text of `voice-rag --help`. */
export const USAGE = `Usage: voice-rag <command> [options]

Commands:
  init    [--site ID] [--origin URL] [--docs DIR] [--engine offline|azure] [--force]
                                       write a starter configuration (voice-rag init --help)
  serve   [--config FILE] [--port N] [--workers N|auto]
                                       start the gateway (N processes behind one port)
  check   [--config FILE]              validate the configuration; print errors and warnings
  index   [--config FILE] [--site ID] [--push [--dry-run]]
                                       build the local search index of one site or all;
                                       --push fills an azure-search site's index from its ingest sources
  schema                               print the JSON Schema of the configuration file
  doctor  [--config FILE] [--site ID]  check the real services of each site (one connection per engine)
  insights --site ID [--since 7d] [--format md|csv|json] | --delete-session ID | --delete-visitor SUB
                                       what visitors asked that the documents did not answer (voice-rag insights --help)

Options:
  -c, --config FILE   configuration file (default: ${DEFAULT_CONFIG_PATH})
  -p, --port N        listen port for serve (overrides server.port)
  -w, --workers N     serve with N worker processes (auto: one per core; default: server.workers,
                      else one per core with NODE_ENV=production and a fixed port, else 1)
  -s, --site ID       one site for index
  -h, --help          show this help
`;

type Command = 'serve' | 'check' | 'index' | 'schema' | 'doctor';
const COMMANDS: readonly Command[] = ['serve', 'check', 'index', 'schema', 'doctor'];

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv[0] === 'init') return (await import('./init.js')).initCommand(argv.slice(1), io);
  if (argv[0] === 'insights') return reportConfigError(io, async () => (await import('./insights.js')).insightsCommand(argv.slice(1), io));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        workers: { type: 'string', short: 'w' },
        site: { type: 'string', short: 's' },
        push: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`voice-rag: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === undefined || !COMMANDS.includes(command as Command) || extra.length > 0) {
    const reason = command === undefined ? 'no command given' : extra.length > 0 ? `unexpected argument "${extra[0]}"` : `unknown command "${command}"`;
    io.stderr(`voice-rag: ${reason}\n\n${USAGE}`);
    return 2;
  }
  const configPath = values.config ?? DEFAULT_CONFIG_PATH;
  switch (command as Command) {
    case 'schema':
      io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return 0;
    case 'check':
      return check(configPath, io);
    case 'serve': {
      let port: number | undefined;
      if (values.port !== undefined) {
        port = Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          io.stderr(`voice-rag: --port must be an integer from 0 to 65535, not "${values.port}"\n`);
          return 2;
        }
      }
      const { isGatewayWorker, primaryStore, workersFromConfig } = await import('../node/cluster.js');
      // A worker of `serve --workers` serves alone; elsewhere the flag, server.workers or the default decide.
      if (!isGatewayWorker()) {
        const chosen = values.workers === undefined ? await workersFromConfig(configPath, port) : undefined;
        if (chosen && chosen.workers > 1) io.stderr(`voice-rag: ${chosen.workers} workers: ${chosen.why} (--workers 1 or server.workers: 1 for one process)\n`);
        const workers = values.workers ?? String(chosen?.workers ?? 1);
        if (workers !== '1') return serveWorkers(configPath, port, workers, io);
      }
      const store = isGatewayWorker() ? primaryStore() : undefined;
      const serve = await importCommand<(opts: { configPath: string; port?: number; store?: unknown; clusterWorker?: boolean }) => Promise<void>>(
        './serve.js', 'serve', io);
      if (!serve) return 1;
      return reportConfigError(io, async () => {
        await serve({ configPath, ...(port === undefined ? {} : { port }), ...(store ? { store } : {}), clusterWorker: isGatewayWorker() });
        return 0;
      });
    }
    case 'doctor': {
      const doctor = await importCommand<(opts: { configPath: string; site?: string; io: CliIo }) => Promise<number>>(
        './doctor.js', 'doctorCommand', io);
      if (!doctor) return 1;
      return reportConfigError(io, () => doctor({ configPath, site: values.site, io }));
    }
    case 'index': {
      const indexCommand = await importCommand<(opts: { configPath: string; site?: string; push?: boolean; dryRun?: boolean }) => Promise<number>>(
        './index-command.js', 'indexCommand', io);
      if (!indexCommand) return 1;
      const flags = { push: values.push === true, dryRun: values['dry-run'] === true };
      return reportConfigError(io, () => indexCommand(values.site === undefined ? { configPath, ...flags } : { configPath, site: values.site, ...flags }));
    }
  }
}

/** `serve --workers N`: one process (N = 1) or a node:cluster primary with N workers on one port. */
async function serveWorkers(configPath: string, port: number | undefined, value: string, io: CliIo): Promise<number> {
  const { parseWorkers, runPrimary } = await import('../node/cluster.js');
  const workers = parseWorkers(value);
  if (workers === undefined) {
    io.stderr(`voice-rag: --workers must be an integer from 1 to 256 or "auto", not "${value}"\n`);
    return 2;
  }
  if (workers === 1) return main(['serve', '--config', configPath, '--workers', '1', ...(port === undefined ? [] : ['--port', String(port)])], io);
  return reportConfigError(io, async () => {
    await runPrimary({ configPath, workers, ...(port === undefined ? {} : { port }), serveArgs: ['serve', '--config', configPath], log: (line) => io.stderr(`${line}\n`) });
    return 0;
  });
}

// serve and index load the config themselves; a refused file prints like `check` does.
async function reportConfigError(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) io.stderr(`${formatIssue(issue)}\n`);
    return 1;
  }
}

// The modules behind serve and index are written separately; a variable specifier keeps this
// file compiling before they exist, and a missing one is a clear message, not a stack trace.
async function importCommand<F>(relative: string, exportName: string, io: CliIo): Promise<F | undefined> {
  const url = new URL(relative, import.meta.url);
  const specifier: string = url.href;
  const path = fileURLToPath(url).replace(/\.js$/, '');
  const shown = `gateway/${url.pathname.split('/gateway/').pop()!}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(path);
    if (!missing) throw error;
    io.stderr(`voice-rag: this build has no ${shown} yet, so the command is not available\n`);
    return undefined;
  }
  const command = module[exportName];
  if (typeof command !== 'function') {
    io.stderr(`voice-rag: ${shown} does not export ${exportName}()\n`);
    return undefined;
  }
  return command as F;
}
