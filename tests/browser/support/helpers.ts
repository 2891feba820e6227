/**
 * Helpers for the browser tests: the test server's commands, element fixtures, waits, axe.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { ClientMessage, ServerMessage } from '../../../gateway/protocol.js';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import type { WidgetState } from '../../../widget/state.js';
import '../../../widget/index.js';

/** What the test server recorded for one connection. */
export interface SessionRecord {
  id: string;
  site: string;
  token: string | null;
  /** The `mode` query parameter (`text` for a typed-only session). */
  mode: string | null;
  messages: ClientMessage[];
  frames: number[];
  framesBeforeReady: number;
  ready: boolean;
  closed: boolean;
  closeCode: number | null;
}

/** A step the test server plays to the latest connection of a site. */
export type Step = { json: ServerMessage } | { tone: { ms: number; hz?: number } } | { close: number; reason?: string } | { waitMs: number };

/** URLs of the test server. */
export function serverInfo(): Promise<{ httpUrl: string; wsUrl: string }> {
  return executeServerCommand('vr-server');
}

/** Plays `steps` to the latest connection of `site`. */
export function play(site: string, ...steps: Step[]): Promise<boolean> {
  return executeServerCommand('vr-send', { site, steps });
}

/** Every connection the server saw for `site`. */
export function sessions(site: string): Promise<SessionRecord[]> {
  return executeServerCommand('vr-sessions', { site });
}

/** Waits until the latest connection of `site` sent a message of `type`. */
export function waitForMessage(site: string, type: ClientMessage['type'], timeoutMs = 5000): Promise<SessionRecord> {
  return executeServerCommand('vr-wait-message', { site, type, timeoutMs });
}

/** Waits until the latest connection of `site` sent `count` binary frames. */
export function waitForFrames(site: string, count: number, timeoutMs = 5000): Promise<SessionRecord> {
  return executeServerCommand('vr-wait-frames', { site, count, timeoutMs });
}

/** Waits until the latest connection of `site` is closed. */
export function waitForClosed(site: string, timeoutMs = 5000): Promise<SessionRecord> {
  return executeServerCommand('vr-wait-closed', { site, timeoutMs });
}

/** A site name no other test uses, keeping the given scenario prefix. */
export function uniqueSite(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Adds a `<voice-rag>` with `attributes` to the document and waits for its first render. */
export async function fixture(attributes: Record<string, string | true> = {}): Promise<VoiceRag> {
  const el = document.createElement('voice-rag');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value === true ? '' : value);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Removes every `<voice-rag>` the tests added. */
export function cleanup(): void {
  for (const el of document.querySelectorAll('voice-rag')) el.remove();
}

/** Resolves once `el` is in `state` (now or after a `voice-rag-state` event). */
export function waitForState(el: VoiceRag, state: WidgetState, timeoutMs = 5000): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      el.removeEventListener('voice-rag-state', listener);
      reject(new Error(`state stayed ${el.state}, expected ${state}`));
    }, timeoutMs);
    const listener = (event: Event) => {
      if ((event as Event & { state: WidgetState }).state !== state) return;
      clearTimeout(timer);
      el.removeEventListener('voice-rag-state', listener);
      resolve();
    };
    el.addEventListener('voice-rag-state', listener);
  });
}

/** Polls `test` every 20 ms until it holds. */
export async function until(test: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The element part named `name` inside the shadow root. */
export function part<T extends Element = HTMLElement>(el: VoiceRag, name: string): T {
  const found = el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
  if (!found) throw new Error(`no part ${name}`);
  return found;
}

interface AxeResults {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}
declare const axe: { run(context: Element, options?: object): Promise<AxeResults> };

/** Runs axe-core on `el` (shadow DOM included) and returns a readable list of violations. */
export async function axeViolations(el: Element): Promise<string[]> {
  const results = await axe.run(el, { resultTypes: ['violations'] });
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The engine the tests run in, for the few tests one engine cannot run (each says why where it skips). */
export const engine: 'chromium' | 'firefox' | 'webkit' = / Firefox\//.test(navigator.userAgent)
  ? 'firefox'
  : /Chrome\//.test(navigator.userAgent) ? 'chromium' : 'webkit';
