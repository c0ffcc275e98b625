// End-to-end test of the evident web app in Chromium (playwright-core, plain node:assert).
// Usage: node tests/web/e2e.mjs URL [--screenshot FILE.png]
//   URL: a running `evident serve --reviews DIR` (tests/web/run_e2e.sh starts one on an empty folder).
// It creates a review, imports tests/data/Senn2013.csv through the file input, sets the reference, runs the
// analysis, checks the rendered league table against netmeta (tests/reference/nma_Senn2013_MD.json, netmeta_DL
// random effects) and the P-score order against netrank, adds a study, runs again, diffs the two runs in History,
// checks the downloads and that the page logged no console errors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const base = (args[0] || '').replace(/\/$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node tests/web/e2e.mjs URL [--screenshot FILE.png]');
  process.exit(2);
}
const shotIndex = args.indexOf('--screenshot');
const screenshot = shotIndex >= 0 ? path.resolve(args[shotIndex + 1]) : null;

const SENN = path.join(root, 'tests', 'data', 'Senn2013.csv');
const REF = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'reference', 'nma_Senn2013_MD.json'), 'utf8'));
const REVIEW = 'senn-e2e';
const NEW_STUDY = 'E2E-Trial2025';
const TIMEOUT = 120000;

// netleague's cell text: "est (lower; upper)", two decimals; a rounded negative zero prints as 0.00.
function two(x) {
  const s = x.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

function matrix(m) {
  const at = (r, c) => m.data[m.rownames.indexOf(r)][m.colnames.indexOf(c)];
  return { names: m.rownames, at };
}

function step(text) {
  console.log(`e2e: ${text}`);
}

const consoleErrors = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));

  // 1. Reviews: create one.
  step('create a review');
  await page.goto(`${base}/`);
  await page.waitForSelector('#reviews-table');
  await page.getByLabel('Name (letters, digits, - and _)').fill(REVIEW);
  await page.getByLabel('Title').fill('Glucose-lowering drugs in type 2 diabetes (e2e)');
  await page.getByLabel('Population').fill('adults with type 2 diabetes');
  await page.getByLabel('Intervention(s)').fill('glucose-lowering drugs');
  await page.getByLabel('Comparator(s)').fill('placebo');
  await page.getByLabel('Outcome(s)').fill('HbA1c change');
  await page.click('#create-review-button');
  await page.waitForURL(`**/#/review/${REVIEW}/data`);
  const created = await (await page.request.get(`${base}/api/reviews/${REVIEW}`)).json();
  assert.equal(created.review.title, 'Glucose-lowering drugs in type 2 diabetes (e2e)');
  assert.deepEqual(created.review.question, {
    population: 'adults with type 2 diabetes',
    intervention: 'glucose-lowering drugs',
    comparison: 'placebo',
    outcomes: 'HbA1c change',
  });

  // 2. Import Senn2013.csv through the file input, mapping, check, import.
  step('import Senn2013.csv');
  await page.click('#import-button');
  await page.setInputFiles('#data-file', SENN);
  await page.waitForSelector('#mapping-table');
  const mapped = await page.$$eval('#mapping-table tbody tr', (trs) => trs.map((tr) => tr.dataset.column));
  assert.deepEqual(mapped, ['TE', 'seTE', 'treat1.long', 'treat2.long', 'treat1', 'treat2', 'studlab']);
  // Every column has a select holding the reader's fields and "(auto)".
  const options = await page.$$eval('#mapping-table select', (ss) => ss.map((s) => [...s.options].map((o) => o.value)));
  for (const o of options) {
    assert.ok(o.includes('') && o.includes('treatment') && o.includes('ignore'), `mapping select options: ${o}`);
  }
  await page.click('#check-button');
  await page.waitForSelector('#check-result');
  assert.equal(await page.getAttribute('#check-result', 'data-ok'), 'true', await page.textContent('#check-result'));
  assert.match(await page.textContent('#check-studies'), /Studies: 26\b/);
  await page.click('#commit-import-button');
  await page.waitForSelector('#import-done');
  assert.match(await page.textContent('#import-done'), /Imported 26 studies/);
  await page.waitForFunction(() => document.querySelectorAll('#study-list li').length === 26);

  // 3. Settings: reference plac.
  step('settings: reference plac');
  await page.click('#tab-settings');
  await page.selectOption('#set-reference', 'plac');
  await page.click('#save-settings');
  await page.waitForSelector('#settings-saved');

  // 4. Run, wait for the progress to finish.
  step('run 1');
  await page.click('#tab-results');
  await page.click('#run-button');
  await page.waitForSelector('#run-progress');
  await page.waitForSelector('#run-progress[data-state="done"]', { timeout: TIMEOUT });
  await page.waitForSelector('#league-table');
  const run1 = await page.getAttribute('#results', 'data-run');

  // 5. League table against netmeta (random effects, DerSimonian-Laird).
  step('league table against netmeta');
  const cells = await page.$$eval('#league-table td', (tds) =>
    tds.map((td) => ({ row: td.dataset.row, col: td.dataset.col, text: td.textContent.trim(), te: td.dataset.te })),
  );
  const order = await page.$$eval('#league-table th.diag', (ths) => ths.map((th) => th.textContent.trim()));
  const ref = REF.netmeta_DL.random;
  const TE = matrix(ref['TE.random']);
  const LO = matrix(ref['lower.random']);
  const UP = matrix(ref['upper.random']);
  assert.deepEqual([...order].sort(), [...TE.names].sort(), 'league table treatments');
  let checked = 0;
  for (const c of cells) {
    const i = order.indexOf(c.row);
    const j = order.indexOf(c.col);
    if (i <= j) continue; // lower triangle: network estimate of column versus row
    const want = `${two(TE.at(c.col, c.row))} (${two(LO.at(c.col, c.row))}; ${two(UP.at(c.col, c.row))})`;
    assert.equal(c.text, want, `league cell row ${c.row}, column ${c.col}`);
    const te = Number(c.te);
    const exp = TE.at(c.col, c.row);
    assert.ok(Math.abs(te - exp) <= 1e-6 * Math.max(1, Math.abs(exp)), `data-te of ${c.row}/${c.col}: expected ${exp}, got ${c.te}`);
    checked++;
  }
  const n = order.length;
  assert.equal(checked, (n * (n - 1)) / 2, 'every lower-triangle cell checked');

  // Common effect toggle changes the table to the common-effect estimates.
  await page.check('#model-common');
  await page.waitForSelector('#league-table[data-model="common"]');
  const CE = matrix(REF.netmeta_DL.common['TE.common']);
  const ceCell = await page.getAttribute(`#league-table td[data-row="plac"][data-col="metf"]`, 'data-te');
  assert.ok(Math.abs(Number(ceCell) - CE.at('metf', 'plac')) < 1e-6, `common effect metf vs plac: ${ceCell}`);
  await page.check('#model-random');
  await page.waitForSelector('#league-table[data-model="random"]');

  // 6. P-score ranking order.
  step('ranking');
  const ranked = await page.$$eval('#ranking-table tbody tr', (trs) => trs.map((tr) => tr.dataset.treatment));
  const ps = REF.netrank['Pscore.random'];
  const want = ps.names.map((t, k) => [t, ps.values[k]]).sort((a, b) => b[1] - a[1]).map((x) => x[0]);
  assert.deepEqual(ranked, want, 'P-score order (random effects)');

  // Other sections rendered.
  for (const id of ['#q-table', '#netsplit-table', '#figures', '#certainty', '#sof']) {
    assert.ok(await page.locator(id).count(), `${id} on the results page`);
  }
  await page.waitForSelector('#fig-network-graph');
  if (screenshot) {
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => [...document.images].every((im) => im.complete));
    await page.screenshot({ path: screenshot });
    step(`screenshot ${screenshot}`);
  }

  // 7. Add a study (one two-arm study in Senn2013's format) and run again.
  step('add a study');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evident-e2e-'));
  const newCsv = path.join(tmp, 'new-study.csv');
  fs.writeFileSync(
    newCsv,
    '"TE","seTE","treat1.long","treat2.long","treat1","treat2","studlab"\n' +
      `-0.9,0.15,"Metformin","Placebo","metf","plac","${NEW_STUDY}"\n`,
  );
  await page.click('#tab-data');
  await page.click('#add-study-button');
  await page.setInputFiles('#data-file', newCsv);
  await page.waitForSelector('#mapping-table');
  const summary = await (await page.request.get(`${base}/api/reviews/${REVIEW}`)).json();
  assert.equal(summary.outcomes.length, 1);
  assert.equal(await page.inputValue('#opt-outcome-name'), summary.outcomes[0].name, 'the new rows go to the existing outcome');
  await page.click('#check-button');
  await page.waitForSelector('#check-result');
  assert.equal(await page.getAttribute('#check-result', 'data-ok'), 'true', await page.textContent('#check-result'));
  await page.click('#commit-import-button');
  await page.waitForSelector('#import-done');
  assert.match(await page.textContent('#import-done'), new RegExp(`Added 1 study: ${NEW_STUDY}`));
  await page.waitForFunction(() => document.querySelectorAll('#study-list li').length === 27);
  fs.rmSync(tmp, { recursive: true, force: true });

  step('run 2');
  await page.click('#tab-results');
  await page.waitForSelector('#run-button');
  await page.click('#run-button');
  await page.waitForFunction((r) => {
    const el = document.querySelector('#results');
    const p = document.querySelector('#run-progress');
    return el && p && p.dataset.state === 'done' && el.dataset.run !== r;
  }, run1, { timeout: TIMEOUT });
  const run2 = await page.getAttribute('#results', 'data-run');
  assert.notEqual(run2, run1);

  // 8. History: diff the two runs.
  step('history and diff');
  await page.click('#tab-history');
  await page.waitForSelector('#runs-table');
  assert.equal(await page.locator('#runs-table tbody tr').count(), 2);
  await page.selectOption('#diff-a', run1);
  await page.selectOption('#diff-b', run2);
  await page.click('#diff-button');
  await page.waitForSelector('#diff-changes');
  const changes = await page.$$eval('#diff-changes tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert.ok(
    changes.some((c) => c[2] === 'added' && c[3] === NEW_STUDY),
    `the diff names the added study: ${JSON.stringify(changes)}`,
  );
  assert.match(await page.textContent('#diff'), /metf/);

  // 9. Downloads answer 200 with the right content types.
  step('downloads');
  await page.click('#tab-downloads');
  await page.waitForSelector('.dl-figure');
  const links = await page.$$eval('#dl-report, #dl-xlsx, .dl-figure', (as) => as.map((a) => ({ href: a.href, download: a.getAttribute('download'), id: a.id })));
  assert.ok(links.length >= 4, `download links: ${links.length}`);
  for (const l of links) {
    assert.ok(l.download, `download attribute on ${l.href}`);
    const res = await page.request.get(l.href);
    assert.equal(res.status(), 200, `GET ${l.href}`);
    const type = res.headers()['content-type'] || '';
    const wantType = l.id === 'dl-report' ? 'text/html' : l.id === 'dl-xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'image/svg+xml';
    assert.ok(type.startsWith(wantType), `content type of ${l.href}: ${type}`);
    const body = await res.body();
    assert.ok(body.length > 100, `${l.href} is not empty`);
    if (l.id === 'dl-xlsx') assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'the XLSX is a zip');
  }
  assert.ok(links.some((l) => /network-graph/.test(l.href)), 'a network-graph figure link');

  // 10. No console errors.
  assert.deepEqual(consoleErrors, [], 'console errors');

  // 11. A refused request shows the server's diagnostics (creating the same review again: 409 store-exists).
  // The browser logs the 409 as a console error; that is expected here, after the console check.
  step('error display');
  await page.goto(`${base}/#/`);
  await page.waitForSelector('#reviews-table');
  assert.equal(await page.locator(`#reviews-table tr[data-review="${REVIEW}"]`).count(), 1);
  await page.getByLabel('Name (letters, digits, - and _)').fill(REVIEW);
  await page.click('#create-review-button');
  await page.waitForSelector('#create-review .error-box .diag-text');
  const shown = await page.textContent('#create-review .error-box');
  assert.match(shown, new RegExp(`error: a review named '${REVIEW}' exists`), `the error box shows the diagnostics: ${shown}`);
  step('all checks passed');
} catch (e) {
  failed = true;
  console.error(e && e.stack ? e.stack : e);
  if (consoleErrors.length) console.error('console errors:\n' + consoleErrors.join('\n'));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
