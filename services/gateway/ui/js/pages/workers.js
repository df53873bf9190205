// Workers: who is alive (worker presence: every stage's workers and the maintenance worker),
// what each runs with its progress, uptime and heartbeat age, what it processed since it
// started, its host's load and its memory (Flower's front page); ping asks every worker to answer.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ErrorBox, JobLink, Loading, ProgressBar, useNow, usePoll } from '../components.js';
import { formatAge, formatDuration } from '../format.js';

const PING_WAIT_MS = 5000;

function Ping({ principal, expected }) {
  const [state, setState] = useState({ busy: false });
  const ping = async () => {
    setState({ busy: true });
    try {
      const { commandId } = await api('/v1/workers/ping', { json: {} });
      const deadline = Date.now() + PING_WAIT_MS;
      let answers = [];
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        ({ answers } = await api(`/v1/workers/pings/${commandId}`));
        setState({ busy: true, answers });
        if (expected.length > 0 && expected.every((id) => answers.some((a) => a.workerId === id))) break;
      }
      setState({ busy: false, answers, silent: expected.filter((id) => !answers.some((a) => a.workerId === id)) });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const allowed = principal.scopes.includes('admin');
  return html`<div class="ping">
    <button type="button" onClick=${ping} disabled=${state.busy || !allowed}>
      ${state.busy ? 'Pinging…' : 'Ping workers'}
    </button>
    ${!allowed && html`<span class="muted"> Ping needs the admin scope.</span>`}
    <${ErrorBox} error=${state.error} />
    ${
      state.answers &&
      html`<div role="status" aria-label="Ping answers">
        <ul class="plain">
          ${state.answers.map(
            (a) => html`<li><span class="mono">${a.workerId}</span> answered, up ${formatDuration(a.uptimeMs)}</li>`,
          )}
          ${(state.silent ?? []).map((id) => html`<li class="error-text"><span class="mono">${id}</span>: no answer</li>`)}
        </ul>
      </div>`
    }
  </div>`;
}

/** Resident memory in MiB, as `123 MiB`. */
function formatMiB(bytes) {
  return `${Math.round(bytes / 1_048_576).toLocaleString('en')} MiB`;
}

/**
 * Flower's Processed, Succeeded, Failed and Retried (and Revoked): the attempts the worker ended
 * since it started. A worker of an earlier version does not count them.
 */
function processedFigures(processed) {
  const figures = processed
    ? [
        ['Processed', processed.succeeded + processed.failed + processed.retried + processed.revoked],
        ['Succeeded', processed.succeeded],
        ['Failed', processed.failed],
        ['Retried', processed.retried],
        ['Revoked', processed.revoked],
      ]
    : [['Processed', '—']];
  return figures.map(
    ([name, value]) =>
      html`<div>
        <dt>${name}</dt>
        <dd>${value.toLocaleString('en')}</dd>
      </div>`,
  );
}

function WorkerCard({ worker, now }) {
  return html`<section
    class="card worker-card"
    aria-label=${`Worker ${worker.workerId}`}
    data-worker=${worker.workerId}
  >
    <h2 class="mono small">${worker.workerId}</h2>
    <dl class="figures">
      <div>
        <dt>Stage</dt>
        <dd>${worker.stage}</dd>
      </div>
      <div>
        <dt>Host</dt>
        <dd>${worker.host} (pid ${worker.pid})</dd>
      </div>
      <div>
        <dt>Uptime</dt>
        <dd>${formatDuration(now - worker.startedAt)}</dd>
      </div>
      <div>
        <dt>Heartbeat</dt>
        <dd>${formatAge(worker.heartbeatAt, now)}</dd>
      </div>
      <div>
        <dt>Running</dt>
        <dd>${worker.running.length} / ${worker.concurrency}</dd>
      </div>
      <div>
        <dt>State</dt>
        <dd>${worker.paused ? 'paused' : 'consuming'}</dd>
      </div>
      ${processedFigures(worker.processed)}
      <div>
        <dt>Load average</dt>
        <dd>${worker.loadAverage ? worker.loadAverage.map((load) => load.toFixed(2)).join(', ') : '—'}</dd>
      </div>
      <div>
        <dt>Memory</dt>
        <dd>${worker.rssBytes === null || worker.rssBytes === undefined ? '—' : formatMiB(worker.rssBytes)}</dd>
      </div>
    </dl>
    <p><a href=${`#/jobs?workerId=${encodeURIComponent(worker.workerId)}`}>Its jobs</a></p>
    ${
      worker.running.length > 0 &&
      html`<ul class="plain running">
        ${worker.running.map((job) => {
          const percent =
            job.progress && job.progress.total > 0 ? (job.progress.current / job.progress.total) * 100 : 0;
          return html`<li>
            <${JobLink} jobId=${job.jobId} /> attempt ${job.attempt}, for ${formatDuration(now - job.startedAt)}
            ${job.progress && html`<${ProgressBar} percent=${percent} label=${`Progress of ${job.jobId}`} />`}
          </li>`;
        })}
      </ul>`
    }
  </section>`;
}

export function WorkersPage({ principal }) {
  const { data, error } = usePoll((signal) => api('/v1/workers', { signal }), 2000);
  const now = useNow();
  const workers = data?.workers ?? [];
  return html`<h1>Workers</h1>
    <${Ping} principal=${principal} expected=${workers.map((w) => w.workerId)} />
    <${ErrorBox} error=${error} />
    ${data === undefined && !error && html`<${Loading} what="workers" />`}
    ${data && workers.length === 0 && html`<p class="muted">No worker is alive.</p>`}
    <div class="cards">${workers.map((worker) => html`<${WorkerCard} worker=${worker} now=${now} />`)}</div>`;
}
