/**
 * The import boundary: the gateway's core folders use no Node built-in, ws, Hono or the Buffer
 * global, and import nothing from the adapter folders (node/, server/, cli/).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isRuntimeModule, scanFolders, specifiersOf, usesBuffer, violationsOf } from './imports.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const gatewayDir = join(root, 'gateway');

/** The runtime-free core (docs/ARCHITECTURE.md): the seven folders of issue 17, and auth/ and status/, clean too. */
const CORE_FOLDERS = ['retrieval', 'engines', 'session', 'limits', 'realtime', 'usage', 'config', 'auth', 'status', 'tools', 'insights'];

/**
 * Files not clean yet, each with what it still does: empty now that every core folder is clean.
 * A folder being cleaned on another branch may be listed here until it lands; the test below
 * fails on an entry that is no longer needed, so the list only shrinks.
 */
const NOT_YET_CLEAN: Record<string, string> = {};

const display = (file: string): string => relative(root, file).split('\\').join('/');

describe('the core import boundary', () => {
  it('no core file uses Node, ws, Hono, Buffer or an adapter (outside the allow-list)', () => {
    const violations = scanFolders(gatewayDir, CORE_FOLDERS)
      .filter((violation) => !(display(violation.file) in NOT_YET_CLEAN))
      .map((violation) => `${display(violation.file)}: ${violation.problem}`);
    expect(violations).toEqual([]);
  });

  it('every allow-listed file still breaks the boundary (remove the entry once it is clean)', () => {
    const dirty = new Set(scanFolders(gatewayDir, CORE_FOLDERS).map((violation) => display(violation.file)));
    const stale = Object.keys(NOT_YET_CLEAN).filter((file) => !dirty.has(file));
    expect(stale).toEqual([]);
  });

  it('the core entry (gateway/index.ts) reaches no adapter and no runtime module', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const specifier of specifiersOf(source)) {
        if (isRuntimeModule(specifier)) problems.push(`${display(file)} imports ${specifier}`);
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
        const top = relative(gatewayDir, target).split(/[\\/]/)[0];
        if (top === 'node' || top === 'server' || top === 'cli') problems.push(`${display(file)} imports the adapter ${specifier}`);
        else visit(target);
      }
    };
    visit(join(gatewayDir, 'index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});

describe('the boundary checker', () => {
  const file = join(gatewayDir, 'session', 'planted.ts');
  const problems = (source: string): string[] => violationsOf(file, source, gatewayDir).map((violation) => violation.problem);

  it('finds every kind of import statement', () => {
    const source = [
      "import { readFile } from 'node:fs/promises';",
      "import type {\n  WebSocket,\n} from 'ws';",
      "import 'hono';",
      "export { upgradeWebSocket } from '@hono/node-server';",
      "export * from 'hono/ws';",
      "const path = await import('path');",
      "const os = require(\"os\");",
      "import { a } from './local.js';",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['node:fs/promises', 'ws', 'hono', '@hono/node-server', 'hono/ws', 'path', 'os', './local.js']);
    expect(problems(source)).toEqual([
      'imports node:fs/promises', 'imports ws', 'imports hono', 'imports @hono/node-server', 'imports hono/ws', 'imports path', 'imports os',
    ]);
  });

  it('catches the Buffer global, an adapter import and a computed specifier', () => {
    expect(problems('export const b = Buffer.from(x).toString("base64");')).toEqual(['uses the Buffer global']);
    expect(problems("import { createFsSources } from '../node/fs-sources.js';")).toEqual(['imports the adapter ../node/fs-sources.js']);
    expect(problems("const m = await import('../server/app.js');")).toEqual(['imports the adapter ../server/app.js']);
    expect(problems('const m = await import(name);')).toEqual(['imports a computed specifier']);
  });

  it('ignores comments, strings and look-alike names', () => {
    const source = [
      "// import { readFile } from 'node:fs';",
      "/* import 'ws'; Buffer.from('') */",
      "/** Decodes without Buffer. */",
      "const message = 'no Buffer here, import from \"ws\"';",
      'const note = `Buffer ${1}`;',
      'class InputBuffer {}',
      'const x = value.Buffer;',
      "import { z } from 'zod';",
      "import { wsLike } from './ws.js';",
      "const quote = /['\"`]/g, slash = a / b / c;",
      "const after = 'import \"node:fs\"';",
    ].join('\n');
    expect(usesBuffer(source)).toBe(false);
    expect(problems(source)).toEqual([]);
  });

  describe('on a planted file', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('reports the planted violation with its file and leaves clean files alone', () => {
      dir = mkdtempSync(join(tmpdir(), 'voice-rag-boundary-'));
      mkdirSync(join(dir, 'usage', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'usage', 'clean.ts'), "import { z } from 'zod';\nexport const schema = z.string();\n");
      writeFileSync(join(dir, 'usage', 'deep', 'planted.ts'), "import { readFileSync } from 'node:fs';\nexport const pcm = Buffer.alloc(2);\n");
      const found = scanFolders(dir, ['usage']).map((violation) => `${relative(dir!, violation.file)}: ${violation.problem}`);
      expect(found).toEqual([
        `${join('usage', 'deep', 'planted.ts')}: imports node:fs`,
        `${join('usage', 'deep', 'planted.ts')}: uses the Buffer global`,
      ]);
    });
  });
});
