/**
 * Builds the widget into dist/widget/: `voice-rag.js` (one minified ES module, Lit bundled in),
 * the two AudioWorklet processors as plain files that import nothing, and `voice-rag.d.ts`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { build, defineConfig } from 'vite';
import type { Plugin } from 'vite';

const outDir = 'dist/widget';

const WORKLETS = {
  'voice-rag-capture': 'widget/audio/capture.worklet.ts',
  'voice-rag-playback': 'widget/audio/playback.worklet.ts',
} as const;

/** Stable names of the lazy chunks (module name -> file `voice-rag-NAME.js`); widget/scripts/size.mjs lists the files. */
const LAZY_CHUNKS: Record<string, string> = { call: 'webrtc', 'page-tools': 'page-tools', 'page-watcher': 'page', 'consent-notice': 'consent', 'feedback-view': 'feedback' };

/**
 * Collapses the whitespace of the element's `css` templates (the minifier keeps template text as
 * written). Only whitespace next to `{`, `}` and `;` is removed, where CSS never needs it.
 */
function compactStyles(): Plugin {
  return {
    name: 'voice-rag-compact-styles',
    apply: 'build',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return undefined;
      const compact = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/ ?([{};]) ?/g, '$1').replace(/([:,]) /g, '$1');
      return { code: code.replace(/css`([^`]*)`/g, (_, text: string) => `css\`${compact(text)}\``), map: null };
    },
  };
}

/**
 * After the main bundle: builds each worklet on its own (so neither shares a chunk nor imports
 * anything), emits declarations with tsc, and prints raw and gzip sizes of what a page loads.
 */
function widgetExtras(): Plugin {
  return {
    name: 'voice-rag-widget-extras',
    apply: 'build',
    async closeBundle() {
      for (const [name, entry] of Object.entries(WORKLETS)) {
        await build({
          configFile: false,
          logLevel: 'warn',
          build: {
            target: 'es2022',
            outDir,
            emptyOutDir: false,
            copyPublicDir: false,
            lib: { entry, formats: ['es'], fileName: () => `${name}.js` },
            rolldownOptions: { output: { minify: true } },
          },
        });
      }
      const tsc = spawnSync('npx', ['tsc', '-p', 'widget/tsconfig.types.json'], { stdio: 'inherit' });
      if (tsc.status !== 0) throw new Error('tsc could not emit the widget declarations');
      writeFileSync(`${outDir}/voice-rag.d.ts`, "export * from './types/widget/index.js';\n");
      // Exit code 1 from the size script means over budget: report it, but the build itself succeeded.
      spawnSync(process.execPath, ['widget/scripts/size.mjs'], { stdio: 'inherit' });
    },
  };
}

export default defineConfig({
  publicDir: false,
  build: {
    target: 'es2022',
    outDir,
    emptyOutDir: true,
    reportCompressedSize: true,
    lib: { entry: 'widget/index.ts', formats: ['es'], fileName: () => 'voice-rag.js' },
    rolldownOptions: {
      // Lets the modules the lazy chunks share with the entry stay in voice-rag.js (lib mode would split them out).
      preserveEntrySignatures: 'allow-extension',
      // Lib-mode ES output is not whitespace-minified unless asked.
      output: { minify: true, chunkFileNames: (chunk) => `voice-rag-${LAZY_CHUNKS[chunk.name] ?? chunk.name}.js` },
    },
  },
  plugins: [compactStyles(), widgetExtras()],
});
