/** Test doubles for the local index's ports: files in a Map, a cache in a Map, a recording logger. */
import type { CacheStore, RetrievalLogger, SourceFiles } from '../../../../gateway/retrieval/local/ports.js';

/** In-memory files with a watch that tests trigger by hand. */
export interface MemoryFiles extends SourceFiles {
  files: Map<string, string | Uint8Array | Error>;
  /** Calls every registered watcher as if `path` changed. */
  touch(path: string): void;
  globCalls: number;
  watching: number;
  /** While set, reads wait for it. */
  gate?: Promise<void>;
}

/** Creates in-memory files; `*` and `**` in globs are honoured, nothing else. */
export function memoryFiles(initial: Record<string, string | Uint8Array | Error>): MemoryFiles {
  const listeners = new Set<(path: string) => void>();
  const self: MemoryFiles = {
    files: new Map(Object.entries(initial)),
    globCalls: 0,
    watching: 0,
    touch: (path) => listeners.forEach((listener) => listener(path)),
    async glob(pattern) {
      self.globCalls++;
      const source = pattern.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*');
      const regex = new RegExp(`^${source}$`);
      return [...self.files.keys()].filter((path) => regex.test(path)).sort();
    },
    async read(path) {
      if (self.gate) await self.gate;
      const content = self.files.get(path);
      if (content === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      if (content instanceof Error) throw content;
      return typeof content === 'string' ? new TextEncoder().encode(content) : content;
    },
    async watch(_dirs, _cwd, onChange) {
      listeners.add(onChange);
      self.watching++;
      return async () => {
        listeners.delete(onChange);
        self.watching--;
      };
    },
  };
  return self;
}

/** A cache in a Map. */
export function memoryCache(): CacheStore & { entries: Map<string, string>; writes: number } {
  const entries = new Map<string, string>();
  const cache = {
    entries,
    writes: 0,
    read: async (name: string) => entries.get(name),
    write: async (name: string, text: string) => {
      cache.writes++;
      entries.set(name, text);
    },
  };
  return cache;
}

/** A logger that keeps what it was given. */
export function recordingLogger(): RetrievalLogger & { lines: Array<{ level: string; object: object; message?: string }> } {
  const lines: Array<{ level: string; object: object; message?: string }> = [];
  const at = (level: string) => (object: object, message?: string) => void lines.push({ level, object, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A minimal valid one-page PDF showing `text`, with `title` in its metadata. */
export function makePdf(text: string, title: string): Uint8Array<ArrayBuffer> {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (${title}) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
