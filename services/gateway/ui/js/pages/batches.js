// Batches: the batches of recent jobs, and one batch's counts per state, progress, follow-up and jobs;
// revoking a batch that has not ended (its jobs not ended, and its follow-up).
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import {
  ConfirmButton,
  ErrorBox,
  Facts,
  JobLink,
  Loading,
  ProgressBar,
  StateBadge,
  useNow,
  usePoll,
} from '../components.js';
import { formatAge, JOB_STATES, UUID } from '../format.js';

async function loadRecentBatches(signal) {
  const { jobs } = await api('/v1/jobs?limit=500&fields=summary', { signal });
  const latest = new Map();
  for (const job of jobs) if (job.batchId && !latest.has(job.batchId)) latest.set(job.batchId, job.updatedAt);
  return [...latest].slice(0, 20).map(([batchId, updatedAt]) => ({ batchId, updatedAt }));
}

/** Jobs of a batch listed on its card; the jobs page pages through all of them. */
const LISTED_JOBS = 100;

async function loadBatch(batchId, signal) {
  const [batch, page] = await Promise.all([
    api(`/v1/batches/${batchId}`, { signal }),
    api(`/v1/jobs?batchId=${batchId}&limit=${LISTED_JOBS}&fields=summary`, { signal }),
  ]);
  return { ...batch, jobs: page.jobs, more: page.nextCursor !== null };
}

function RevokeBatch({ batch, principal, onDone }) {
  const canRevoke = principal.scopes.includes('submit');
  const open = batch.total - batch.finished;
  const followUp = batch.followUpJobId ? ', and its follow-up' : '';
  return html`<div class="actions">
    <${ConfirmButton}
      label="Revoke batch"
      danger
      disabled=${!canRevoke}
      question=${`Revoke the ${open} job(s) of batch ${batch.batchId} that have not ended${followUp}? Queued jobs never start; running ones are aborted.`}
      action=${async () => {
        // No reason of its own: the API's default, "revoked by <token name>", says who.
        const reply = await api(`/v1/batches/${batch.batchId}`, { method: 'DELETE', json: {} });
        return `${reply.revoked} revoked, ${reply.alreadyEnded} already ended`;
      }}
      onDone=${onDone}
    />
    ${!canRevoke && html`<span class="muted">Revoking needs the submit scope.</span>`}
  </div>`;
}

function Batch({ batchId, principal }) {
  const { data, error } = usePoll((signal) => loadBatch(batchId, signal), 2000, [batchId]);
  // Kept on the card: the button goes once every job has ended, the poll after the revocation.
  const [revoked, setRevoked] = useState(undefined);
  if (!data) return html`<${ErrorBox} error=${error} />${!error && html`<${Loading} what="the batch" />`}`;
  return html`<section class="card" aria-labelledby="batch-title">
    <h2 id="batch-title">Batch <span class="mono small">${data.batchId}</span></h2>
    <div class="job-head">
      <${StateBadge} state=${data.state} />
      ${data.finished < data.total && html`<${RevokeBatch} batch=${data} principal=${principal} onDone=${setRevoked} />`}
    </div>
    ${revoked && html`<p class="muted" role="status">Batch revoked: ${revoked}.</p>`}
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

export function BatchesPage({ batchId, principal }) {
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
        ? html`<${Batch} batchId=${batchId} principal=${principal} key=${batchId} />`
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
