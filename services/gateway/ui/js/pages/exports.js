// Exports: an export job found by its id (kept in the address, `#/exports/<id>`, so a reload or a
// shared link shows it again), with its state and report, read again every few seconds until the
// job ends, and the report's PDF saved through `GET /v1/exports/:id` once the job has succeeded.
// The job's own page offers the same download.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api, downloadFile } from '../api.js';
import { ErrorBox, Facts, JobLink, Loading, StateBadge, usePoll } from '../components.js';
import { formatTime, TERMINAL, UUID } from '../format.js';

const REFRESH_MS = 2000;

/** The button that saves a succeeded export job's PDF; nothing for any other job. */
export function ExportDownload({ job }) {
  const [status, setStatus] = useState({ busy: false, error: undefined });
  const report = job.result?.kind === 'sedano.ExportResult' ? job.result : undefined;
  if (job.state !== 'SUCCESS' || report === undefined) return null;
  const download = async () => {
    setStatus({ busy: true, error: undefined });
    try {
      await downloadFile(`/v1/exports/${job.jobId}`, report.fileName);
      setStatus({ busy: false, error: undefined });
    } catch (error) {
      setStatus({ busy: false, error });
    }
  };
  return html`<span class="action">
    <button type="button" class="primary" disabled=${status.busy} onClick=${download}>Download PDF</button>
    <${ErrorBox} error=${status.error} />
  </span>`;
}

function ExportReport({ job }) {
  if (job.stage !== 'EXPORT') {
    return html`<p role="status">
      Job <${JobLink} jobId=${job.jobId} /> is not an export job (its stage is ${job.stage.toLowerCase()}).
    </p>`;
  }
  const report = job.result?.kind === 'sedano.ExportResult' ? job.result : undefined;
  return html`<section class="card" aria-labelledby="export-title">
    <h2 id="export-title">Export <${JobLink} jobId=${job.jobId} /></h2>
    <div class="job-head"><${StateBadge} state=${job.state} /> <${ExportDownload} job=${job} /></div>
    ${
      report
        ? html`<${Facts}
            items=${[
              ['File', html`<span class="mono">${report.fileName}</span>`],
              ['Pages', String(report.pages)],
              ['Size', `${report.sizeBytes} bytes`],
              ['Template', report.template],
              ['Language', report.language],
              ['Created', formatTime(report.createdAt)],
              ['SHA-256', html`<span class="mono small">${report.sha256}</span>`],
            ]}
          />`
        : html`<p class="muted">The report can be downloaded once the job succeeds.</p>`
    }
  </section>`;
}

/** The export job `jobId`, read until it ends. */
function ExportLookup({ jobId }) {
  const { data, error } = usePoll(
    (signal) => api(`/v1/jobs/${jobId}`, { signal }),
    REFRESH_MS,
    [jobId],
    (job) => TERMINAL.has(job.state),
  );
  return html`<${ErrorBox} error=${error} />
    ${data === undefined ? !error && html`<${Loading} what="the export" />` : html`<${ExportReport} job=${data} />`}`;
}

export function ExportsPage({ jobId: shown }) {
  const [jobId, setJobId] = useState(shown ?? '');
  const [inputError, setInputError] = useState(undefined);
  const find = (event) => {
    event.preventDefault();
    const id = jobId.trim();
    if (!UUID.test(id)) return setInputError({ code: 'INPUT', message: 'a job id is a UUID' });
    setInputError(undefined);
    location.hash = `#/exports/${id.toLowerCase()}`;
  };
  return html`<h1>Exports</h1>
    <form class="filters" onSubmit=${find} aria-label="Find an export by its job id">
      <label>Export job id <input value=${jobId} onInput=${(e) => setJobId(e.currentTarget.value)} size="36" /></label>
      <button type="submit">Open</button>
    </form>
    <${ErrorBox} error=${inputError} />
    ${
      shown &&
      (UUID.test(shown)
        ? html`<${ExportLookup} jobId=${shown.toLowerCase()} key=${shown} />`
        : html`<${ErrorBox} error=${{ code: 'INPUT', message: 'a job id is a UUID' }} />`)
    }`;
}
