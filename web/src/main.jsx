// The evident web app: one page, hash routes.
//   #/                          reviews (list, create)
//   #/review/NAME/TAB           a review; TAB = data | settings | results | downloads | history
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Reviews } from './reviews.jsx';
import { Review } from './review.jsx';
import './style.css';

function parseHash() {
  const h = (location.hash || '#/').slice(1);
  const parts = h.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'review' && parts[1]) return { screen: 'review', name: parts[1], tab: parts[2] || 'data' };
  return { screen: 'reviews' };
}

export function navigate(route) {
  location.hash = route;
}

function App() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return (
    <div class="app">
      <header class="topbar">
        <a href="#/" class="brand">evident</a>
        <span class="tagline">evidence synthesis: network meta-analysis, certainty, reports</span>
        {route.screen === 'review' && (
          <nav aria-label="breadcrumb" class="crumbs">
            <a href="#/">Reviews</a> › <span>{route.name}</span>
          </nav>
        )}
      </header>
      <main>
        {route.screen === 'reviews' && <Reviews />}
        {route.screen === 'review' && <Review key={route.name} name={route.name} tab={route.tab} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app'));
