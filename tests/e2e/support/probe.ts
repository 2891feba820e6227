/**
 * An observer installed in the page before any of its scripts run. It records, with in-page
 * timestamps (performance.now), what the tests assert on: the widget's DOM events, the widget
 * protocol frames both ways, the playback worklet's played count, CSP violations and errors.
 * It only watches; it changes nothing the widget does.
 */
import type { Page } from 'playwright-core';

/** One widget protocol frame seen by the page's WebSocket. */
export interface ProbeFrame {
  t: number;
  dir: 'in' | 'out';
  /** The JSON `type`, or `binary`. */
  type: string;
  bytes: number;
  /** Outgoing audio only: RMS of the PCM16 frame, 0–1 (where the speech lies in what was sent). */
  rms?: number;
  json?: Record<string, unknown>;
}

/** Everything the probe has seen so far. */
export interface ProbeRecord {
  states: { t: number; state: string }[];
  errors: { t: number; code: string; message: string; retryAfterMs?: number }[];
  transcripts: { t: number; role: string; text: string; itemId: string; interrupted?: boolean }[];
  citations: { t: number; itemId: string; sources: { id: string; title: string; url?: string; snippet: string }[] }[];
  frames: ProbeFrame[];
  /** Progress reports of the playback worklet: 24 kHz samples played in the current response. */
  played: { t: number; type: string; samples: number }[];
  violations: { t: number; directive: string; blocked: string; source: string }[];
  pageErrors: { t: number; message: string }[];
}

declare global {
  interface Window {
    __voiceRagProbe: ProbeRecord;
  }
}

/** The init script (serialised by Playwright: it must not reference anything outside itself). */
export function installProbe(): void {
  const now = () => performance.now();
  const record: ProbeRecord = {
    states: [], errors: [], transcripts: [], citations: [], frames: [], played: [], violations: [], pageErrors: [],
  };
  window.__voiceRagProbe = record;

  // The widget's events carry their fields as properties (widget/events.ts, docs/WIDGET.md).
  document.addEventListener('voice-rag-state', (e) => record.states.push({ t: now(), state: String(e.state) }));
  document.addEventListener('voice-rag-error', (e) => {
    record.errors.push({ t: now(), code: String(e.code), message: String(e.message), ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }) });
  });
  document.addEventListener('voice-rag-transcript', (e) => {
    record.transcripts.push({ t: now(), role: String(e.role), text: String(e.text), itemId: String(e.itemId), interrupted: e.interrupted === true });
  });
  document.addEventListener('voice-rag-citations', (e) => {
    record.citations.push({ t: now(), itemId: String(e.itemId), sources: JSON.parse(JSON.stringify(e.sources ?? [])) });
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    record.violations.push({ t: now(), directive: e.violatedDirective, blocked: e.blockedURI, source: `${e.sourceFile}:${e.lineNumber}` });
  });
  window.addEventListener('error', (e) => record.pageErrors.push({ t: now(), message: String(e.message) }));
  window.addEventListener('unhandledrejection', (e) => record.pageErrors.push({ t: now(), message: `unhandled rejection: ${String(e.reason)}` }));

  const frame = (dir: 'in' | 'out', data: unknown) => {
    if (typeof data === 'string') {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(data) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      record.frames.push({ t: now(), dir, type: String(json?.type ?? 'text'), bytes: data.length, ...(json ? { json } : {}) });
    } else {
      const bytes = (data as ArrayBuffer).byteLength ?? (data as Blob).size ?? 0;
      let rms: number | undefined;
      if (dir === 'out' && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
        const view = data instanceof ArrayBuffer ? new Int16Array(data, 0, data.byteLength >> 1)
          : new Int16Array(data.buffer, data.byteOffset, data.byteLength >> 1);
        let sum = 0;
        for (let i = 0; i < view.length; i++) sum += (view[i]! / 32768) ** 2;
        rms = view.length ? Math.sqrt(sum / view.length) : 0;
      }
      record.frames.push({ t: now(), dir, type: 'binary', bytes, ...(rms === undefined ? {} : { rms }) });
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Registered before the widget's own listener, so the timestamp precedes its handling.
      this.addEventListener('message', (e) => frame('in', e.data));
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      frame('out', data);
      super.send(data);
    }
  };

  if (typeof AudioWorkletNode === 'function') {
    const NativeNode = AudioWorkletNode;
    window.AudioWorkletNode = class extends NativeNode {
      constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
        super(context, name, options);
        if (!name.includes('playback')) return;
        this.port.addEventListener('message', (e: MessageEvent) => {
          const data = e.data as { type?: string; samples?: number } | undefined;
          if (data && typeof data.samples === 'number') record.played.push({ t: now(), type: String(data.type), samples: data.samples });
        });
      }
    };
  }
}

/** Installs the probe in every document `page` loads from now on. */
export async function installPageProbe(page: Page): Promise<void> {
  await page.addInitScript(installProbe);
}

/** A copy of what the probe has recorded. */
export function readProbe(page: Page): Promise<ProbeRecord> {
  return page.evaluate(() => window.__voiceRagProbe);
}

/** Waits until the widget has emitted `state` (at or after index `from` of the state list). */
export async function waitForState(page: Page, state: string, timeoutMs = 20_000, from = 0): Promise<number> {
  const handle = await page.waitForFunction(
    ([wanted, start]) => {
      const states = window.__voiceRagProbe?.states ?? [];
      for (let i = start; i < states.length; i++) if (states[i]!.state === wanted) return states[i]!.t;
      return false;
    },
    [state, from] as const,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}

/** Waits until a protocol frame of `type` arrived from the gateway; resolves with it. */
export async function waitForFrame(page: Page, type: string, timeoutMs = 20_000, dir: 'in' | 'out' = 'in'): Promise<ProbeFrame> {
  const handle = await page.waitForFunction(
    ([wanted, direction]) => window.__voiceRagProbe?.frames.find((f) => f.type === wanted && f.dir === direction) ?? false,
    [type, dir] as const,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as ProbeFrame;
}

/** The 24 kHz sample count → milliseconds, as the widget reports `played_ms`. */
export const samplesToMs = (samples: number): number => Math.floor(samples / 24);
