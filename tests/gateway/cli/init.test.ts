// `voice-rag init`: the starter file it writes passes `check`, and it never overwrites by accident.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initCommand } from '../../../gateway/cli/init.js';
import { main } from '../../../gateway/cli/main.js';
import type { CliIo } from '../../../gateway/cli/main.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'voice-rag-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: (io: CliIo) => Promise<number>) {
  let stdout = '';
  let stderr = '';
  const code = await command({ stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: {} });
  return { code, stdout, stderr };
}
const init = (...argv: string[]) => run((io) => initCommand(argv, io, dir));
const check = (file: string) => run((io) => main(['check', '--config', join(dir, file)], io));

describe('voice-rag init', () => {
  it('writes a starter config that check passes, and prints the HTML and the next command', async () => {
    const { code, stdout } = await init();
    expect(code).toBe(0);
    const text = readFileSync(join(dir, 'voice-rag.config.yaml'), 'utf8');
    expect(text).toMatch(/^# /); // commented
    expect(text).toContain('kind: offline');
    expect(stdout).toContain('<script type="module" src="http://localhost:8787/voice-rag.js"></script>');
    expect(stdout).toContain('<voice-rag site="docs"></voice-rag>');
    expect(stdout).toContain('npx voice-rag serve\n');
    const checked = await check('voice-rag.config.yaml');
    expect(checked.stdout).toContain('valid (0 warnings)');
    expect(checked.code).toBe(0);
  });

  it('takes the site, origin, documents folder and engine from flags', async () => {
    const { code, stdout } = await init('--site', 'help', '--origin', 'https://example.com/', '--docs', './content', '--engine', 'azure', '--config', 'conf/site.yaml');
    expect(code).toBe(0);
    const text = readFileSync(join(dir, 'conf/site.yaml'), 'utf8');
    expect(text).toContain('  help:\n');
    expect(text).toContain('origins: ["https://example.com"]');
    expect(text).toContain('sources: ["./content/**/*.md"');
    expect(text).toContain('kind: azure-openai');
    expect(stdout).toContain('<voice-rag site="help"></voice-rag>');
    expect(stdout).toContain('npx voice-rag serve --config conf/site.yaml');
    const checked = await check('conf/site.yaml');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(': valid (');
  });

  it('never overwrites an existing file unless given --force', async () => {
    writeFileSync(join(dir, 'voice-rag.config.yaml'), 'mine: true\n');
    const refused = await init('--site', 'other');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(join(dir, 'voice-rag.config.yaml'), 'utf8')).toBe('mine: true\n');
    const forced = await init('--site', 'other', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'voice-rag.config.yaml'), 'utf8')).toContain('  other:\n');
  });

  it.each([
    [['--engine', 'gpt'], '--engine must be offline or azure'],
    [['--site', 'a b'], '--site must be'],
    [['--origin', 'example.com'], '--origin must be'],
    [['--bogus'], 'Unknown option'],
  ])('refuses %j without writing a file', async (argv, message) => {
    const { code, stderr } = await init(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(() => readFileSync(join(dir, 'voice-rag.config.yaml'))).toThrow();
  });

  it('is reachable as `voice-rag init` and listed in the usage', async () => {
    const help = await run((io) => main(['--help'], io));
    expect(help.stdout).toMatch(/^  init /m);
    const viaMain = await run((io) => main(['init', '--help'], io));
    expect(viaMain.code).toBe(0);
    expect(viaMain.stdout).toContain('--engine KIND');
  });
});
