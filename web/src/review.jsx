// One review: its summary, the tabs, the run shown in Results and the outcome on display.
import { useEffect, useState, useCallback } from 'preact/hooks';
import { get, reviewPath } from './api.js';
import { ErrorBox, Loading } from './common.jsx';
import { DataTab } from './data.jsx';
import { SettingsTab } from './settings.jsx';
import { ResultsTab } from './results.jsx';
import { DownloadsTab } from './downloads.jsx';
import { HistoryTab } from './history.jsx';

const TABS = [
  ['data', 'Data'],
  ['settings', 'Settings'],
  ['results', 'Run and results'],
  ['downloads', 'Downloads'],
  ['history', 'History'],
];

export function Review({ name, tab }) {
  const P = reviewPath(name);
  const [summary, setSummary] = useState(null);
  const [error, setError] = useState(null);
  const [run, setRun] = useState(null); // a RUN with results
  const [outcome, setOutcome] = useState(() => localStorage.getItem(`evident:${name}:outcome`) || '');

  const refresh = useCallback(async () => {
    try {
      const s = await get(P);
      setSummary(s);
      setError(null);
      return s;
    } catch (e) {
      setError(e);
      return null;
    }
  }, [P]);

  useEffect(() => {
    refresh().then(async (s) => {
      if (s && s.last_run && s.last_run.id !== undefined) {
        try {
          setRun(await get(`${P}/runs/${s.last_run.id}`));
        } catch (e) {
          setError(e);
        }
      }
    });
  }, [P]);

  const chooseOutcome = (o) => {
    setOutcome(o);
    localStorage.setItem(`evident:${name}:outcome`, o);
  };

  return (
    <div class="page review">
      <h2>
        {summary?.review?.title || name} <small class="muted">({name})</small>
      </h2>
      <nav class="tabs" aria-label="Review sections">
        {TABS.map(([t, label]) => (
          <a key={t} id={`tab-${t}`} href={`#/review/${encodeURIComponent(name)}/${t}`} class={t === tab ? 'tab active' : 'tab'} aria-current={t === tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <ErrorBox error={error} />
      {!summary && !error && <Loading what="the review" />}
      {summary && tab === 'data' && <DataTab P={P} summary={summary} refresh={refresh} />}
      {summary && tab === 'settings' && (
        <SettingsTab P={P} summary={summary} refresh={refresh} run={run} outcome={outcome} chooseOutcome={chooseOutcome} />
      )}
      {summary && tab === 'results' && (
        <ResultsTab P={P} name={name} summary={summary} refresh={refresh} run={run} setRun={setRun} outcome={outcome} chooseOutcome={chooseOutcome} />
      )}
      {summary && tab === 'downloads' && <DownloadsTab P={P} name={name} summary={summary} />}
      {summary && tab === 'history' && <HistoryTab P={P} summary={summary} />}
    </div>
  );
}
