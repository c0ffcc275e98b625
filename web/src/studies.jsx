// Data tab: the judgements a reviewer adds to the imported data, saved one change at a time.
// - Studies: year, overall risk of bias and indirectness per study (PATCH P/studies/LABEL, the fields of
//   `evident review edit --set`; docs/methods/server.md and store.md). The current values come from GET P/studies
//   (the study rows of the export without data or runs: label, year, rob {overall, d1..d5}, indirectness), fetched once per set of studies.
//   The levels are those CINeMA's within-study bias and indirectness domains take per study: low, some concerns,
//   high (Nikolakopoulou et al. 2020, PLoS Med 17:e1003082, doi:10.1371/journal.pmed.1003082; RoB 2: Sterne et
//   al. 2019, BMJ 366:l4898, doi:10.1136/bmj.l4898); "not judged" stores null.
// - Treatments: an optional class per treatment (PUT P/treatments/T, `review edit --class`).
// A plain table (no per-row components) so that reviews with hundreds of studies stay quick.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, patch, put } from './api.js';
import { Diagnostics, ErrorBox } from './common.jsx';

export const LEVELS = ['low', 'some concerns', 'high'];
const DOMAIN_KEYS = ['d1', 'd2', 'd3', 'd4', 'd5'];

// The export's "rob" of a study: null, an object {overall, d1..d5} or (older files) a plain level.
export function robOf(rob) {
  if (!rob) return { overall: null, domains: [] };
  if (typeof rob === 'string') return { overall: rob, domains: [] };
  return { overall: rob.overall ?? null, domains: DOMAIN_KEYS.filter((k) => rob[k]).map((k) => [k, rob[k]]) };
}

function LevelSelect({ value, label, cls, onChange, disabled }) {
  return (
    <select class={cls} aria-label={label} value={value || ''} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value || null)}>
      <option value="">not judged</option>
      {LEVELS.map((l) => (
        <option key={l} value={l}>
          {l}
        </option>
      ))}
    </select>
  );
}

function Status({ s }) {
  if (!s) return null;
  if (s.state === 'saving') return <span class="status-saving">saving…</span>;
  if (s.state === 'saved') return <span class="status-saved">saved</span>;
  return <Diagnostics items={s.diagnostics} />;
}

export function StudiesTable({ P, labels }) {
  const [rows, setRows] = useState(null); // label -> {year, rob, indirectness}
  const [error, setError] = useState(null);
  const [status, setStatus] = useState({}); // label -> {state, field, diagnostics}
  const [drafts, setDrafts] = useState({}); // label -> year text being edited
  const [filter, setFilter] = useState('');
  const seq = useRef(0); // numbers the saves, so that a test can wait for the answer to its own change
  const key = labels.join('\u0000');

  useEffect(() => {
    let alive = true;
    get(`${P}/studies`).then(
      (x) => {
        if (!alive) return;
        const m = new Map();
        for (const s of x.studies || []) m.set(s.label, { year: s.year ?? null, rob: s.rob ?? null, indirectness: s.indirectness ?? null });
        setRows(m);
        setError(null);
      },
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [P, key]);

  const save = async (label, field, value, apply) => {
    const n = ++seq.current;
    setStatus((st) => ({ ...st, [label]: { state: 'saving', field, n } }));
    try {
      await patch(`${P}/studies/${encodeURIComponent(label)}`, { [field]: value });
      setRows((m) => {
        const next = new Map(m);
        next.set(label, apply({ ...next.get(label) }));
        return next;
      });
      setStatus((st) => ({ ...st, [label]: { state: 'saved', field, n } }));
      return true;
    } catch (e) {
      const diagnostics = e.diagnostics || [{ severity: 'error', text: String(e.message || e) }];
      setStatus((st) => ({ ...st, [label]: { state: 'error', field, diagnostics, n } }));
      return false;
    }
  };

  const setRob = (label, v) =>
    save(label, 'rob', v, (r) => {
      const rob = r.rob && typeof r.rob === 'object' ? { ...r.rob } : {};
      if (v === null) delete rob.overall;
      else rob.overall = v;
      return { ...r, rob: Object.keys(rob).length ? rob : null };
    });
  const setIndirectness = (label, v) => save(label, 'indirectness', v, (r) => ({ ...r, indirectness: v }));
  const setYear = async (label, text) => {
    const t = text.trim();
    const ok = await save(label, 'year', t === '' ? null : t, (r) => ({ ...r, year: t === '' ? null : Number(t) }));
    if (ok)
      setDrafts((d) => {
        const next = { ...d };
        delete next[label];
        return next;
      });
  };

  const f = filter.trim().toLowerCase();
  const shown = useMemo(() => (f ? labels.filter((l) => l.toLowerCase().includes(f)) : labels), [key, f]);
  const counts = useMemo(() => {
    const c = { rob: 0, indirectness: 0 };
    if (rows) for (const r of rows.values()) {
      if (robOf(r.rob).overall) c.rob++;
      if (r.indirectness) c.indirectness++;
    }
    return c;
  }, [rows]);

  if (error) return <ErrorBox error={error} />;
  if (!rows) return <p class="loading" aria-live="polite">Loading the studies' judgements…</p>;
  return (
    <div class="studies">
      <div class="buttons">
        {labels.length > 10 && (
          <label class="inline">
            Filter
            <input id="study-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="study label" />
          </label>
        )}
        <span class="note" id="judged-counts">
          Risk of bias judged for {counts.rob} of {labels.length} studies, indirectness for {counts.indirectness}. Unjudged studies count as
          "some concerns" in CINeMA.
        </span>
      </div>
      <div class="table-scroll">
        <table class="grid studies-table" id="studies-table">
          <thead>
            <tr>
              <th>Study</th>
              <th>Year</th>
              <th>Risk of bias (overall)</th>
              <th>RoB domains</th>
              <th>Indirectness</th>
              <th aria-label="Save status"></th>
            </tr>
          </thead>
          <tbody>
            {shown.map((label) => {
              const r = rows.get(label) || { year: null, rob: null, indirectness: null };
              const rob = robOf(r.rob);
              const s = status[label];
              const busy = s && s.state === 'saving';
              return (
                <tr key={label} data-study={label}>
                  <td>{label}</td>
                  <td>
                    <input
                      class="year"
                      inputMode="numeric"
                      size={5}
                      aria-label={`Year of ${label}`}
                      value={drafts[label] ?? (r.year ?? '')}
                      onInput={(e) => {
                        const v = e.currentTarget.value;
                        setDrafts((d) => ({ ...d, [label]: v }));
                      }}
                      onChange={(e) => setYear(label, e.currentTarget.value)}
                    />
                  </td>
                  <td>
                    <LevelSelect cls="rob" label={`Risk of bias of ${label}`} value={rob.overall} disabled={busy} onChange={(v) => setRob(label, v)} />
                  </td>
                  <td class="muted domains">{rob.domains.map(([k, v]) => `${k.toUpperCase()}: ${v}`).join(', ')}</td>
                  <td>
                    <LevelSelect cls="indirectness" label={`Indirectness of ${label}`} value={r.indirectness} disabled={busy} onChange={(v) => setIndirectness(label, v)} />
                  </td>
                  <td class="status" data-state={s ? s.state : ''} data-field={s ? s.field : ''} data-seq={s ? s.n : 0} aria-live="polite">
                    <Status s={s} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {f && shown.length === 0 && <p>No study label contains "{filter}".</p>}
    </div>
  );
}

export function TreatmentsTable({ P, treatments, refresh }) {
  const [drafts, setDrafts] = useState({}); // name -> text being edited
  const [saved, setSaved] = useState({}); // name -> class as last saved here
  const [status, setStatus] = useState({});
  const classOf = (t) => (t.name in saved ? saved[t.name] : t.class) ?? '';
  const known = [...new Set(treatments.map(classOf).filter(Boolean))].sort();

  const save = async (name, text) => {
    const v = text.trim();
    if (v === classOf(treatments.find((t) => t.name === name))) {
      setDrafts((d) => {
        const next = { ...d };
        delete next[name];
        return next;
      });
      return;
    }
    setStatus((st) => ({ ...st, [name]: { state: 'saving' } }));
    try {
      await put(`${P}/treatments/${encodeURIComponent(name)}`, { class: v === '' ? null : v });
      setSaved((m) => ({ ...m, [name]: v }));
      setDrafts((d) => {
        const next = { ...d };
        delete next[name];
        return next;
      });
      setStatus((st) => ({ ...st, [name]: { state: 'saved' } }));
      refresh();
    } catch (e) {
      const diagnostics = e.diagnostics || [{ severity: 'error', text: String(e.message || e) }];
      setStatus((st) => ({ ...st, [name]: { state: 'error', diagnostics } }));
    }
  };

  return (
    <div>
      <table class="grid" id="treatments-table">
        <thead>
          <tr>
            <th>Treatment</th>
            <th>Class (optional)</th>
            <th aria-label="Save status"></th>
          </tr>
        </thead>
        <tbody>
          {treatments.map((t) => {
            const s = status[t.name];
            return (
              <tr key={t.name} data-treatment={t.name}>
                <td>{t.name}</td>
                <td>
                  <input
                    class="class"
                    list="treatment-classes"
                    aria-label={`Class of ${t.name}`}
                    value={drafts[t.name] ?? classOf(t)}
                    onInput={(e) => {
                      const v = e.currentTarget.value;
                      setDrafts((d) => ({ ...d, [t.name]: v }));
                    }}
                    onChange={(e) => save(t.name, e.currentTarget.value)}
                  />
                </td>
                <td class="status" data-state={s ? s.state : ''} aria-live="polite">
                  <Status s={s} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <datalist id="treatment-classes">
        {known.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <p class="note">A class is saved when the field loses focus or on Enter; an empty field clears it.</p>
    </div>
  );
}
