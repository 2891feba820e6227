/**
 * Maps a key path of the parsed data back to the line and column it came from, so every
 * problem zod or the cross-checks find can be shown at its place in the file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Finds a path's position in a document; returns a function so one walk setup serves many paths. */
export type Locator = (path: readonly PropertyKey[]) => Position;

/** Builds a locator for a parsed document; unknown tails map to the nearest existing ancestor. */
export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const at = (offset: number | undefined): Position => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let offset = startOf(node);
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) break;
        // The key's line reads best, also for block values that start on the next line.
        offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        offset = startOf(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return at(offset);
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
