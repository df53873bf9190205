// Overview: each stage with its live workers, jobs running, lag per lane, jobs per minute
// (counted by the API over the view's indexes) and run times (of its latest successes, which
// the API reads once for every dashboard), refreshed every two seconds; an admin pauses and
// resumes a stage, and sets or removes its rate limit and its workers' concurrency, here.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ConfirmButton, ErrorBox, Loading, usePoll } from '../components.js';
import { formatDuration } from '../format.js';

const REFRESH_MS = 2000;
const LANES = ['high', 'normal', 'low'];

async function loadOverview(signal) {
  const { stages } = await api('/v1/stages', { signal });
  const figures = await Promise.all(
    stages.map(async ({ stage }) => {
      const { counts, truncated } = await api(`/v1/jobs/counts?stage=${stage}&sinceMs=60000`, { signal });
      return {
        // Past the API's bound the counts are lower bounds.
        succeededPerMinute: `${counts.SUCCESS}${truncated ? '+' : ''}`,
        failedPerMinute: `${counts.FAILURE}${truncated ? '+' : ''}`,
      };
    }),
  );
  return stages.map((stage, i) => ({ ...stage, figures: figures[i] }));
}

/** Pause or resume a stage on every worker (admin): its workers stop taking jobs, the queued ones wait. */
function StageControl({ stage, principal, onDone }) {
  if (!principal.scopes.includes('admin')) return null;
  const action = stage.paused ? 'resume' : 'pause';
  const label = stage.paused ? 'Resume' : 'Pause';
  const question = stage.paused
    ? `Resume ${stage.stage}? Its workers take jobs again.`
    : `Pause ${stage.stage}? Its workers take no new job (running ones finish) until it is resumed.`;
  return html`<${ConfirmButton}
    label=${label}
    question=${question}
    action=${async () => (await api(`/v1/stages/${stage.stage}/${action}`, { json: {} }), `${action} sent`)}
    onDone=${onDone}
  />`;
}

/** The limit the stage's workers apply (with none running, an operator's for them), and whether it is an operator's. */
function rateLimitText(stage) {
  const perSecond = stage.workers.length > 0 ? stage.rateLimitPerSecond : (stage.rateLimitOverride?.perSecond ?? null);
  if (perSecond === null) return 'none';
  return `${perSecond} / s${stage.rateLimitOverride === null ? '' : ' (set)'}`;
}

/**
 * What an admin sets for a stage on every worker, or gives back (`null`): kept in Redis, applied
 * by its workers within a presence interval (services/lib/stage-controls.ts).
 */
const STAGE_SETTINGS = {
  rateLimit: {
    route: 'rate-limit',
    field: 'perSecond',
    override: 'rateLimitOverride',
    form: 'Rate limit',
    label: 'Starts per second',
    step: 'any',
    submit: 'Set limit',
    reset: "Stage's own",
    valid: (value) => value > 0,
    invalid: 'a rate limit is a number of starts per second above 0',
    done: (value) => (value === null ? "the stage's own limit" : `${value} / s set`),
  },
  // Flower's pool size: never more than a worker started with (its threads are sized then).
  concurrency: {
    route: 'concurrency',
    field: 'perWorker',
    override: 'concurrencyOverride',
    form: 'Concurrency',
    label: 'Jobs at once per worker',
    step: '1',
    submit: 'Set concurrency',
    reset: "Workers' own",
    valid: (value) => Number.isInteger(value) && value >= 1,
    invalid: 'a concurrency is a whole number of jobs above 0',
    done: (value) => (value === null ? "each worker's own concurrency" : `${value} per worker set`),
  },
};

/** The form that sets one of a stage's settings (STAGE_SETTINGS) on every worker (admin). */
function StageSettingControl({ setting, stage, principal, onDone }) {
  const [input, setInput] = useState('');
  const [status, setStatus] = useState({ busy: false, error: undefined, done: undefined });
  if (!principal.scopes.includes('admin')) return null;
  const send = async (value) => {
    setStatus({ busy: true });
    try {
      await api(`/v1/stages/${stage.stage}/${setting.route}`, { method: 'PUT', json: { [setting.field]: value } });
      setStatus({ busy: false, done: setting.done(value) });
      onDone?.();
    } catch (error) {
      setStatus({ busy: false, error });
    }
  };
  const submit = (event) => {
    event.preventDefault();
    const value = Number(input);
    if (input.trim() === '' || !setting.valid(value)) {
      setStatus({ busy: false, error: { code: 'INPUT', message: setting.invalid } });
    } else void send(value);
  };
  return html`<form class="filters stage-setting" onSubmit=${submit} aria-label=${`${setting.form} of ${stage.stage}`}>
    <label
      >${setting.label}
      <input
        type="number"
        min="0"
        step=${setting.step}
        value=${input}
        onInput=${(e) => setInput(e.currentTarget.value)}
    /></label>
    <button type="submit" disabled=${status.busy}>${setting.submit}</button>
    ${
      stage[setting.override] !== null &&
      html`<button type="button" disabled=${status.busy} onClick=${() => send(null)}>${setting.reset}</button>`
    }
    ${status.done && html`<span class="ok" role="status">${status.done}</span>`}
    <${ErrorBox} error=${status.error} />
  </form>`;
}

/** The operator's concurrency for the stage's workers, or `own`: each runs what it started with. */
function concurrencyText(stage) {
  return stage.concurrencyOverride === null ? 'own' : `${stage.concurrencyOverride.perWorker} / worker (set)`;
}

function StageCard({ stage, principal, onChange }) {
  const { figures } = stage;
  const uncommitted = LANES.reduce((sum, lane) => sum + (stage.lag[lane] ?? 0), 0);
  return html`<section class="card stage" aria-labelledby=${`stage-${stage.stage}`} data-stage=${stage.stage}>
    <h2 id=${`stage-${stage.stage}`}>
      ${stage.stage} ${stage.paused && html`<span class="badge state-retry">paused</span>`}
    </h2>
    <${StageControl} stage=${stage} principal=${principal} onDone=${onChange} />
    <dl class="figures">
      <div>
        <dt>Workers</dt>
        <dd data-figure="workers">${stage.workers.length}</dd>
      </div>
      <div>
        <dt>Running</dt>
        <dd data-figure="running">${stage.inFlight} / ${stage.concurrency}</dd>
      </div>
      <div>
        <dt>Succeeded / min</dt>
        <dd data-figure="succeeded">${figures.succeededPerMinute}</dd>
      </div>
      <div>
        <dt>Failed / min</dt>
        <dd data-figure="failed">${figures.failedPerMinute}</dd>
      </div>
      <div>
        <dt>Mean run time</dt>
        <dd data-figure="mean-run">${formatDuration(stage.runTimes?.meanRunMs ?? null)}</dd>
      </div>
      <div>
        <dt>p95 run time</dt>
        <dd data-figure="p95-run">${formatDuration(stage.runTimes?.p95RunMs ?? null)}</dd>
      </div>
      <div>
        <dt>Rate limit</dt>
        <dd data-figure="rate-limit">${rateLimitText(stage)}</dd>
      </div>
      <div>
        <dt>Concurrency</dt>
        <dd data-figure="concurrency">${concurrencyText(stage)}</dd>
      </div>
    </dl>
    ${Object.values(STAGE_SETTINGS).map(
      (setting) =>
        html`<${StageSettingControl} setting=${setting} stage=${stage} principal=${principal} onDone=${onChange} />`,
    )}
    <table class="lag">
      <caption>
        Lag per lane: ${uncommitted} not yet committed
      </caption>
      <thead>
        <tr>
          ${LANES.map((lane) => html`<th scope="col">${lane}</th>`)}
        </tr>
      </thead>
      <tbody>
        <tr>
          ${LANES.map((lane) => html`<td data-lane=${lane}>${stage.lag[lane] ?? '—'}</td>`)}
        </tr>
      </tbody>
    </table>
    ${
      stage.workers.length > 0 &&
      html`<ul class="worker-list" aria-label=${`Workers of ${stage.stage}`}>
        ${stage.workers.map(
          (worker) =>
            html`<li class="worker" data-worker=${worker.workerId}>
              <span class="mono">${worker.workerId}</span> · ${worker.running.length} running
            </li>`,
        )}
      </ul>`
    }
  </section>`;
}

export function OverviewPage({ principal }) {
  const { data, error, reload } = usePoll(loadOverview, REFRESH_MS);
  return html`<h1>Overview</h1>
    <p class="muted">
      Refreshed every ${REFRESH_MS / 1000} s. Jobs per minute: jobs finished in the last minute; run times: successes of
      the last 15 minutes (latest 200). Lag: requests a lane holds past its group's committed offset, waiting or
      running, and finished ones behind an unfinished job of the same partition (a partition commits up to its oldest
      unfinished job).
    </p>
    <${ErrorBox} error=${error} />
    ${
      data === undefined && !error
        ? html`<${Loading} what="stages" />`
        : html`<div class="cards">
            ${(data ?? []).map(
              (stage) => html`<${StageCard} stage=${stage} principal=${principal} onChange=${reload} />`,
            )}
          </div>`
    }`;
}
