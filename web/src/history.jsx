// History tab: the runs of the review; pick two and see what changed (GET P/diff?a=&b=): estimates, CIs that now
// cross or no longer cross the null or the MID, ranks, ratings, and the studies added or edited between them.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { ErrorBox, Loading, Section } from './common.jsx';
import { estCI } from './format.js';

export function HistoryTab({ P }) {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState(null);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [diff, setDiff] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get(`${P}/runs`).then((r) => {
      const list = r.runs || [];
      setRuns(list);
      if (list.length >= 2) {
        const ids = list.map((x) => x.id).sort((x, y) => x - y);
        setA(String(ids[ids.length - 2]));
        setB(String(ids[ids.length - 1]));
      }
    }, setError);
  }, [P]);

  const compare = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDiff(null);
    try {
      setDiff(await get(`${P}/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <Section title="Runs" id="runs">
        {!runs && !error && <Loading what="the runs" />}
        {runs && runs.length === 0 && <p>No runs yet.</p>}
        {runs && runs.length > 0 && (
          <table class="grid" id="runs-table">
            <thead>
              <tr><th class="num">Run</th><th>Time</th><th>Input hash</th><th class="num">Last change</th><th>Reference</th><th>Software</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id}>
                  <td class="num">#{r.id}</td>
                  <td>{r.time}</td>
                  <td><code>{r.input_hash}</code></td>
                  <td class="num">{r.last_change ?? ''}</td>
                  <td>{r.settings?.network?.reference || '(default)'}</td>
                  <td>{r.software_version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {runs && runs.length >= 2 && (
          <form class="fields inline-form" onSubmit={compare}>
            <label>
              Earlier run
              <select id="diff-a" value={a} onChange={(e) => setA(e.currentTarget.value)}>
                {runs.map((r) => <option key={r.id} value={String(r.id)}>#{r.id} {r.time}</option>)}
              </select>
            </label>
            <label>
              Later run
              <select id="diff-b" value={b} onChange={(e) => setB(e.currentTarget.value)}>
                {runs.map((r) => <option key={r.id} value={String(r.id)}>#{r.id} {r.time}</option>)}
              </select>
            </label>
            <button type="submit" class="primary" id="diff-button" disabled={busy || !a || !b || a === b}>Compare</button>
          </form>
        )}
        <ErrorBox error={error} />
      </Section>
      {diff && <Diff diff={diff} />}
    </div>
  );
}

function crossing(flagA, flagB, what) {
  if (flagA === undefined || flagB === undefined || flagA === flagB) return '';
  return flagB ? `now crosses ${what}` : `no longer crosses ${what}`;
}

function Diff({ diff }) {
  const changes = diff.changes || [];
  return (
    <div id="diff">
      <Section title={`Run #${diff.run_a} → run #${diff.run_b}`} id="diff-summary">
        <p>
          Inputs {diff.inputs_changed ? 'changed' : 'unchanged'}; settings {diff.settings_changed ? 'changed' : 'unchanged'}.
        </p>
        <h4>Changes to the data and settings between the runs</h4>
        {changes.length === 0 ? (
          <p>None.</p>
        ) : (
          <table class="grid" id="diff-changes">
            <thead><tr><th class="num">#</th><th>Time</th><th>Action</th><th>Study</th><th>Detail</th></tr></thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.id} data-study={c.study}>
                  <td class="num">{c.id}</td><td>{c.time}</td><td>{c.action}</td><td>{c.study}</td><td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {(diff.outcomes || []).map((o) => <OutcomeDiff key={o.outcome} o={o} />)}
    </div>
  );
}

function OutcomeDiff({ o }) {
  const ratio = !!o.ratio;
  const est = (x) => (x ? estCI(x.te, x.lower, x.upper, ratio) : '—');
  const rankA = o.rank_a || [];
  const rankB = o.rank_b || [];
  const all = [...new Set([...rankB, ...rankA])];
  const estimates = o.estimates || [];
  const changed = estimates.filter((e) => !e.a || !e.b || e.a.te !== e.b.te || e.a.lower !== e.b.lower || e.a.upper !== e.b.upper);
  return (
    <Section title={`Outcome ${o.outcome} (${o.measure})`} id={`diff-outcome-${o.outcome}`}>
      {o.in_a === false && <p>New outcome in the later run.</p>}
      {o.in_b === false && <p>Outcome not in the later run.</p>}
      <p>
        Reference: {o.reference_a || '—'}{o.reference_b !== o.reference_a ? ` → ${o.reference_b || '—'}` : ''}. {changed.length} of {estimates.length} estimates
        changed.
      </p>
      {estimates.length > 0 && (
        <table class="grid diff-estimates">
          <caption>Estimates versus the reference (random effects){ratio ? ', back-transformed' : ''}</caption>
          <thead><tr><th>Treatment</th><th>Earlier</th><th>Later</th><th>Change</th></tr></thead>
          <tbody>
            {estimates.map((e) => {
              const notes = [
                crossing(e.a?.crosses_null, e.b?.crosses_null, 'the null'),
                crossing(e.a?.crosses_mid, e.b?.crosses_mid, 'the MID'),
              ].filter(Boolean);
              const moved = changed.includes(e);
              return (
                <tr key={e.treatment} class={moved ? 'changed' : ''} data-treatment={e.treatment}>
                  <td>{e.treatment}</td>
                  <td>{est(e.a)}</td>
                  <td>{est(e.b)}</td>
                  <td>{[moved ? 'changed' : 'unchanged', ...notes].join('; ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {all.length > 0 && (
        <table class="grid diff-ranks">
          <caption>Ranks (P-score){o.rank_changed ? ': the order changed' : ': unchanged'}</caption>
          <thead><tr><th>Treatment</th><th class="num">Earlier</th><th class="num">Later</th><th>Change</th></tr></thead>
          <tbody>
            {all.map((t) => {
              const ra = rankA.indexOf(t) + 1 || null;
              const rb = rankB.indexOf(t) + 1 || null;
              return (
                <tr key={t} class={ra !== rb ? 'changed' : ''}>
                  <td>{t}</td><td class="num">{ra ?? '—'}</td><td class="num">{rb ?? '—'}</td>
                  <td>{ra && rb ? (ra === rb ? '' : ra > rb ? `up ${ra - rb}` : `down ${rb - ra}`) : ra ? 'gone' : 'new'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {(o.ratings || []).length > 0 && (
        <table class="grid diff-ratings">
          <caption>Certainty ratings that changed</caption>
          <thead><tr><th>Comparison</th><th>Earlier</th><th>Later</th></tr></thead>
          <tbody>
            {o.ratings.map((r, i) => (
              <tr key={i}>
                <td>{r.comparison || r.name || ''}</td>
                <td>{ratingText(r.a)}</td>
                <td>{ratingText(r.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function ratingText(x) {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'string') return x;
  return x.overall || x.rating || JSON.stringify(x);
}
