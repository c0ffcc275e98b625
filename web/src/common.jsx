// Small shared pieces: diagnostics list, error box, loading text.
import { errorDiagnostics } from './api.js';

const ORDER = ['error', 'warning', 'note', 'info'];

// Diagnostics grouped by severity, each shown by its "text" (file:line:column: severity: message (hint)).
export function Diagnostics({ items, title, id }) {
  if (!items || !items.length) return null;
  const groups = {};
  for (const d of items) {
    const sev = d.severity || 'error';
    (groups[sev] = groups[sev] || []).push(d);
  }
  const sevs = Object.keys(groups).sort((a, b) => rank(a) - rank(b));
  return (
    <div class="diagnostics" id={id}>
      {title && <h4>{title}</h4>}
      {sevs.map((sev) => (
        <section class={`diag-group diag-${sev}`} key={sev} data-severity={sev}>
          <h5>
            {groups[sev].length} {sev}
            {groups[sev].length === 1 ? '' : sev.endsWith('s') ? '' : 's'}
          </h5>
          <ul>
            {groups[sev].map((d, i) => (
              <li key={i} class="diag-text">{d.text || d.message}</li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function rank(sev) {
  const i = ORDER.indexOf(sev);
  return i < 0 ? ORDER.length : i;
}

// An error of a request: always the diagnostics' text lines, never an empty box.
export function ErrorBox({ error }) {
  if (!error) return null;
  const diags = errorDiagnostics(error);
  return (
    <div class="error-box" role="alert">
      <Diagnostics items={diags} />
    </div>
  );
}

export function Loading({ what }) {
  return <p class="loading" aria-live="polite">Loading {what}…</p>;
}

export function Section({ title, id, children }) {
  return (
    <section class="card" id={id} aria-labelledby={id ? `${id}-h` : undefined}>
      <h3 id={id ? `${id}-h` : undefined}>{title}</h3>
      {children}
    </section>
  );
}
