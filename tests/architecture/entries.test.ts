/**
 * The two package entries of the gateway: `voice-rag/gateway` (the core) exports no adapter,
 * and `voice-rag/gateway/node` exports the Node side; both point at sources that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../../gateway/index.js';
import * as adapters from '../../gateway/node/index.js';

const root = new URL('../../', import.meta.url);

describe('the gateway package entries', () => {
  it('map every gateway export of package.json to a source file', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, { default: string }> };
    const gateway = Object.entries(pkg.exports).filter(([name]) => name.startsWith('./gateway'));
    expect(gateway.map(([name]) => name).sort()).toEqual(['./gateway', './gateway/node']);
    for (const [, target] of gateway) {
      const source = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(new URL(source, root)), source).toBe(true);
    }
  });

  it('keep the core entry free of the Node side', () => {
    expect(Object.keys(core)).toEqual(expect.arrayContaining(['connectUpstream', 'createTokenCache', 'verifyVisitorToken', 'createOfflineSessions', 'CLOSE_CODE']));
    for (const name of ['serve', 'createGateway', 'assembleGateway', 'createApp', 'createWsSocketFactory', 'startOfflineEngine']) {
      expect(core, name).not.toHaveProperty(name);
    }
  });

  it('export the Node adapters from the adapters entry', () => {
    for (const name of ['serve', 'createGateway', 'assembleGateway', 'createApp', 'createWsSocketFactory', 'startOfflineEngine', 'createDefaultCredential', 'createLogger', 'watchConfig']) {
      expect(typeof (adapters as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
