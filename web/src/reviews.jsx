// Reviews screen: the reviews in the server's --reviews folder, and a form to create one.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from './api.js';
import { ErrorBox, Loading } from './common.jsx';

export function Reviews() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const load = () => get('/api/reviews').then(setList, setError);
  useEffect(() => {
    load();
  }, []);
  return (
    <div class="page">
      <h2>Reviews</h2>
      <ErrorBox error={error} />
      {!list && !error && <Loading what="reviews" />}
      {list && (
        <table class="grid" id="reviews-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Title</th>
              <th class="num">Studies</th>
              <th class="num">Runs</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {list.reviews.length === 0 && (
              <tr>
                <td colSpan={5}>No reviews yet: create one below.</td>
              </tr>
            )}
            {list.reviews.map((r) => (
              <tr key={r.name} data-review={r.name}>
                <td>{r.name}</td>
                <td>{r.title}</td>
                <td class="num">{r.studies}</td>
                <td class="num">{r.runs}</td>
                <td>
                  <a class="button" href={`#/review/${encodeURIComponent(r.name)}/data`}>Open</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && list.can_create !== false && <CreateReview />}
      {list && list.can_create === false && <p class="note">This server cannot create reviews (no writable --reviews folder).</p>}
    </div>
  );
}

function CreateReview() {
  const [f, setF] = useState({ name: '', title: '', population: '', intervention: '', comparator: '', outcome: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const validName = /^[A-Za-z0-9_-]{1,64}$/.test(f.name);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        name: f.name,
        title: f.title || f.name,
        // The question's keys are the CLI's (`evident review init --population --intervention --comparison --outcomes`).
        question: { population: f.population, intervention: f.intervention, comparison: f.comparator, outcomes: f.outcome },
      };
      const r = await post('/api/reviews', body);
      location.hash = `#/review/${encodeURIComponent(r.name || f.name)}/data`;
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" id="create-review" onSubmit={submit}>
      <h3>New review</h3>
      <div class="fields">
        <label>
          Name (letters, digits, - and _)
          <input id="review-name" name="name" required pattern="[A-Za-z0-9_\-]{1,64}" value={f.name} onInput={set('name')} />
        </label>
        <label>
          Title
          <input id="review-title" name="title" value={f.title} onInput={set('title')} />
        </label>
        <label>
          Population
          <input id="review-population" value={f.population} onInput={set('population')} />
        </label>
        <label>
          Intervention(s)
          <input id="review-intervention" value={f.intervention} onInput={set('intervention')} />
        </label>
        <label>
          Comparator(s)
          <input id="review-comparator" value={f.comparator} onInput={set('comparator')} />
        </label>
        <label>
          Outcome(s)
          <input id="review-outcome" value={f.outcome} onInput={set('outcome')} />
        </label>
      </div>
      <button type="submit" id="create-review-button" disabled={busy || !validName}>
        Create review
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
