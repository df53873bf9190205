// One job, live: its state, progress, rate and ETA move with the job's event stream (read with
// fetch, as EventSource cannot send the token); attempts and error, result, times; revoke and
// replay-from-dead-letter; its payload (Flower's args); and its trace drawn as a timeline.
import { html } from '../../vendor/htm-preact.mjs';
import { useEffect, useMemo, useState } from '../../vendor/hooks.mjs';
import { api, readEventStream, saveBlob } from '../api.js';
import { ConfirmButton, ErrorBox, Facts, JobLink, Loading, ProgressBar, StateBadge, useNow } from '../components.js';
import { formatDuration, formatTime, reopensStream, runTimeMs, TERMINAL } from '../format.js';
import { ExportDownload } from './exports.js';
import { TraceTimeline } from './trace.js';

const RECONNECT_MS = 2000;

/**
 * The job's latest view: fetched once, then each event of its stream until a terminal state (a
 * job not in the view yet: its stream alone, which waits for it to appear). A
 * stream that ends before the job did (the gateway shut down, a proxy cut it) is opened again
 * after RECONNECT_MS (reopensStream says when).
 */
function useLiveJob(jobId) {
  const [state, setState] = useState({ job: undefined, error: undefined, live: false, reconnecting: false });
  useEffect(() => {
    const controller = new AbortController();
    let timer;
    // The job as last seen, for the decision to reconnect (state updates are not read back here).
    let latest;
    const connect = async () => {
      let failure;
      setState((s) => ({ ...s, live: true, reconnecting: false }));
      try {
        await readEventStream(
          `/v1/jobs/${jobId}/events`,
          ({ event, data }) => {
            if (event === 'status') {
              latest = data;
              setState({ job: data, error: undefined, live: true, reconnecting: false });
            } else if (event === 'error') {
              // The stream's own last word (the job left the view): as final as the API's 404.
              failure = { status: 404, code: data.code, message: data.message };
            }
          },
          controller.signal,
        );
      } catch (error) {
        if (controller.signal.aborted) return;
        failure = error;
      }
      if (controller.signal.aborted) return;
      const again = reopensStream(latest, failure);
      setState((s) => ({ ...s, error: failure ?? s.error, live: false, reconnecting: again }));
      if (again) timer = setTimeout(connect, RECONNECT_MS);
    };
    api(`/v1/jobs/${jobId}`, { signal: controller.signal })
      .then((job) => {
        latest = job;
        setState({ job, error: undefined, live: false, reconnecting: false });
        if (!TERMINAL.has(job.state)) connect();
      })
      .catch((error) => {
        if (controller.signal.aborted) return;
        // A job submitted a moment ago (a retry from a dead letter opens its new job at once) may
        // not be in the view yet: its event stream waits for it, and answers 404 if it never comes.
        if (error.status === 404) connect();
        else setState({ job: undefined, error, live: false, reconnecting: false });
      });
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [jobId]);
  return state;
}

function Progress({ job, now }) {
  const { progress } = job;
  // A success is all done, whatever progress its last event carried (the runtime may send none).
  const done = job.state === 'SUCCESS';
  if (!progress && !done) return html`<p class="muted">No progress reported yet.</p>`;
  const etaMs = progress?.etaAt ? Math.max(0, progress.etaAt - now) : null;
  return html`<div class="job-progress">
    <${ProgressBar} percent=${done ? 100 : progress.percent} label="Job progress" />
    <${Facts}
      items=${[
        ['Message', html`<span data-field="message">${progress?.message ?? '—'}</span>`],
        ['Done', progress ? `${progress.current} of ${progress.total}` : '—'],
        ['Rate', progress?.ratePerSecond == null ? '—' : `${progress.ratePerSecond} / s`],
        ['ETA', TERMINAL.has(job.state) ? '—' : formatDuration(etaMs)],
      ]}
    />
  </div>`;
}

/**
 * The dead letter of `job`, or null: dead letters are listed newest first by when they failed, so
 * the pages are read back to the job's submission (a minute earlier, for the clocks of other hosts).
 */
async function deadLetterOf(job, signal) {
  const since = job.submittedAt - 60_000;
  let cursor = null;
  do {
    const page = await api(`/v1/dead-letters?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { signal });
    const found = page.deadLetters.find((letter) => letter.jobId === job.jobId);
    if (found) return found;
    const oldest = page.deadLetters.at(-1);
    if (oldest === undefined || oldest.failedAt < since) return null;
    cursor = page.nextCursor;
  } while (cursor);
  return null;
}

function DeadLetterReplay({ job, principal }) {
  const [entry, setEntry] = useState(undefined);
  useEffect(() => {
    if (job.state !== 'FAILURE' || !principal.scopes.includes('admin')) return;
    const controller = new AbortController();
    deadLetterOf(job, controller.signal)
      .then(setEntry)
      .catch(() => !controller.signal.aborted && setEntry(null));
    return () => controller.abort();
  }, [job.jobId, job.state]);
  if (!entry) return null;
  if (entry.replayedAs) return html`<p>Replayed as <${JobLink} jobId=${entry.replayedAs} />.</p>`;
  return html`<${ConfirmButton}
    label="Retry from dead letter"
    question=${`Submit job ${job.jobId}'s request again as a new job (dead letter ${entry.id})?`}
    action=${async () => {
      const replay = await api(`/v1/dead-letters/${entry.id}/replay`, { json: {} });
      location.hash = `#/jobs/${replay.jobId}`;
      return `submitted as ${replay.jobId}`;
    }}
  />`;
}

function Actions({ job, principal }) {
  const canRevoke = principal.scopes.includes('submit');
  return html`<div class="actions">
    ${
      !TERMINAL.has(job.state) &&
      html`<${ConfirmButton}
        label="Revoke"
        danger
        disabled=${!canRevoke}
        question=${`Revoke job ${job.jobId}? A queued job never starts; a running one is aborted.`}
        action=${async () => {
          // No reason of its own: the API's default, "revoked by <token name>", says who.
          await api(`/v1/jobs/${job.jobId}`, { method: 'DELETE', json: {} });
          return 'revoke sent';
        }}
      />`
    }
    ${!canRevoke && !TERMINAL.has(job.state) && html`<span class="muted">Revoking needs the submit scope.</span>`}
    <${DeadLetterReplay} job=${job} principal=${principal} />
    <${ExportDownload} job=${job} />
  </div>`;
}

export function JobPage({ jobId, principal }) {
  const { job, error, live, reconnecting } = useLiveJob(jobId);
  const now = useNow(500);
  if (job === undefined)
    return html`<h1>Job</h1>
      <${ErrorBox} error=${error} />${!error && html`<${Loading} />`}`;
  const runMs = runTimeMs(job, now);
  return html`<h1>Job <span class="mono small">${job.jobId}</span></h1>
    <div class="job-head">
      <${StateBadge} state=${job.state} />
      <span class="muted" role="status" data-live=${live ? 'live' : reconnecting ? 'reconnecting' : 'not-live'}>
        ${live ? 'live' : reconnecting ? 'reconnecting…' : TERMINAL.has(job.state) ? 'ended' : 'not live'}
      </span>
      <${Actions} job=${job} principal=${principal} />
    </div>
    <${ErrorBox} error=${error} />
    <section class="card" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <${Progress} job=${job} now=${now} />
    </section>
    <div class="two">
      <section class="card" aria-labelledby="facts-title">
        <h2 id="facts-title">Details</h2>
        <${Facts}
          items=${[
            ['Stage', job.stage.toLowerCase()],
            ['Type', job.jobType],
            ['Attempt', String(job.attempt)],
            ['Submitted', formatTime(job.submittedAt)],
            ['Started', formatTime(job.startedAt)],
            ['Finished', formatTime(job.finishedAt)],
            ['Run time', formatDuration(runMs)],
            // A PENDING job's next attempt is its first: a delayed job's due time.
            [job.state === 'PENDING' ? 'Due at' : 'Next attempt', formatTime(job.nextAttemptAt)],
            // No attempt starts after it (Celery's expires); a view from before expiries has none.
            ['Expires at', formatTime(job.expiresAt)],
            ['Worker', job.workerId ?? '—'],
            ['Batch', job.batchId ? html`<a href=${`#/batches/${job.batchId}`} class="mono">${job.batchId}</a>` : '—'],
            // Flower's parent: the job this one was made from (a replay's original).
            ['Parent', html`<${JobLink} jobId=${job.parentJobId} />`],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="outcome-title">
        <h2 id="outcome-title">${job.error ? 'Error' : 'Result'}</h2>
        ${
          job.error &&
          html`<div class="job-error">
            <p>
              <strong>${job.error.code}</strong> (${job.error.type}, ${job.error.retriable ? 'retriable' : 'final'})
            </p>
            <p>${job.error.message}</p>
            <p class="muted">
              Attempt ${job.attempt}${job.nextAttemptAt ? `; next at ${formatTime(job.nextAttemptAt)}` : ''}
            </p>
          </div>`
        }
        ${
          job.result
            ? html`<${ResultJson} jobId=${job.jobId} result=${job.result} />`
            : !job.error && html`<p class="muted">No result yet.</p>`
        }
      </section>
    </div>
    <${PayloadPreview} preview=${job.payloadPreview} />
    <${TraceTimeline} job=${job} />`;
}

/** Characters of a result's JSON the page shows; a longer one is offered whole as a file. */
const RESULT_SHOWN_CHARS = 200_000;

/**
 * The result as indented JSON. An analysis of thousands of documents runs to megabytes, more
 * than a page reads well or redraws fast: the page shows its first RESULT_SHOWN_CHARS and offers
 * the whole as a download. The text is made once a result, not at each half-second redraw.
 */
function ResultJson({ jobId, result }) {
  const text = useMemo(() => JSON.stringify(result, null, 2), [result]);
  const cut = text.length > RESULT_SHOWN_CHARS;
  const save = () => saveBlob(new Blob([text], { type: 'application/json' }), `${jobId}-result.json`);
  return html`<pre class="json" tabindex="0" aria-label="Result as JSON">
${cut ? `${text.slice(0, RESULT_SHOWN_CHARS)}\n…` : text}</pre>
    ${
      cut &&
      html`<p class="muted">
        The first ${RESULT_SHOWN_CHARS.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters.
        <button type="button" onClick=${save}>Download JSON</button>
      </p>`
    }`;
}

/**
 * What the job was asked to do (Flower's args): the preview its events carry, redacted and cut at
 * 1,024 characters (payload-preview.ts), so it is shown indented only when it is whole JSON.
 */
function PayloadPreview({ preview }) {
  if (preview == null) return null;
  let text = preview;
  try {
    text = JSON.stringify(JSON.parse(preview), null, 2);
  } catch {
    // A cut preview is no longer JSON: shown as it is, ending in its ellipsis.
  }
  return html`<section class="card" aria-labelledby="payload-title">
    <h2 id="payload-title">Payload</h2>
    <pre class="json" tabindex="0" aria-label="Payload as JSON">${text}</pre>
  </section>`;
}
