// Settings tab: the review's stored analysis settings (PUT P/settings) and the outcome shown in Results.
import { useState } from 'preact/hooks';
import { put } from './api.js';
import { ErrorBox, Section } from './common.jsx';

const MEASURES = ['', 'MD', 'SMD', 'ROM', 'OR', 'RR', 'RD', 'IRR', 'IRD', 'HR', 'GEN'];
const DEFAULT_NETWORK = {
  reference: '', method_tau: 'DL', level: 0.95, nsim: 1000, seed: 1, netsplit: 'back-calculation',
  each_subnetwork: false, funnel_order: [], contribution: 'random-walk', skip: [], full: false,
};
const DEFAULT_CERTAINTY = { on: true, rob_rule: 'majority', incoherence_rule: 'ci-agreement' };

export function withDefaults(settings) {
  const s = settings || {};
  return {
    ...s,
    measure: s.measure || '',
    network: { ...DEFAULT_NETWORK, ...(s.network || {}) },
    certainty: { ...DEFAULT_CERTAINTY, ...(s.certainty || {}) },
  };
}

export function SettingsTab({ P, summary, refresh, run, outcome, chooseOutcome }) {
  const [s, setS] = useState(() => withDefaults(summary.settings));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const net = (k, v) => { setSaved(false); setS({ ...s, network: { ...s.network, [k]: v } }); };
  const cert = (k, v) => { setSaved(false); setS({ ...s, certainty: { ...s.certainty, [k]: v } }); };
  const outcomes = run?.results?.outcomes?.map((o) => o.outcome) || summary.outcomes.map((o) => o.name);
  const treatments = summary.treatments.map((t) => t.name);

  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await put(`${P}/settings`, s);
      setS(withDefaults(r.settings || s));
      setSaved(true);
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} id="settings-form">
      <Section title="Display" id="display-settings">
        <div class="fields">
          <label>
            Outcome to display
            <select id="set-outcome" value={outcome || outcomes[0] || ''} onChange={(e) => chooseOutcome(e.currentTarget.value)}>
              {outcomes.map((o) => (
                <option key={o} value={o}>{o}</option>
              ))}
            </select>
          </label>
        </div>
      </Section>
      <Section title="Network meta-analysis" id="network-settings">
        <div class="fields">
          <label>
            Effect measure
            <select id="set-measure" value={s.measure} onChange={(e) => { setSaved(false); setS({ ...s, measure: e.currentTarget.value }); }}>
              {MEASURES.map((m) => (
                <option key={m} value={m}>{m || "(the outcome's default)"}</option>
              ))}
            </select>
          </label>
          <label>
            Reference treatment
            <select id="set-reference" value={s.network.reference} onChange={(e) => net('reference', e.currentTarget.value)}>
              <option value="">(netmeta's default: the first)</option>
              {treatments.map((t) => (
                <option key={t} value={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            tau² estimator
            <select id="set-method-tau" value={s.network.method_tau} onChange={(e) => net('method_tau', e.currentTarget.value)}>
              <option value="DL">DL (DerSimonian-Laird, generalised)</option>
              <option value="REML">REML</option>
            </select>
          </label>
          <label>
            Confidence level
            <input id="set-level" type="number" min="0.5" max="0.9999" step="0.01" value={s.network.level} onInput={(e) => net('level', Number(e.currentTarget.value))} />
          </label>
          <label>
            Rankogram simulations (nsim; 0 = none)
            <input id="set-nsim" type="number" min="0" step="1" value={s.network.nsim} onInput={(e) => net('nsim', Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)))} />
          </label>
          <label>
            Seed
            <input id="set-seed" type="number" min="0" step="1" value={s.network.seed} onInput={(e) => net('seed', Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)))} />
          </label>
          <label>
            Direct vs indirect (netsplit)
            <select id="set-netsplit" value={s.network.netsplit} onChange={(e) => net('netsplit', e.currentTarget.value)}>
              <option value="back-calculation">back-calculation</option>
              <option value="sidde">SIDDE (separate indirect from direct design evidence)</option>
            </select>
          </label>
          <label>
            Contribution matrix
            <select id="set-contribution" value={s.network.contribution} onChange={(e) => net('contribution', e.currentTarget.value)}>
              <option value="random-walk">random walk (Davies 2022)</option>
              <option value="shortest-path">shortest path (Papakonstantinou 2018)</option>
            </select>
          </label>
          <label class="check">
            <input type="checkbox" id="set-each-subnetwork" checked={s.network.each_subnetwork} onChange={(e) => net('each_subnetwork', e.currentTarget.checked)} />
            Analyse every subnetwork of a disconnected network
          </label>
        </div>
      </Section>
      <Section title="Certainty (CINeMA)" id="certainty-settings">
        <div class="fields">
          <label class="check">
            <input type="checkbox" id="set-certainty-on" checked={s.certainty.on} onChange={(e) => cert('on', e.currentTarget.checked)} />
            Rate the confidence in each comparison
          </label>
          <label>
            Within-study bias rule
            <select id="set-rob-rule" value={s.certainty.rob_rule} onChange={(e) => cert('rob_rule', e.currentTarget.value)} disabled={!s.certainty.on}>
              <option value="majority">majority</option>
              <option value="highest">highest</option>
              <option value="average">average</option>
            </select>
          </label>
          <label>
            Incoherence rule
            <select id="set-incoherence-rule" value={s.certainty.incoherence_rule} onChange={(e) => cert('incoherence_rule', e.currentTarget.value)} disabled={!s.certainty.on}>
              <option value="ci-agreement">agreement of the CIs</option>
              <option value="side-p">SIDE p-value</option>
            </select>
          </label>
        </div>
      </Section>
      <div class="buttons">
        <button type="submit" class="primary" id="save-settings" disabled={busy}>Save settings</button>
        {saved && <span role="status" id="settings-saved">Saved.</span>}
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
