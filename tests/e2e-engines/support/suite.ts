/**
 * The frame every engine file shares: the skip rule (a missing engine fails in CI, skips with its
 * reason elsewhere), the scene and browser for the file, and the check that a visitor got the answer.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { engineSkipReason, type EngineBrowser, type EnginePage } from './engines.js';
import {
  ANSWER, QUESTION, SOURCE, buildSkipReason, readProbe, startWebrtcScene, waitForFrame, waitForText, widgetView, type WebrtcScene,
} from './webrtc-scene.js';
import type { ProbeRecord } from '../../e2e/support/probe.js';

/** Why this engine's file skips, or undefined; throws instead under CI. */
export function engineSkip(engine: EngineBrowser['name']): string | undefined {
  const skip = engineSkipReason(engine) ?? buildSkipReason;
  if (skip && process.env.CI) throw new Error(skip);
  if (skip) console.warn(`skipped: ${skip}`);
  return skip;
}

/** Starts the scene and the engine before the file's tests, and stops both after them. */
export function useEngineScene(launch: () => Promise<EngineBrowser>): { readonly scene: WebrtcScene; readonly browser: EngineBrowser } {
  let scene: WebrtcScene | undefined;
  let browser: EngineBrowser | undefined;
  beforeAll(async () => {
    scene = await startWebrtcScene();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(scene?.logs.lines.slice(-40).join('\n'));
    if (scene) scene.peers.unreachable = false;
  });
  return {
    get scene() {
      return scene!;
    },
    get browser() {
      return browser!;
    },
  };
}

/** Waits for the answer of answerSpokenQuestion() in the page and checks what the visitor sees; returns the probe. */
export async function expectAnswered(page: EnginePage): Promise<ProbeRecord> {
  await waitForFrame(page, 'citations', 10_000);
  await waitForText(page, 'no copay', 10_000);
  const view = await widgetView(page);
  expect(view.transcript).toContain(ANSWER);
  expect(view.transcript).toContain(QUESTION);
  expect(view.citations).toContain(SOURCE.url);
  const probe = await readProbe(page);
  expect(probe.frames.some((f) => f.type === 'searching')).toBe(true);
  expect(probe.pageErrors).toEqual([]);
  return probe;
}
