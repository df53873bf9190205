// Jobs: most recently updated first, filtered by state, stage, batch, a text in their payload or error, worker (the
// API looks at up to 10,000 jobs a page for those two) and how recently they changed, a page at a time; lookup by id.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ErrorBox, JobLink, Loading, ProgressBar, StateBadge, useNow, usePoll } from '../components.js';
import { formatAge, formatDuration, runTimeMs, UUID, JOB_STATES, updatedSince } from '../format.js';

/** The stages a job may belong to: the pipeline's and the scheduler's maintenance runs. */
const STAGES = ['indexing', 'analysis', 'training', 'export', 'noop', 'maintenance'];
/** How recently a job changed, in ms (the API lists the most recently updated first, so the page filters and stops paging). */
const WITHIN = [
  ['', 'any time'],
  ['900000', 'the last 15 min'],
  ['3600000', 'the last hour'],
  ['86400000', 'the last 24 h'],
];

function setQuery(values) {
  const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value));
  location.hash = `#/jobs${query.size > 0 ? `?${query}` : ''}`;
}

/**
 * The filter form. Its fields hold what the person chose until Filter applies it: the page renders
 * every second (its clock) and on every poll, and fields whose value was the applied filters were
 * set back to them on each render, losing a choice not yet applied. Remounted (its `key`) when the
 * applied filters change, so it starts from them.
 */
function Filters({ query }) {
  const [lookup, setLookup] = useState('');
  const [lookupError, setLookupError] = useState(undefined);
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(
      ['state', 'stage', 'batchId', 'q', 'workerId', 'within'].map((name) => [name, query.get(name) ?? '']),
    ),
  );
  const field = (name) => ({
    name,
    value: draft[name],
    onInput: (event) => setDraft((previous) => ({ ...previous, [name]: event.currentTarget.value })),
  });
  const apply = (event) => {
    event.preventDefault();
    setQuery({ ...draft, batchId: draft.batchId.trim(), q: draft.q.trim(), workerId: draft.workerId.trim() });
  };
  const find = (event) => {
    event.preventDefault();
    if (!UUID.test(lookup.trim())) return setLookupError({ code: 'INPUT', message: 'a job id is a UUID' });
    location.hash = `#/jobs/${lookup.trim()}`;
  };
  return html`<div class="toolbar">
    <form class="filters" onSubmit=${apply} aria-label="Filter jobs">
      <label
        >State
        <select ...${field('state')}>
          <option value="">any</option>
          ${JOB_STATES.map((state) => html`<option value=${state}>${state}</option>`)}
        </select>
      </label>
      <label
        >Stage
        <select ...${field('stage')}>
          <option value="">any</option>
          ${STAGES.map((stage) => html`<option value=${stage}>${stage}</option>`)}
        </select>
      </label>
      <label>Batch id <input ...${field('batchId')} size="36" spellcheck="false" /></label>
      <label>Payload or error contains <input ...${field('q')} type="search" size="24" maxlength="200" /></label>
      <label>Worker <input ...${field('workerId')} size="20" maxlength="200" spellcheck="false" /></label>
      <label
        >Updated in
        <select ...${field('within')}>
          ${WITHIN.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      </label>
      <button type="submit">Filter</button>
    </form>
    <form class="filters" onSubmit=${find} aria-label="Find a job by id">
      <label
        >Job id
        <input value=${lookup} onInput=${(e) => setLookup(e.currentTarget.value)} size="36" spellcheck="false" />
      </label>
      <button type="submit">Open</button>
    </form>
    <${ErrorBox} error=${lookupError} />
  </div>`;
}

export function JobsPage({ query }) {
  const filters = ['state', 'stage', 'batchId', 'q', 'workerId'].flatMap((name) =>
    query.get(name) ? [[name, query.get(name)]] : [],
  );
  const within = Number(query.get('within')) || null;
  const key = JSON.stringify([filters, within]);
  // The pages walked through belong to the filters they were walked with: new filters start at the newest.
  const [paging, setPaging] = useState({ key, cursors: [undefined] });
  const cursors = paging.key === key ? paging.cursors : [undefined];
  const setCursors = (next) => setPaging({ key, cursors: next });
  const cursor = cursors.at(-1);
  const { data, error } = usePoll(
    (signal) => {
      // A list shows no results: `summary` leaves them out (an indexing result can be 256 KiB).
      const params = new URLSearchParams([
        ...filters,
        ['limit', '25'],
        ['fields', 'summary'],
        ...(cursor ? [['cursor', cursor]] : []),
      ]);
      return api(`/v1/jobs?${params}`, { signal });
    },
    cursor === undefined ? 3000 : 0,
    [key, cursor],
  );
  const now = useNow();
  const page = data && updatedSince(data.jobs, within === null ? null : now - within);
  return html`<h1>Jobs</h1>
    <${Filters} query=${query} key=${key} />
    <${ErrorBox} error=${error} />
    ${data === undefined && !error && html`<${Loading} what="jobs" />`}
    ${
      data &&
      html`<div class="table-wrap">
          <table class="jobs">
            <caption class="visually-hidden">
              Jobs, most recently updated first
            </caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Stage</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col">Run time</th>
                <th scope="col">Updated</th>
                <th scope="col" class="payload">Payload</th>
              </tr>
            </thead>
            <tbody>
              ${page.jobs.map(
                (job) =>
                  html`<tr data-job=${job.jobId}>
                    <td><${JobLink} jobId=${job.jobId} /></td>
                    <td>${job.stage.toLowerCase()}</td>
                    <td><${StateBadge} state=${job.state} /></td>
                    <td>
                      ${
                        job.progress || job.state === 'SUCCESS'
                          ? html`<${ProgressBar}
                              percent=${job.state === 'SUCCESS' ? 100 : job.progress.percent}
                              label=${`Progress of ${job.jobId}`}
                            />`
                          : '—'
                      }
                    </td>
                    <td>${formatDuration(runTimeMs(job, now))}</td>
                    <td>${formatAge(job.updatedAt, now)}</td>
                    <td class="payload mono small" title=${job.payloadPreview ?? ''}>${job.payloadPreview ?? '—'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${
          page.jobs.length === 0 &&
          html`<p class="muted">
            No job
            matches${data.nextCursor !== null && !page.exhausted ? ' here: older jobs may (Older looks further)' : ''}.
          </p>`
        }
        <div class="pager">
          <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <button
            type="button"
            disabled=${data.nextCursor === null || page.exhausted}
            onClick=${() => setCursors([...cursors, data.nextCursor])}
          >
            Older
          </button>
        </div>`
    }`;
}
