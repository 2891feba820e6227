/** Styles of the answer feedback controls, adopted with their lazy chunk (widget/feedback-view.ts). */
import { css } from 'lit';

export const feedbackStyles = css`
  .feedback { display: flex; gap: 0.35rem; align-items: center; margin-top: 0.3rem; flex-wrap: wrap; }
  .feedback button { padding: 0.1rem 0.55rem; }
  .feedback button[aria-pressed='true'] { background: var(--accent); color: var(--on-accent); border-color: var(--accent); }
  .feedback-reason { display: flex; gap: 0.35rem; width: 100%; }
  .feedback-reason input { flex: 1; font: inherit; min-width: 0; }
  .feedback-thanks { color: var(--muted); font-size: 0.85em; }
`;
