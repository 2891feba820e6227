/** Styles of the consent notice, adopted with its lazy chunk (widget/consent-notice.ts). */
import { css } from 'lit';

export const consentStyles = css`
  .consent {
    border: 1px solid var(--border);
    border-radius: calc(var(--radius) / 1.5);
    padding: 0.6rem 0.75rem;
    margin: 0 0 0.6rem;
  }
  .consent p { margin: 0 0 0.5rem; }
  .consent-title { font-weight: 600; }
  .consent a { color: var(--accent); }
  .consent-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
  .consent-agree { background: var(--accent) !important; color: var(--on-accent) !important; border-color: var(--accent) !important; }
`;
