// Downloads tab: the HTML report, the XLSX workbook, the whole review as JSON (GET P/export) and every SVG figure of
// the review's current data.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { ErrorBox, Section } from './common.jsx';

// Figure names are opaque; group them under the outcome whose name they contain, the rest under "Network".
export function groupFigures(names, outcomes) {
  const groups = new Map();
  const byLength = [...outcomes].sort((a, b) => b.length - a.length);
  for (const n of names) {
    const o = outcomes.length > 1 ? byLength.find((x) => n.includes(x)) : null;
    const key = o || (outcomes.length === 1 ? outcomes[0] : 'Figures');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(n);
  }
  return [...groups.entries()];
}

export function DownloadsTab({ P, name, summary }) {
  const [figs, setFigs] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    get(`${P}/figures`).then((f) => setFigs(f.figures || []), setError);
  }, [P]);
  const outcomes = summary.outcomes.map((o) => o.name);
  return (
    <div>
      <Section title="Report and tables" id="downloads">
        <ul class="downloads">
          <li>
            <a id="dl-report" href={`${P}/report`} download={`${name}-report.html`}>HTML report</a> — the self-contained report of the current data and
            settings (data, diagnostics, analyses, figures, certainty, methods).
          </li>
          <li>
            <a id="dl-xlsx" href={`${P}/xlsx`} download={`${name}.xlsx`}>XLSX workbook</a> — the tables, one sheet each.
          </li>
          <li>
            <a id="dl-review" href={`${P}/export`} download={`${name}.evident.json`}>Review (JSON)</a> — the whole review as{' '}
            <code>evident review export</code> writes it (question, settings, studies with their data and judgements, change
            log, runs); <code>evident review import-json</code> makes a review of it again.
          </li>
        </ul>
      </Section>
      <Section title="Figures (SVG)" id="figure-downloads">
        <ErrorBox error={error} />
        {figs && figs.length === 0 && <p>No figures: import data first.</p>}
        {figs &&
          groupFigures(figs, outcomes).map(([group, list]) => (
            <div key={group} class="figure-group">
              <h4>{group}</h4>
              <ul class="downloads figure-links">
                {list.map((f) => (
                  <li key={f}>
                    <a class="dl-figure" href={`${P}/figure/${encodeURIComponent(f)}`} download={`${f}.svg`} data-figure={f}>{f}.svg</a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
      </Section>
    </div>
  );
}
