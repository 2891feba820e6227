/**
 * The template of `<voice-rag>`: mic button, waveform, status, live region, transcript, text box,
 * and in floating mode the launcher.
 */
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { MAX_TEXT_CHARS } from '../session/protocol-copies.js';
import type { Turn, WidgetState } from '../state.js';
import type { Strings } from './strings.js';
import { closeIcon, micIcon, renderTranscript, stopIcon } from './templates.js';

/** Everything the template shows, and the handlers it calls. */
export interface PanelView {
  strings: Strings;
  state: WidgetState;
  active: boolean;
  pressed: boolean;
  talking: boolean;
  pushToTalk: boolean;
  floating: boolean;
  open: boolean;
  label: string;
  countdown: number;
  queueSeconds: number;
  notice: string;
  error: string;
  announcement: string;
  /** Undefined when the transcript is hidden. */
  turns: readonly Turn[] | undefined;
  textInput: boolean;
  onMic(): void;
  onTalk(down: boolean): void;
  onEnd(): void;
  onSubmit(text: string): void;
  onToggle(): void;
  /** The consent notice (widget/consent-controller.ts), shown above the controls while it asks. */
  consent?: TemplateResult | typeof nothing;
  /** What follows each turn (the answer's rating controls). */
  afterTurn?: (turn: Turn) => unknown;
}

function statusText(v: PanelView): string {
  const s = v.strings;
  if (v.countdown > 0) return s.retryIn(v.countdown);
  if (v.state === 'queued' && v.queueSeconds > 0) return s.queued(v.queueSeconds);
  return s.state[v.state];
}

/** Renders the whole widget. */
export function renderPanel(v: PanelView): TemplateResult {
  const s = v.strings;
  const micLabel = v.pushToTalk ? (v.talking ? s.micRelease : s.micHold) : v.active ? s.micStop : s.micStart;
  const talkKey = (down: boolean) => (event: KeyboardEvent) => {
    if (!v.pushToTalk || (event.key !== ' ' && event.key !== 'Enter') || event.repeat) return;
    event.preventDefault();
    v.onTalk(down);
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    v.onSubmit(input.value);
    input.value = '';
  };
  return html`<div class="base" part="base">
    <section id="panel" class="panel" aria-label=${v.label || s.label} ?hidden=${v.floating && !v.open}>
      ${v.consent ?? nothing}
      <div class="controls">
        <button part="mic-button" class="mic" type="button" aria-pressed=${v.pressed ? 'true' : 'false'}
          aria-label=${micLabel} aria-describedby="status" @click=${v.onMic}
          @pointerdown=${() => v.pushToTalk && v.onTalk(true)} @pointerup=${() => v.pushToTalk && v.onTalk(false)}
          @pointerleave=${() => v.pushToTalk && v.onTalk(false)} @pointercancel=${() => v.pushToTalk && v.onTalk(false)}
          @keydown=${talkKey(true)} @keyup=${talkKey(false)}>${v.active && !v.pushToTalk ? stopIcon : micIcon}</button>
        <canvas part="waveform" aria-hidden="true"></canvas>
        ${v.pushToTalk && v.active ? html`<button class="end" type="button" @click=${v.onEnd}>${s.end}</button>` : nothing}
      </div>
      <p part="status" id="status" class="status">${statusText(v)}${v.notice ? ` ${v.notice}` : ''}</p>
      <p class="error" role="alert">${v.error}</p>
      <div class="sr-only" role="status" aria-live="polite">${v.announcement}</div>
      ${v.turns ? renderTranscript(v.turns, s, v.afterTurn) : nothing}
      ${v.textInput ? html`<form part="text-input" @submit=${submit}>
        <input name="text" type="text" autocomplete="off" maxlength=${MAX_TEXT_CHARS} aria-label=${s.textLabel}
          placeholder=${s.textPlaceholder} />
        <button type="submit">${s.send}</button>
      </form>` : nothing}
    </section>
    ${v.floating ? html`<button part="launcher" class="launcher" type="button" aria-expanded=${v.open ? 'true' : 'false'}
      aria-controls="panel" aria-label=${v.open ? s.close : s.open} @click=${v.onToggle}>${v.open ? closeIcon : micIcon}</button>` : nothing}
  </div>`;
}
