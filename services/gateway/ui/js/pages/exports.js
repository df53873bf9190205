// Exports: an export job found by its id, with its state and report, and the report's PDF saved
// through `GET /v1/exports/:id` once the job has succeeded. The job's own page offers the same
// download.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api, downloadFile } from '../api.js';
import { ErrorBox, Facts, JobLink, StateBadge } from '../components.js';
import { formatTime, UUID } from '../format.js';

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

export function ExportsPage() {
  const [jobId, setJobId] = useState('');
  const [state, setState] = useState({});
  const find = async (event) => {
    event.preventDefault();
    const id = jobId.trim();
    if (!UUID.test(id)) return setState({ error: { code: 'INPUT', message: 'a job id is a UUID' } });
    try {
      setState({ job: await api(`/v1/jobs/${id}`) });
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
    ${state.job && html`<${ExportReport} job=${state.job} />`}`;
}
