// Run and results tab: "Run analysis" (POST P/run async, poll /api/jobs/ID) and the results of a run for one
// outcome: network graph, forest plot, league table, rankings, inconsistency, certainty, summary of findings.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, sleep, ApiError } from './api.js';
import { Diagnostics, ErrorBox, Section } from './common.jsx';
import { estCI, num, pval, back, zLevel } from './format.js';

export function ResultsTab({ P, summary, refresh, run, setRun, outcome, chooseOutcome }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [runs, setRuns] = useState(null);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  useEffect(() => {
    get(`${P}/runs`).then((r) => alive.current && setRuns(r.runs || []), () => {});
  }, [P, run && run.id]);

  const start = async () => {
    setError(null);
    setJob({ state: 'running', stage: 'starting', progress: 0 });
    try {
      const started = await post(`${P}/run`, { async: true });
      let j;
      if (started.results) {
        j = { state: 'done', progress: 1, result: started };
      } else {
        const url = started.status || `/api/jobs/${encodeURIComponent(started.job)}`;
        for (;;) {
          j = await get(url);
          if (!alive.current) return;
          setJob(j);
          if (j.state !== 'running') break;
          await sleep(250);
        }
      }
      if (j.state === 'failed') throw new ApiError(422, j.diagnostics && j.diagnostics.length ? j.diagnostics : [{ severity: 'error', text: 'the run failed' }]);
      setJob({ ...j, state: 'done', progress: 1 });
      setRun(j.result);
      await refresh();
    } catch (e) {
      if (!alive.current) return;
      setJob(null);
      setError(e);
    }
  };

  const pickRun = async (id) => {
    setError(null);
    try {
      setRun(await get(`${P}/runs/${id}`));
    } catch (e) {
      setError(e);
    }
  };

  const outcomes = run?.results?.outcomes || [];
  const shown = outcomes.find((o) => o.outcome === outcome) || outcomes[0];
  const running = job && job.state === 'running';
  return (
    <div>
      <Section title="Run" id="run">
        <div class="buttons">
          <button class="primary" id="run-button" onClick={start} disabled={running || summary.studies.length === 0}>
            Run analysis
          </button>
          {summary.studies.length === 0 && <span class="note">Import data first.</span>}
          {runs && runs.length > 0 && (
            <label class="inline">
              Show run
              <select id="run-select" value={run ? String(run.id) : ''} onChange={(e) => pickRun(e.currentTarget.value)}>
                {!run && <option value="">—</option>}
                {runs.map((r) => (
                  <option key={r.id} value={String(r.id)}>#{r.id} {r.time}</option>
                ))}
              </select>
            </label>
          )}
          {outcomes.length > 1 && (
            <label class="inline">
              Outcome
              <select id="outcome-select" value={shown ? shown.outcome : ''} onChange={(e) => chooseOutcome(e.currentTarget.value)}>
                {outcomes.map((o) => (
                  <option key={o.outcome} value={o.outcome}>{o.outcome}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {job && (
          <div class="progress" id="run-progress" data-state={job.state}>
            <progress max="1" value={job.progress ?? 0} aria-label="Progress of the run" />
            <span id="run-stage">{job.state === 'done' ? 'done' : job.stage || 'running'}</span>
          </div>
        )}
        <ErrorBox error={error} />
      </Section>
      {!run && !running && <p>No run yet: press “Run analysis”.</p>}
      {run && shown && <OutcomeResults key={`${run.id}:${shown.outcome}`} P={P} run={run} o={shown} />}
      {run && <Diagnostics items={run.diagnostics} title="Diagnostics of the run" id="run-diagnostics" />}
    </div>
  );
}

function OutcomeResults({ P, run, o }) {
  const [model, setModel] = useState('random');
  const names = useFigures(P, run.id);
  const a = o.analysis || {};
  const ratio = !!o.ratio;
  return (
    <div id="results" data-run={run.id} data-outcome={o.outcome}>
      <Section title={`Results of run #${run.id}: ${o.outcome}`} id="results-summary">
        <p>
          {o.measure}{ratio ? ' (ratio; shown back-transformed)' : ''}, reference <strong>{o.reference}</strong>; {a.studies ?? '?'} studies,{' '}
          {a.comparisons ?? '?'} comparisons, {(a.treatments || []).length} treatments. tau² = {num(a.tau2, 4)}, I² = {num(a.I2, 1)}% ({num(a.I2_lower, 1)}% to{' '}
          {num(a.I2_upper, 1)}%). Run at {run.time}, evident {run.software_version}.
        </p>
        <fieldset class="inline-radio">
          <legend>Model</legend>
          <label>
            <input type="radio" name="model" id="model-random" checked={model === 'random'} onChange={() => setModel('random')} /> random effects
          </label>
          <label>
            <input type="radio" name="model" id="model-common" checked={model === 'common'} onChange={() => setModel('common')} /> common effect
          </label>
        </fieldset>
        {o.ok === false && <p class="error-box">This outcome was not analysed.</p>}
      </Section>
      <Figures P={P} names={names} runId={run.id} outcome={o.outcome} />
      {Array.isArray(o.estimates) && o.estimates.length > 0 && (
        <Section title={`Estimates versus ${o.reference} (random effects)`} id="estimates">
          <table class="grid" id="estimates-table">
            <thead>
              <tr><th>Treatment</th><th>{o.measure} (95% CI){ratio ? ', back-transformed' : ''}</th><th>CI crosses the null</th><th>CI crosses the MID</th></tr>
            </thead>
            <tbody>
              {o.estimates.map((e) => (
                <tr key={e.treatment} data-treatment={e.treatment}>
                  <td>{e.treatment}</td>
                  <td>{estCI(e.te, e.lower, e.upper, ratio)}</td>
                  <td>{e.crosses_null ? 'yes' : 'no'}</td>
                  <td>{o.mid == null ? '(no MID)' : e.crosses_mid ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <Section title="League table" id="league">
        <LeagueTable a={a} model={model} ratio={ratio} />
      </Section>
      <Section title="Ranking" id="ranking">
        <Ranking a={a} o={o} model={model} />
        <FigureImg P={P} names={names} runId={run.id} outcome={o.outcome} base="rankogram" alt="Rankogram" />
      </Section>
      <Section title="Inconsistency" id="inconsistency">
        <Inconsistency a={a} model={model} ratio={ratio} />
      </Section>
      <Section title="Certainty of the evidence (CINeMA)" id="certainty">
        <Certainty o={o} ratio={ratio} />
      </Section>
      <Section title="Summary of findings" id="sof">
        <SummaryOfFindings o={o} />
      </Section>
      <Diagnostics items={[...(o.diagnostics || [])]} title="Diagnostics of this outcome" id="outcome-diagnostics" />
    </div>
  );
}

// Figures of the current data: names from P/figures, picked by their base name and this outcome.
export function useFigures(P, runId) {
  const [names, setNames] = useState(null);
  useEffect(() => {
    get(`${P}/figures`).then((f) => setNames(f.figures || []), () => setNames([]));
  }, [P, runId]);
  return names;
}

export function figureFor(names, base, outcome) {
  if (!names) return null;
  const cands = names.filter((n) => n === base || n.startsWith(base + '-') || n.endsWith('-' + base) || n.includes(base));
  if (!cands.length) return null;
  return cands.find((n) => outcome && n.includes(outcome)) || cands.find((n) => n === base) || cands[0];
}

function FigureImg({ P, names, runId, outcome, base, alt }) {
  const [failed, setFailed] = useState(false);
  if (!names) return null;
  const name = figureFor(names, base, outcome);
  if (!name) return null;
  return (
    <figure class="figure">
      {failed ? <p class="note">The figure {name} could not be loaded.</p> : <img src={`${P}/figure/${encodeURIComponent(name)}?run=${runId}`} alt={alt} id={`fig-${base}`} loading="lazy" onError={() => setFailed(true)} />}
      <figcaption>{alt}</figcaption>
    </figure>
  );
}

function Figures({ P, names, runId, outcome }) {
  return (
    <Section title="Network and forest plot" id="figures">
      <div class="figure-row">
        <FigureImg P={P} names={names} runId={runId} outcome={outcome} base="network-graph" alt="Network graph" />
        <FigureImg P={P} names={names} runId={runId} outcome={outcome} base="nma-forest" alt="Network meta-analysis forest plot (versus the reference)" />
      </div>
    </Section>
  );
}

// League table as netmeta's netleague(): lower triangle network estimates (column vs row), upper triangle the
// direct estimates (row vs column) when the analysis has them. From the analysis' league_table when present, else
// from the TE/lower/upper matrices.
export function leagueCells(a, model, ratio) {
  const lt = a.league_table && a.league_table[model];
  if (lt && Array.isArray(lt.cells) && lt.cells.length) {
    const already = !!lt.backtransformed;
    const t = back(ratio && !already);
    return {
      treatments: lt.treatments,
      cell: (i, j) => {
        const c = lt.cells[i][j];
        if (!c || c.estimate === null || c.estimate === undefined) return null;
        return { est: t(c.estimate), lower: t(c.lower), upper: t(c.upper), kind: c.kind };
      },
    };
  }
  const m = a[model];
  if (!m || !m.TE) return null;
  const t = back(ratio);
  return {
    treatments: a.treatments,
    cell: (i, j) => (i > j ? { est: t(m.TE[j][i]), lower: t(m.lower[j][i]), upper: t(m.upper[j][i]), kind: 'network' } : null),
  };
}

function LeagueTable({ a, model, ratio }) {
  const L = leagueCells(a, model, ratio);
  if (!L) return <p>No league table in this run.</p>;
  const n = L.treatments.length;
  return (
    <div class="scroll">
      <p class="note">
        Lower triangle: network estimates, column versus row ({model === 'random' ? 'random effects' : 'common effect'}). Upper triangle: direct
        estimates, row versus column. Each cell: estimate (lower; upper){ratio ? ', back-transformed' : ''}.
      </p>
      <table class="grid league" id="league-table" data-model={model}>
        <tbody>
          {L.treatments.map((row, i) => (
            <tr key={row}>
              {L.treatments.map((col, j) => {
                if (i === j) return <th key={col} scope="row" class="diag" data-row={row} data-col={col}>{row}</th>;
                const c = L.cell(i, j);
                return (
                  <td key={col} data-row={row} data-col={col} data-te={c ? String(c.est) : ''} class={c ? `cell-${c.kind}` : 'cell-empty'}>
                    {c ? `${num(c.est)} (${num(c.lower)}; ${num(c.upper)})` : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {n === 0 && <p>No treatments.</p>}
    </div>
  );
}

function Ranking({ a, o, model }) {
  const ps = (a.pscore && a.pscore[model]) || (model === 'random' ? o.pscore : null) || {};
  const order = Object.keys(ps).sort((x, y) => ps[y] - ps[x]);
  if (!order.length) return <p>No ranking.</p>;
  return (
    <table class="grid" id="ranking-table">
      <thead>
        <tr>
          <th class="num">Rank</th>
          <th>Treatment</th>
          <th class="num">P-score</th>
        </tr>
      </thead>
      <tbody>
        {order.map((t, i) => (
          <tr key={t} data-treatment={t}>
            <td class="num">{i + 1}</td>
            <td>{t}</td>
            <td class="num">{num(ps[t], 3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Inconsistency({ a, model, ratio }) {
  const d = a.decomposition || {};
  const qd = d.Q_decomp || {
    total: { Q: a.Q, df: a.Q_df, p_value: a.Q_p_value },
    within: a.Q_heterogeneity,
    between: a.Q_inconsistency,
  };
  const rows = [
    ['Total', qd.total],
    ['Within designs (heterogeneity)', qd.within],
    ['Between designs (inconsistency)', qd.between],
  ];
  const ns = a.netsplit && a.netsplit[model];
  const z = zLevel(a.level || 0.95);
  const t = back(ratio);
  const ci = (est, se) => (est === null || est === undefined ? '' : se === null || se === undefined ? num(t(est)) : `${num(t(est))} (${num(t(est - z * se))}; ${num(t(est + z * se))})`);
  return (
    <div>
      <table class="grid" id="q-table">
        <caption>Q statistics ({'decomposition of Cochran\u2019s Q'})</caption>
        <thead>
          <tr><th></th><th class="num">Q</th><th class="num">df</th><th class="num">p</th></tr>
        </thead>
        <tbody>
          {rows.map(([label, q]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td class="num">{num(q?.Q, 2)}</td>
              <td class="num">{q?.df ?? ''}</td>
              <td class="num">{pval(q?.p_value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.Q_inc_random && (
        <p>
          Design-by-treatment interaction (random effects, tau within designs = {num(d.Q_inc_random.tau_within, 3)}): Q = {num(d.Q_inc_random.Q)}, df ={' '}
          {d.Q_inc_random.df}, p = {pval(d.Q_inc_random.p_value)}.
        </p>
      )}
      {ns && Array.isArray(ns.rows) && (
        <NetsplitTable ns={ns} method={a.netsplit.method} model={model} ratio={ratio} ci={ci} />
      )}
      {Array.isArray(d.Q_het_design) && d.Q_het_design.length > 0 && (
        <details>
          <summary>Decomposition by design</summary>
          <div class="two-col">
            <table class="grid" id="q-het-design">
              <caption>Heterogeneity within designs</caption>
              <thead><tr><th>Design</th><th class="num">Q</th><th class="num">df</th><th class="num">p</th></tr></thead>
              <tbody>
                {d.Q_het_design.map((r) => (
                  <tr key={r.design}><td>{r.design}</td><td class="num">{num(r.Q)}</td><td class="num">{r.df}</td><td class="num">{pval(r.p_value)}</td></tr>
                ))}
              </tbody>
            </table>
            {Array.isArray(d.Q_inc_detach) && (
              <table class="grid" id="q-inc-detach">
                <caption>Inconsistency after detaching each design</caption>
                <thead><tr><th>Detached design</th><th class="num">Q</th><th class="num">df</th><th class="num">p</th></tr></thead>
                <tbody>
                  {d.Q_inc_detach.map((r) => (
                    <tr key={r.design}><td>{r.design}</td><td class="num">{num(r.Q)}</td><td class="num">{r.df}</td><td class="num">{pval(r.p_value)}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </details>
      )}
      <Diagnostics items={[...(ns?.diagnostics || []), ...(a.netsplit?.diagnostics || []), ...(d.diagnostics || [])]} />
    </div>
  );
}

// netsplit(): comparisons with direct evidence in the table, those with indirect evidence only folded away.
function NetsplitTable({ ns, method, model, ratio, ci }) {
  const withDirect = ns.rows.filter((r) => (r.k || 0) > 0).sort((x, y) => (y.k || 0) - (x.k || 0));
  const indirectOnly = ns.rows.filter((r) => !((r.k || 0) > 0));
  const head = (
    <thead>
      <tr>
        <th>Comparison</th><th class="num">k</th><th class="num">Direct share</th><th>Direct</th><th>Indirect</th><th>Network</th>
        <th>{ratio ? 'Ratio of ratios' : 'Difference'}</th><th class="num">p</th>
      </tr>
    </thead>
  );
  const row = (r) => (
    <tr key={r.comparison} data-comparison={r.comparison}>
      <td>{r.comparison}</td>
      <td class="num">{r.k}</td>
      <td class="num">{num(r.direct_proportion, 2)}</td>
      <td>{ci(r.direct, r.direct_se)}</td>
      <td>{ci(r.indirect, r.indirect_se)}</td>
      <td>{ci(r.nma, r.nma_se)}</td>
      <td>{ci(r.difference, r.difference_se)}</td>
      <td class="num">{pval(r.p_value)}</td>
    </tr>
  );
  return (
    <div class="scroll">
      <table class="grid" id="netsplit-table">
        <caption>
          Direct and indirect evidence ({method}, {model === 'random' ? 'random effects' : 'common effect'}): comparisons with direct evidence
        </caption>
        {head}
        <tbody>{withDirect.map(row)}</tbody>
      </table>
      {indirectOnly.length > 0 && (
        <details>
          <summary>Comparisons with indirect evidence only ({indirectOnly.length})</summary>
          <table class="grid">
            {head}
            <tbody>{indirectOnly.map(row)}</tbody>
          </table>
        </details>
      )}
    </div>
  );
}

const DOMAINS = ['within-study bias', 'reporting bias', 'indirectness', 'imprecision', 'heterogeneity', 'incoherence'];

function certaintyOf(o) {
  return o.certainty || (o.analysis && o.analysis.certainty) || null;
}

function Certainty({ o, ratio }) {
  const c = certaintyOf(o);
  if (!c || !Array.isArray(c.comparisons)) {
    if (o.cinema && Object.keys(o.cinema).length)
      return (
        <table class="grid" id="certainty-table">
          <thead><tr><th>Comparison</th><th>Confidence</th></tr></thead>
          <tbody>{Object.entries(o.cinema).map(([k, v]) => <tr key={k}><td>{k}</td><td class={`rating rating-${v}`}>{v}</td></tr>)}</tbody>
        </table>
      );
    return <p>No certainty ratings in this run (Settings › Certainty).</p>;
  }
  return (
    <div class="scroll">
      <table class="grid certainty" id="certainty-table">
        <thead>
          <tr>
            <th>Comparison</th>
            <th>Estimate</th>
            {DOMAINS.map((d) => <th key={d}>{d}</th>)}
            <th>Confidence</th>
            <th>Reasons</th>
          </tr>
        </thead>
        <tbody>
          {c.comparisons.map((r) => {
            const dom = {};
            for (const d of r.domains || []) dom[d.domain] = d;
            return (
              <tr key={r.comparison} data-comparison={r.comparison}>
                <td>{r.treat1 && r.treat2 ? `${r.treat1} vs ${r.treat2}` : r.comparison}{r.direct ? '' : ' (indirect only)'}</td>
                <td>{estCI(r.estimate, r.ci_lower, r.ci_upper, ratio)}</td>
                {DOMAINS.map((d) => (
                  <td key={d} class={`judgement j-${(dom[d]?.judgement || '').replace(/\s+/g, '-')}`} data-domain={d} data-judgement={dom[d]?.judgement || ''} title={dom[d]?.reason || ''}>
                    {dom[d]?.judgement || ''}{dom[d]?.needs_reviewer ? ' *' : ''}
                  </td>
                ))}
                <td class={`rating rating-${r.overall}`} data-overall={r.overall}>{r.overall}{r.overall_overridden ? ' (overridden)' : ''}</td>
                <td>
                  <details>
                    <summary>{r.overall_reason || 'reasons'}</summary>
                    <ul class="reasons">
                      {(r.domains || []).map((d) => <li key={d.domain}><strong>{d.domain}:</strong> {d.reason}</li>)}
                      {r.overall_override_reason && <li><strong>override:</strong> {r.overall_override_reason}</li>}
                    </ul>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="note">* the reviewer should confirm this judgement.</p>
      <Diagnostics items={c.diagnostics} />
    </div>
  );
}

function SummaryOfFindings({ o }) {
  const c = certaintyOf(o);
  const sof = (c && c.summary_of_findings) || o.summary_of_findings || [];
  if (!sof.length) return <p>No summary of findings in this run.</p>;
  return (
    <div id="sof-tables">
      {sof.map((t, k) => (
        <div class="scroll" key={k}>
          <table class="grid sof">
            <caption>
              {t.intervention} compared with {t.comparator} for {t.population}
              {t.setting ? ` (${t.setting})` : ''}
            </caption>
            <thead>
              <tr>
                <th>Outcome</th><th>Relative effect (95% CI)</th><th>Absolute effect</th><th class="num">Studies (direct)</th>
                <th class="num">Participants</th><th>Certainty</th><th>What happens</th>
              </tr>
            </thead>
            <tbody>
              {(t.rows || []).map((r, i) => (
                <tr key={i}>
                  <td>{r.name}{r.time_point ? ` (${r.time_point})` : ''}</td>
                  <td>{r.relative_effect}</td>
                  <td>{r.absolute_text}</td>
                  <td class="num">{r.studies ?? ''}</td>
                  <td class="num">{r.participants ?? ''}</td>
                  <td class={`rating rating-${r.certainty}`}>{r.certainty}{r.footnotes && r.footnotes.length ? ` (${r.footnotes.join(', ')})` : ''}</td>
                  <td>{r.statement || r.interpretation || ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {t.footnotes && t.footnotes.length > 0 && (
            <ol class="footnotes">{t.footnotes.map((f, i) => <li key={i}>{f}</li>)}</ol>
          )}
        </div>
      ))}
    </div>
  );
}
