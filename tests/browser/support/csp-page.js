// Runs inside csp.html (served with a strict CSP by the test server): loads the built widget from
// the same origin, starts a session, and reports CSP violations and the widget's states to the parent.
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
const states = [];
const report = (extra = {}) => parent.postMessage({ source: 'voice-rag-csp', violations, states, ...extra }, '*');

try {
  await import('/voice-rag.js');
  const el = document.querySelector('voice-rag');
  el.addEventListener('voice-rag-state', (event) => {
    states.push(event.state);
    if (event.state === 'listening') setTimeout(() => report({ done: true }), 800);
  });
  await el.updateComplete;
  el.shadowRoot.querySelector('[part=mic-button]').click();
  setTimeout(() => report({ done: true, timeout: true }), 8000);
} catch (error) {
  report({ done: true, error: String(error) });
}
