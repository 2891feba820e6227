/**
 * `voice-rag init`: writes a commented starter configuration for one site and prints the two
 * lines to paste into the site's HTML and the next command to run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import type { CliIo } from './main.js';

export const INIT_USAGE = `Usage: voice-rag init [--site ID] [--origin URL] [--docs DIR] [--engine offline|azure] [--config FILE] [--force]

  --site ID        the widget's site id (default: docs)
  --origin URL     the page origin allowed to connect (default: http://localhost:8080)
  --docs DIR       the folder of Markdown, HTML, text or PDF to answer from (default: ./docs)
  --engine KIND    offline (bundled, no key; default) or azure (Azure OpenAI, keys from the environment)
  --config FILE    where to write (default: ${DEFAULT_CONFIG_PATH})
  --force          overwrite an existing file
`;

/** What the starter file is made from. */
export interface InitOptions {
  site: string;
  origin: string;
  docs: string;
  engine: 'offline' | 'azure';
}

const DEFAULTS: InitOptions = { site: 'docs', origin: 'http://localhost:8080', docs: './docs', engine: 'offline' };
const GATEWAY = 'http://localhost:8787';

/** The engine block of the starter file, indented under `engines:`. */
function engineBlock(engine: InitOptions['engine']): string {
  if (engine === 'offline') {
    return `  # The bundled offline engine: no network, no key. It speaks and answers from your documents
  # with simple extraction; switch to azure (voice-rag init --engine azure) for a real model.
  main:
    kind: offline
    quota:
      connections_per_minute: 600`;
  }
  return `  # Azure OpenAI Realtime. Set the variables before \`voice-rag serve\`; leave
  # AZURE_OPENAI_API_KEY unset to sign in with Microsoft Entra ID instead.
  main:
    kind: azure-openai
    endpoint: \${AZURE_OPENAI_ENDPOINT:-https://your-resource.openai.azure.com}
    deployment: \${AZURE_OPENAI_DEPLOYMENT:-gpt-realtime}
    api_key: \${AZURE_OPENAI_API_KEY:-}
    quota:
      # Your deployment's quota of new Realtime connections per minute (Azure "requests per minute").
      connections_per_minute: 6
      daily_budget_usd: 10`;
}

/** The text of the starter configuration (docs/CONFIG.md describes every key). */
export function starterConfig(options: InitOptions): string {
  const docs = options.docs.replace(/\/+$/, '') || '.';
  const share = options.engine === 'offline' ? 600 : 6;
  return `# voice-rag gateway configuration, written by \`voice-rag init\`.
# Every key: docs/CONFIG.md in the voice-rag package. Validate with \`npx voice-rag check\`.
server:
  port: \${PORT:-8787}
  # 127.0.0.1 serves this machine only; use 0.0.0.0 behind your reverse proxy.
  host: \${HOST:-127.0.0.1}

# memory: one gateway process. Use kind: redis (with url) to share limits between several.
store:
  kind: memory

engines:
${engineBlock(options.engine)}

sites:
  # The id your page names: <voice-rag site="${options.site}">.
  ${options.site}:
    # Pages allowed to connect: scheme, host and port exactly, no path.
    origins: ["${options.origin}"]
    engine: main
    limits:
      connections_per_minute: ${share}
      per_visitor_per_minute: 10
      max_concurrent: 20${options.engine === 'azure' ? '\n      daily_budget_usd: 5' : ''}
    retrieval:
      # A local index over your documents, rebuilt when they change.
      kind: local
      sources: ["${docs}/**/*.md", "${docs}/**/*.html"]
      # Page URL of a file: url_base + its path under ${docs}, .md replaced by url_extension.
      url_base: ${options.origin}/
      url_extension: .html
`;
}

/** Runs `voice-rag init` with its own arguments; resolves to the exit code. */
export async function initCommand(argv: readonly string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        site: { type: 'string', short: 's' },
        origin: { type: 'string' },
        docs: { type: 'string' },
        engine: { type: 'string' },
        config: { type: 'string', short: 'c' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`voice-rag init: ${(error as Error).message}\n\n${INIT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(INIT_USAGE);
    return 0;
  }
  const options: InitOptions = {
    site: values.site ?? DEFAULTS.site,
    origin: (values.origin ?? DEFAULTS.origin).replace(/\/+$/, ''),
    docs: values.docs ?? DEFAULTS.docs,
    engine: values.engine?.startsWith('azure') ? 'azure' : 'offline',
  };
  const problem = invalid(options, values.engine);
  if (problem) {
    io.stderr(`voice-rag init: ${problem}\n`);
    return 2;
  }
  const file = values.config ?? DEFAULT_CONFIG_PATH;
  const path = resolve(cwd, file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, starterConfig(options), { flag: values.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    io.stderr(`voice-rag init: ${file} already exists; not overwritten (use --force to replace it)\n`);
    return 1;
  }
  const shown = relative(cwd, path) || file;
  const configFlag = shown === DEFAULT_CONFIG_PATH ? '' : ` --config ${shown}`;
  io.stdout(`Wrote ${shown} (site "${options.site}", ${options.engine} engine, documents in ${options.docs}).

Paste into your page's HTML (use the gateway's public https URL once it is deployed):

  <script type="module" src="${GATEWAY}/voice-rag.js"></script>
  <voice-rag site="${options.site}"></voice-rag>

Then start the gateway:

  npx voice-rag serve${configFlag}
`);
  return 0;
}

// Bad flags are refused here, before a file is written; the config loader checks the rest.
function invalid(options: InitOptions, engine: string | undefined): string | undefined {
  if (engine !== undefined && !['offline', 'azure', 'azure-openai'].includes(engine)) return `--engine must be offline or azure, not "${engine}"`;
  if (!/^[A-Za-z0-9_-]+$/.test(options.site)) return `--site must be letters, digits, _ or -, not "${options.site}"`;
  if (!/^https?:\/\/[^/\s"]+$/.test(options.origin)) return `--origin must be a scheme and host such as https://example.com, not "${options.origin}"`;
  if (/["\n]/.test(options.docs)) return '--docs must be a folder path';
  return undefined;
}
