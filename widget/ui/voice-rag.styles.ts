/**
 * Styles of `<voice-rag>`. Public knobs are `--voice-rag-*` custom properties read with fallbacks;
 * internal variables are unprefixed and declared on `:host`, so nothing from the page leaks in.
 */
import { css } from 'lit';

/** The element's shadow styles (adopted stylesheets: no inline style, so strict CSP is fine). */
/** The dark palette, for theme="dark" and for theme="auto" under a dark system preference. */
const darkTokens = css`
  --accent: var(--voice-rag-accent, #93c5fd);
  --on-accent: var(--voice-rag-on-accent, #0b1220);
  --bg: var(--voice-rag-background, #111827);
  --fg: var(--voice-rag-foreground, #f3f4f6);
  --muted: var(--voice-rag-muted, #cbd5e1);
  --border: var(--voice-rag-border, #374151);
  --danger: var(--voice-rag-danger, #fca5a5);
  color-scheme: dark;
`;

export const voiceRagStyles = css`
  :host {
    display: block;
    --accent: var(--voice-rag-accent, #1d4ed8);
    --on-accent: var(--voice-rag-on-accent, #ffffff);
    --bg: var(--voice-rag-background, #ffffff);
    --fg: var(--voice-rag-foreground, #1f2937);
    --muted: var(--voice-rag-muted, #4b5563);
    --border: var(--voice-rag-border, #d1d5db);
    --danger: var(--voice-rag-danger, #b91c1c);
    --radius: var(--voice-rag-radius, 12px);
    --font: var(--voice-rag-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    --size: var(--voice-rag-size, 3rem);
    --width: var(--voice-rag-width, 22rem);
    --max-height: var(--voice-rag-max-height, 28rem);
    --shadow: var(--voice-rag-shadow, 0 8px 24px rgb(0 0 0 / 0.18));
    --z: var(--voice-rag-z-index, 2147483000);
    color-scheme: light;
  }
  :host([hidden]) { display: none; }
  :host([theme='dark']) {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light']):not([theme='dark'])) {
      ${darkTokens}
    }
  }
  .base { font: 0.95rem/1.45 var(--font); color: var(--fg); }
  .panel {
    display: flex; flex-direction: column; gap: 0.6rem; box-sizing: border-box;
    background: var(--bg); color: var(--fg); border: 1px solid var(--border);
    border-radius: var(--radius); padding: 0.85rem; max-width: var(--width);
  }
  .panel[hidden] { display: none; }
  :host([mode='floating']) .base { position: fixed; z-index: var(--z); inset: auto 1.25rem 1.25rem auto; }
  :host([mode='floating'][position='bottom-left']) .base { inset: auto auto 1.25rem 1.25rem; }
  :host([mode='floating'][position='top-right']) .base { inset: 1.25rem 1.25rem auto auto; }
  :host([mode='floating'][position='top-left']) .base { inset: 1.25rem auto auto 1.25rem; }
  :host([mode='floating']) .panel {
    width: var(--width); max-height: var(--max-height); box-shadow: var(--shadow); margin-bottom: 0.75rem;
  }
  :host([mode='floating'][position^='top']) .base { display: flex; flex-direction: column-reverse; }
  :host([mode='floating'][position^='top']) .panel { margin: 0.75rem 0 0; }
  :host([mode='floating'][position$='right']) .launcher { margin-left: auto; }
  .controls { display: flex; align-items: center; gap: 0.6rem; }
  button { font: inherit; cursor: pointer; }
  .mic, .launcher {
    flex: none; inline-size: var(--size); block-size: var(--size); border-radius: 50%;
    border: 2px solid var(--accent); background: var(--bg); color: var(--accent);
    display: grid; place-items: center; padding: 0;
  }
  .launcher { display: grid; background: var(--accent); color: var(--on-accent); box-shadow: var(--shadow); }
  .mic[aria-pressed='true'] { background: var(--accent); color: var(--on-accent); }
  .mic svg, .launcher svg { inline-size: 55%; block-size: 55%; fill: currentColor; }
  canvas { flex: 1; min-inline-size: 0; block-size: calc(var(--size) * 0.8); color: var(--accent); }
  .end, form button {
    border: 1px solid var(--accent); border-radius: calc(var(--radius) / 1.5);
    background: var(--accent); color: var(--on-accent); padding: 0.35rem 0.8rem;
  }
  .status { margin: 0; color: var(--muted); font-size: 0.9em; }
  .error { margin: 0; color: var(--danger); font-weight: 600; }
  .error:empty { display: none; }
  .transcript { list-style: none; margin: 0; padding: 0; overflow-y: auto; max-block-size: 16rem; display: grid; gap: 0.5rem; }
  .transcript:empty { display: none; }
  .turn { margin: 0; }
  .who { font-weight: 600; margin-inline-end: 0.35rem; }
  .user .who { color: var(--muted); }
  .pending { opacity: 0.8; font-style: italic; }
  .interrupted { font-size: 0.85em; font-style: italic; opacity: 0.8; }
  .citations { margin: 0.3rem 0 0; padding-inline-start: 1.1rem; font-size: 0.88em; }
  .citations a { color: var(--accent); }
  .snippet { display: block; color: var(--muted); }
  form { display: flex; gap: 0.4rem; margin: 0; }
  input {
    flex: 1; min-inline-size: 0; font: inherit; color: var(--fg); background: var(--bg);
    border: 1px solid var(--border); border-radius: calc(var(--radius) / 1.5); padding: 0.35rem 0.6rem;
  }
  input::placeholder { color: var(--muted); }
  .sr-only {
    position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden;
    clip-path: inset(50%); white-space: nowrap;
  }
  :focus { outline: none; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  @media (prefers-reduced-motion: no-preference) {
    .mic, .launcher { transition: background-color 120ms ease, color 120ms ease; }
  }
  @media (forced-colors: active) {
    .mic, .launcher, .end, form button, input, .panel { border: 1px solid ButtonText; forced-color-adjust: auto; }
    .mic[aria-pressed='true'] { background: Highlight; color: HighlightText; }
    canvas { color: CanvasText; }
    :focus-visible { outline-color: Highlight; }
  }
  /* The buttons of the consent notice and the answer feedback; the rest of their styles load with them. */
  .consent-actions button, .feedback button, .feedback-reason button {
    font: inherit;
    border: 1px solid var(--border);
    border-radius: 999px;
    padding: 0.25rem 0.8rem;
    background: var(--bg);
    color: var(--fg);
    cursor: pointer;
  }
  .consent-unavailable { color: var(--danger); margin: 0 0 0.5rem; }
`;
