// Data tab: the review's studies (with their year, risk of bias and indirectness: studies.jsx), the treatments'
// classes, and the import / add-study flow:
// choose a file (or paste CSV) -> POST /api/columns -> column mapping and outcome options ->
// "Check" (POST /api/read, a dry run) -> "Import" / "Add" (POST P/studies).
import { useState } from 'preact/hooks';
import { post } from './api.js';
import { Diagnostics, ErrorBox, Section } from './common.jsx';
import { StudiesTable, TreatmentsTable } from './studies.jsx';

export function DataTab({ P, summary, refresh }) {
  const [mode, setMode] = useState(null); // null | 'imported' | 'added'
  const [done, setDone] = useState(null);
  const finished = async (answer) => {
    await refresh();
    setDone(answer);
    setMode(null);
  };
  return (
    <div>
      <Section title={`Studies (${summary.studies.length})`} id="studies">
        <div class="buttons">
          <button id="import-button" onClick={() => { setDone(null); setMode('imported'); }} disabled={mode === 'imported'}>
            Import data
          </button>
          <button id="add-study-button" onClick={() => { setDone(null); setMode('added'); }} disabled={mode === 'added'}>
            Add study
          </button>
        </div>
        {done && (
          <div class="done" id="import-done" role="status">
            <p>
              {done.action === 'added' ? 'Added' : 'Imported'} {done.added.length} {done.added.length === 1 ? 'study' : 'studies'}: {done.added.join(', ')}
            </p>
            <Diagnostics items={done.diagnostics} />
          </div>
        )}
        {summary.studies.length === 0 && <p>No studies yet. Import a data file (CSV, evident JSON or RevMan 5 .rm5).</p>}
        <p>
          <strong>Outcomes:</strong>{' '}
          {summary.outcomes.map((o) => `${o.name} (${[o.type, o.measure, o.direction].filter(Boolean).join(', ')})`).join('; ') || '—'}
        </p>
      </Section>
      {mode && <ImportPanel key={mode} P={P} action={mode} summary={summary} onDone={finished} onCancel={() => setMode(null)} />}
      {summary.studies.length > 0 && (
        <Section title="Year, risk of bias and indirectness" id="judgements">
          <StudiesTable P={P} labels={summary.studies} />
        </Section>
      )}
      {summary.treatments.length > 0 && (
        <Section title={`Treatments (${summary.treatments.length})`} id="treatments">
          <TreatmentsTable P={P} treatments={summary.treatments} refresh={refresh} />
        </Section>
      )}
    </div>
  );
}

// The file's text, whatever its encoding: a BOM (UTF-8, UTF-16), else UTF-8 when it is valid UTF-8, else the
// encoding an XML prolog declares (RevMan 5 writes ISO-8859-1), else Windows-1252 (what spreadsheet programs write).
// The text is sent as JSON (UTF-8), so an XML prolog's encoding is rewritten to UTF-8.
export function decodeFile(buffer) {
  const bytes = new Uint8Array(buffer);
  const dec = (label, fatal = false) => new TextDecoder(label, { fatal }).decode(bytes);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return dec('utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return declareUtf8(dec('utf-16le'));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return declareUtf8(dec('utf-16be'));
  try {
    return dec('utf-8', true);
  } catch {
    const head = String.fromCharCode(...bytes.subarray(0, 200));
    const m = /^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(head);
    let text;
    try {
      text = dec(m ? m[1] : 'windows-1252');
    } catch {
      text = dec('windows-1252');
    }
    return declareUtf8(text);
  }
}

function declareUtf8(text) {
  return text.replace(/^(\s*<\?xml[^>]*encoding=["'])[A-Za-z0-9._-]+(["'])/, '$1UTF-8$2');
}

const TYPES = ['', 'binary', 'continuous', 'contrast', 'time-to-event', 'rate'];

function ImportPanel({ P, action, summary, onDone, onCancel }) {
  const [source, setSource] = useState(null); // {text, filename}
  const [paste, setPaste] = useState('');
  const [cols, setCols] = useState(null); // answer of /api/columns
  const [map, setMap] = useState({}); // column name -> field ('' = auto)
  const firstOutcome = summary.outcomes[0];
  const [opts, setOpts] = useState({
    type: '',
    outcome_name: action === 'added' && firstOutcome ? firstOutcome.name : '',
    small_values: action === 'added' && firstOutcome && firstOutcome.direction ? directionToSmall(firstOutcome.direction) : '',
    mid: action === 'added' && firstOutcome && firstOutcome.mid != null ? String(firstOutcome.mid) : '',
  });
  const [check, setCheck] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState('');

  const loadColumns = async (text, filename) => {
    setSource({ text, filename });
    setCols(null);
    setCheck(null);
    setError(null);
    setBusy('columns');
    try {
      const c = await post('/api/columns', { csv: text, filename });
      setCols(c);
      const m = {};
      for (const col of c.columns || []) m[col.name] = col.field || '';
      setMap(m);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  const onFile = async (e) => {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    if (!file) return;
    const text = decodeFile(await file.arrayBuffer());
    await loadColumns(text, file.name);
  };

  const body = () => {
    const options = {};
    if (cols && cols.columns) {
      const m = [];
      for (const col of cols.columns) {
        const chosen = map[col.name] || '';
        if (chosen && chosen !== (col.field || '')) m.push(`${col.name}=${chosen}`);
      }
      if (m.length) options.map = m;
    }
    if (opts.type) options.type = opts.type;
    if (opts.outcome_name.trim()) options.outcome_name = opts.outcome_name.trim();
    if (opts.small_values) options.small_values = opts.small_values;
    if (opts.mid !== '' && Number.isFinite(Number(opts.mid))) options.mid = Number(opts.mid);
    const b = { filename: source.filename, action, options };
    const isJson = (cols && cols.format === 'json') || /\.json$/i.test(source.filename);
    if (isJson) {
      try {
        b.data = JSON.parse(source.text);
      } catch {
        b.csv = source.text;
      }
    } else {
      b.csv = source.text;
    }
    return b;
  };

  const doCheck = async () => {
    setBusy('check');
    setError(null);
    setCheck(null);
    try {
      setCheck(await post('/api/read', body()));
    } catch (e) {
      if (e.body && typeof e.body === 'object' && 'ok' in e.body) setCheck(e.body);
      else setError(e);
    } finally {
      setBusy('');
    }
  };

  const doImport = async () => {
    setBusy('import');
    setError(null);
    try {
      const r = await post(`${P}/studies`, body());
      onDone({ ...r, action, added: r.added || [], diagnostics: r.diagnostics || [] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  const fields = (cols && cols.fields) || [];
  const tabular = cols && cols.format !== 'json' && cols.format !== 'revman5';
  return (
    <Section title={action === 'added' ? 'Add study' : 'Import data'} id="import-panel">
      <div class="fields">
        <label>
          Data file (CSV, evident JSON, RevMan 5 .rm5)
          <input type="file" id="data-file" accept=".csv,.tsv,.txt,.json,.rm5" onChange={onFile} />
        </label>
      </div>
      {action === 'added' && (
        <div class="paste">
          <label>
            …or paste CSV text with the new study's rows (with the header line)
            <textarea id="paste-csv" rows={5} value={paste} onInput={(e) => setPaste(e.currentTarget.value)} />
          </label>
          <button id="use-pasted" disabled={!paste.trim() || busy} onClick={() => loadColumns(paste, 'pasted.csv')}>
            Use pasted text
          </button>
        </div>
      )}
      {busy === 'columns' && <p aria-live="polite">Reading the columns…</p>}
      <ErrorBox error={error} />
      {cols && (
        <div class="mapping">
          <p>
            File <strong>{source.filename}</strong>: format <strong id="detected-format">{cols.format}</strong>
            {cols.separator && tabular ? `, separator "${cols.separator === '\t' ? 'tab' : cols.separator}"` : ''}.
          </p>
          {tabular && (
            <table class="grid" id="mapping-table">
              <caption>Columns: what each column holds ("(auto)": as the reader recognises it, else a study covariate)</caption>
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Arm</th>
                  <th>First values</th>
                  <th>Read as</th>
                </tr>
              </thead>
              <tbody>
                {cols.columns.map((col, i) => (
                  <tr key={col.name} data-column={col.name}>
                    <td>
                      <code>{col.name}</code>
                    </td>
                    <td class="num">{col.arm ? col.arm : ''}</td>
                    <td class="sample">{(cols.rows || []).slice(0, 3).map((r) => r[i]).join(', ')}</td>
                    <td>
                      <select aria-label={`Field of column ${col.name}`} value={map[col.name] || ''} onChange={(e) => setMap({ ...map, [col.name]: e.currentTarget.value })}>
                        <option value="">(auto){col.field ? `: ${col.field}` : ''}</option>
                        {fields.map((f) => (
                          <option key={f} value={f}>
                            {f}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <fieldset class="fields outcome-options">
            <legend>Outcome</legend>
            <label>
              Type
              <select id="opt-type" value={opts.type} onChange={(e) => setOpts({ ...opts, type: e.currentTarget.value })}>
                {TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t || '(auto)'}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Outcome name
              <input id="opt-outcome-name" list="known-outcomes" value={opts.outcome_name} placeholder="(from the file)" onInput={(e) => setOpts({ ...opts, outcome_name: e.currentTarget.value })} />
              <datalist id="known-outcomes">
                {summary.outcomes.map((o) => (
                  <option key={o.name} value={o.name} />
                ))}
              </datalist>
            </label>
            <label>
              Small values are
              <select id="opt-small-values" value={opts.small_values} onChange={(e) => setOpts({ ...opts, small_values: e.currentTarget.value })}>
                <option value="">(not given)</option>
                <option value="desirable">desirable (e.g. pain)</option>
                <option value="undesirable">undesirable (e.g. response)</option>
              </select>
            </label>
            <label>
              MID (analysis scale)
              <input id="opt-mid" type="number" step="any" min="0" value={opts.mid} onInput={(e) => setOpts({ ...opts, mid: e.currentTarget.value })} />
            </label>
          </fieldset>
          <div class="buttons">
            <button id="check-button" onClick={doCheck} disabled={!!busy}>
              Check
            </button>
            <button id="commit-import-button" class="primary" onClick={doImport} disabled={!!busy || (check && check.ok === false)}>
              {action === 'added' ? 'Add' : 'Import'}
            </button>
            <button onClick={onCancel} disabled={!!busy}>
              Cancel
            </button>
          </div>
          {busy === 'check' && <p aria-live="polite">Checking…</p>}
          {busy === 'import' && <p aria-live="polite">Importing…</p>}
          {check && <CheckResult check={check} />}
        </div>
      )}
    </Section>
  );
}

// The summary's outcome "direction" when it names the small-values choice, else not given.
function directionToSmall(direction) {
  return direction === 'desirable' || direction === 'undesirable' ? direction : '';
}

function excludedText(x) {
  const where = [x.outcome && `outcome ${x.outcome}`, x.study && `study ${x.study}`, x.treatment && `treatment ${x.treatment}`, x.line ? `line ${x.line}` : '']
    .filter(Boolean)
    .join(', ');
  return `${where}: ${x.reason || x.text || ''}`;
}

function CheckResult({ check }) {
  return (
    <div class="check" id="check-result" data-ok={String(!!check.ok)}>
      <h4>{check.ok ? 'The file reads without errors' : 'The file has errors'}</h4>
      {check.ok !== false || check.studies !== undefined ? (
        <ul>
          {check.format && <li>Format: {check.format}</li>}
          {check.studies !== undefined && <li id="check-studies">Studies: {check.studies}</li>}
          {check.treatments && (
            <li>
              Treatments ({check.treatments.length}): {check.treatments.map((t) => (typeof t === 'string' ? t : t.name)).join(', ')}
            </li>
          )}
          {check.outcomes && (
            <li>
              Outcomes: {check.outcomes.map((o) => `${o.name} (${o.type}, ${o.studies} ${o.studies === 1 ? 'study' : 'studies'})`).join('; ')}
            </li>
          )}
          {check.excluded && check.excluded.length > 0 && (
            <li>
              Excluded ({check.excluded.length}):
              <ul id="check-excluded">
                {check.excluded.map((x, i) => (
                  <li key={i}>{typeof x === 'string' ? x : excludedText(x)}</li>
                ))}
              </ul>
            </li>
          )}
        </ul>
      ) : null}
      <Diagnostics items={check.diagnostics} title="Diagnostics" id="check-diagnostics" />
    </div>
  );
}
