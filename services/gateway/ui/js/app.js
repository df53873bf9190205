// The dashboard's shell: sign-in, navigation and the hash router (`#/jobs/<id>`), so the
// gateway serves one page and the browser's back button works.
import { html, render } from '../vendor/htm-preact.mjs';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api, forgetToken, onUnauthorized, routeAnswers, storedToken, storeToken } from './api.js';
import { ErrorBox, Loading } from './components.js';
import { BatchesPage } from './pages/batches.js';
import { DeadLettersPage } from './pages/dead-letters.js';
import { JobPage } from './pages/job.js';
import { JobsPage } from './pages/jobs.js';
import { ExportsPage } from './pages/exports.js';
import { ModelsPage } from './pages/models.js';
import { OverviewPage } from './pages/overview.js';
import { SchedulesPage } from './pages/schedules.js';
import { WorkersPage } from './pages/workers.js';

/** Pages shown only once their routes answer (a gateway without a scheduler or a model registry has none). */
const OPTIONAL = [
  { path: 'schedules', title: 'Schedules', probe: '/v1/schedules' },
  { path: 'models', title: 'Models', probe: '/v1/models' },
];

function parseHash(hash) {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseHash(hash);
}

function SignIn({ onSignedIn, reason }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const principal = await api('/v1/whoami', { token: token.trim() });
      storeToken(token.trim());
      onSignedIn(principal);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="sign-in">
    <h1>sedano dashboard</h1>
    <form onSubmit=${submit}>
      <label for="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="off"
        spellcheck="false"
        required
        value=${token}
        onInput=${(event) => setToken(event.currentTarget.value)}
      />
      <p class="muted">
        A token with the <code>read</code> scope shows everything; actions need their own scope. It is kept in this
        tab's session storage only.
      </p>
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>
    <${ErrorBox} error=${error} />
  </main>`;
}

function Nav({ current, optional, principal, onSignOut }) {
  const links = [
    ['overview', 'Overview'],
    ['jobs', 'Jobs'],
    ['batches', 'Batches'],
    ['workers', 'Workers'],
    ['dead-letters', 'Dead letters'],
    // Every gateway has the export route (it answers 503 without an export storage).
    ['exports', 'Exports'],
    ...optional.map((page) => [page.path, page.title]),
  ];
  return html`<header class="top">
    <a
      class="skip"
      href="#main"
      onClick=${(event) => (event.preventDefault(), document.getElementById('main')?.focus())}
      >Skip to content</a
    >
    <span class="brand">sedano</span>
    <nav aria-label="Pages">
      <ul>
        ${links.map(
          ([path, title]) =>
            html`<li>
              <a href=${`#/${path}`} aria-current=${current === path ? 'page' : undefined}>${title}</a>
            </li>`,
        )}
      </ul>
    </nav>
    <span class="who">
      <span title=${`scopes: ${principal.scopes.join(', ')}`}>${principal.name}</span>
      <button type="button" onClick=${onSignOut}>Sign out</button>
    </span>
  </header>`;
}

/** A path part as typed: decoded when it is valid percent-encoding, else as it is (a bad link must not break the app). */
function decodedPart(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function Page({ route, principal, optional }) {
  const [page = 'overview', id] = route.parts;
  const props = { principal, query: route.query };
  // Keyed by the job: another job's page starts afresh, with nothing of the last one's state
  // (a dead letter's "Replayed as", a button's "submitted as").
  if (page === 'jobs' && id) return html`<${JobPage} ...${props} key=${id} jobId=${id} />`;
  if (page === 'jobs') return html`<${JobsPage} ...${props} key=${route.query.toString()} />`;
  if (page === 'batches') return html`<${BatchesPage} ...${props} batchId=${id} />`;
  if (page === 'workers') return html`<${WorkersPage} ...${props} />`;
  if (page === 'dead-letters') return html`<${DeadLettersPage} ...${props} />`;
  if (page === 'exports') {
    const jobId = id && decodedPart(id);
    return html`<${ExportsPage} ...${props} key=${jobId ?? ''} jobId=${jobId} />`;
  }
  if (page === 'overview') return html`<${OverviewPage} ...${props} />`;
  // Until the probes answer, an optional page's link is neither shown nor refused.
  if (optional === undefined && OPTIONAL.some((p) => p.path === page)) return html`<${Loading} what="the page" />`;
  const shown = (path) => optional?.some((p) => p.path === path);
  if (page === 'schedules' && shown('schedules')) return html`<${SchedulesPage} ...${props} />`;
  if (page === 'models' && shown('models')) {
    const [, name, version] = route.parts;
    return html`<${ModelsPage} ...${props} name=${name && decodedPart(name)} version=${version} />`;
  }
  return html`<h1>Page not found</h1>
    <p role="alert">
      The dashboard has no page <code>#/${route.parts.map(decodedPart).join('/')}</code>.
      <a href="#/overview">Go to the overview</a>.
    </p>`;
}

function App() {
  const route = useRoute();
  const [principal, setPrincipal] = useState(undefined);
  const [signInReason, setSignInReason] = useState(undefined);
  // The optional pages whose routes answer; undefined until the probes are done.
  const [optional, setOptional] = useState(undefined);
  useEffect(() => {
    if (storedToken() === null) return setPrincipal(null);
    api('/v1/whoami')
      .then(setPrincipal)
      .catch((error) => {
        forgetToken();
        setSignInReason(error);
        setPrincipal(null);
      });
  }, []);
  useEffect(
    () =>
      onUnauthorized((error) => {
        forgetToken();
        setSignInReason(error);
        setPrincipal(null);
      }),
    [],
  );
  useEffect(() => {
    if (!principal) return;
    Promise.all(OPTIONAL.map(async (page) => ((await routeAnswers(page.probe)) ? [page] : []))).then((found) =>
      setOptional(found.flat()),
    );
  }, [principal]);
  const page = route.parts[0] ?? 'overview';
  useEffect(() => {
    document.title = `${page.replace('-', ' ')} · sedano`;
  }, [page]);
  if (principal === undefined) return html`<p class="muted" role="status">Loading…</p>`;
  if (principal === null) {
    return html`<${SignIn}
      reason=${signInReason}
      onSignedIn=${(p) => (setSignInReason(undefined), setPrincipal(p))}
    />`;
  }
  const signOut = () => {
    forgetToken();
    setPrincipal(null);
  };
  return html`<${Nav} current=${page} optional=${optional ?? []} principal=${principal} onSignOut=${signOut} />
    <main id="main" tabindex="-1">
      <${Page} route=${route} principal=${principal} optional=${optional} />
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
