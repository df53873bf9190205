// Pages of stages added later (schedules, models, exports): shown once their routes answer,
// drawn from whatever their replies hold, so the dashboard need not change when they land.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ErrorBox, Loading, usePoll } from '../components.js';
import { cellText, rowsOf } from '../format.js';

function Rows({ rows }) {
  if (rows.length === 0) return html`<p class="muted">Nothing to show.</p>`;
  const columns = [...new Set(rows.flatMap((row) => (row && typeof row === 'object' ? Object.keys(row) : [])))];
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${columns.map((column) => html`<th scope="col">${column}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr>
              ${columns.map((column) => html`<td>${cellText(row[column])}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function ListingPage({ title, path }) {
  const { data, error } = usePoll((signal) => api(path, { signal }), 5000, [path]);
  return html`<h1>${title}</h1>
    <${ErrorBox} error=${error} />
    ${data === undefined && !error ? html`<${Loading} />` : data && html`<${Rows} rows=${rowsOf(data)} />`}`;
}

export function ExportsPage() {
  const [jobId, setJobId] = useState('');
  const [state, setState] = useState({});
  const find = async (event) => {
    event.preventDefault();
    try {
      setState({ data: await api(`/v1/exports/${jobId.trim()}`) });
    } catch (error) {
      setState({ error });
    }
  };
  return html`<h1>Exports</h1>
    <form class="filters" onSubmit=${find} aria-label="Find an export by its job id">
      <label>Export job id <input value=${jobId} onInput=${(e) => setJobId(e.currentTarget.value)} size="36" /></label>
      <button type="submit">Open</button>
    </form>
    <${ErrorBox} error=${state.error} />
    ${state.data && html`<pre class="json" tabindex="0">${JSON.stringify(state.data, null, 2)}</pre>`}`;
}
