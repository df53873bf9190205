// A page of a stage added later (models): shown once its route answers, drawn from whatever its
// reply holds, so the dashboard need not change when it lands.
import { html } from '../../vendor/htm-preact.mjs';
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
