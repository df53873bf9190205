// Batches: the batches of recent jobs, and one batch's counts per state, progress, follow-up and jobs.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ErrorBox, Facts, JobLink, Loading, ProgressBar, StateBadge, useNow, usePoll } from '../components.js';
import { formatAge, JOB_STATES, UUID } from '../format.js';

async function loadRecentBatches(signal) {
  const { jobs } = await api('/v1/jobs?limit=500', { signal });
  const latest = new Map();
  for (const job of jobs) if (job.batchId && !latest.has(job.batchId)) latest.set(job.batchId, job.updatedAt);
  return [...latest].slice(0, 20).map(([batchId, updatedAt]) => ({ batchId, updatedAt }));
}

/** Jobs of a batch listed on its card; the jobs page pages through all of them. */
const LISTED_JOBS = 100;

async function loadBatch(batchId, signal) {
  const [batch, page] = await Promise.all([
    api(`/v1/batches/${batchId}`, { signal }),
    api(`/v1/jobs?batchId=${batchId}&limit=${LISTED_JOBS}`, { signal }),
  ]);
  return { ...batch, jobs: page.jobs, more: page.nextCursor !== null };
}

function Batch({ batchId }) {
  const { data, error } = usePoll((signal) => loadBatch(batchId, signal), 2000, [batchId]);
  if (!data) return html`<${ErrorBox} error=${error} />${!error && html`<${Loading} what="the batch" />`}`;
  return html`<section class="card" aria-labelledby="batch-title">
    <h2 id="batch-title">Batch <span class="mono small">${data.batchId}</span></h2>
    <div class="job-head"><${StateBadge} state=${data.state} /></div>
    <${ProgressBar} percent=${data.percent} label="Batch progress" />
    <${Facts}
      items=${[
        ['Jobs', `${data.finished} of ${data.total} finished${data.size === null ? '' : ` (declared ${data.size})`}`],
        ...JOB_STATES.map((state) => [state, String(data.counts[state] ?? 0)]),
        ['Follow-up', data.followUpJobId ? html`<${JobLink} jobId=${data.followUpJobId} />` : 'none'],
      ]}
    />
    <h3>Jobs</h3>
    <p class="muted" data-listed=${data.jobs.length}>
      ${data.more ? `The ${data.jobs.length} most recently updated of ${data.total} jobs. ` : ''}
      <a href=${`#/jobs?batchId=${data.batchId}`}>${data.more ? 'All of them' : 'These jobs'} on the jobs page</a>
    </p>
    <ul class="plain">
      ${data.jobs.map((job) => html`<li><${JobLink} jobId=${job.jobId} /> <${StateBadge} state=${job.state} /></li>`)}
    </ul>
  </section>`;
}

export function BatchesPage({ batchId }) {
  const [lookup, setLookup] = useState('');
  const recent = usePoll(loadRecentBatches, 5000);
  const now = useNow();
  return html`<h1>Batches</h1>
    <form
      class="filters"
      aria-label="Find a batch by id"
      onSubmit=${(event) => (event.preventDefault(), (location.hash = `#/batches/${lookup.trim()}`))}
    >
      <label>Batch id <input value=${lookup} onInput=${(e) => setLookup(e.currentTarget.value)} size="36" /></label>
      <button type="submit">Open</button>
    </form>
    ${
      batchId &&
      (UUID.test(batchId)
        ? html`<${Batch} batchId=${batchId} key=${batchId} />`
        : html`<${ErrorBox} error=${{ code: 'INPUT', message: 'a batch id is a UUID' }} />`)
    }
    <section class="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Batches of recent jobs</h2>
      <${ErrorBox} error=${recent.error} />
      ${recent.data?.length === 0 && html`<p class="muted">No recent job belongs to a batch.</p>`}
      <ul class="plain">
        ${(recent.data ?? []).map(
          (batch) =>
            html`<li>
              <a class="mono" href=${`#/batches/${batch.batchId}`}>${batch.batchId}</a>
              <span class="muted"> updated ${formatAge(batch.updatedAt, now)}</span>
            </li>`,
        )}
      </ul>
    </section>`;
}
