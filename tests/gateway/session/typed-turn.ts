/** One typed question answered by the first response of the text-turn transcript: the setup the typed-text suites share. */
import type { Harness } from '../../support/gateway-harness.js';
import { loadTranscript, type ScriptDialect, type TranscriptLine } from '../../support/scripted-upstream.js';
import type { WidgetConnectOptions } from '../../support/widget-client.js';

export const TYPED_QUESTION = 'What is the in-network deductible for Northwind Standard?';

export async function playTypedTurn(harness: Harness, dialect: ScriptDialect, connect: WidgetConnectOptions = {}) {
  const widget = await harness.connect(connect);
  await widget.next('ready');
  const upstream = await harness.upstream.nextConnection();
  const lines: TranscriptLine[] = loadTranscript(`text-turn-${dialect}`);
  // The transcript's second, caption-only response is the transcript author's, not the gateway's.
  const firstDone = lines.findIndex((l) => l.event.type === 'response.done');
  const playing = upstream.play(lines.slice(0, firstDone + 1));
  widget.send({ type: 'text', text: TYPED_QUESTION });
  await playing;
  await widget.next('response_done');
  return { widget, upstream, lines };
}
