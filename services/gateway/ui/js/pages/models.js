// Models: the trained models of the registry (`/v1/models`), a model's versions with their
// metrics (`/v1/models/:name`), and one version whole (`.../versions/:version`): embedder,
// training, per-label precision, recall and F1, and the confusion matrix on the validation set.
import { html } from '../../vendor/htm-preact.mjs';
import { api } from '../api.js';
import { ErrorBox, Facts, JobLink, Loading, usePoll } from '../components.js';
import { formatDuration, formatTime } from '../format.js';

const REFRESH_MS = 10_000;

/** A ratio in [0, 1] as a percent with one decimal; a dash for none. */
function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

function modelPath(name, version) {
  return `#/models/${encodeURIComponent(name)}${version === undefined ? '' : `/${version}`}`;
}

function ModelList() {
  const { data, error } = usePoll((signal) => api('/v1/models', { signal }), REFRESH_MS);
  if (data === undefined) return html`<${ErrorBox} error=${error} />${!error && html`<${Loading} what="models" />`}`;
  if (data.models.length === 0) return html`<p class="muted">No model trained yet.</p>`;
  return html`<${ErrorBox} error=${error} />
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Latest version</th>
            <th scope="col">Versions</th>
          </tr>
        </thead>
        <tbody>
          ${data.models.map(
            (model) =>
              html`<tr data-model=${model.modelName}>
                <td><a class="mono" href=${modelPath(model.modelName)}>${model.modelName}</a></td>
                <td><a href=${modelPath(model.modelName, model.latestVersion)}>${model.latestVersion}</a></td>
                <td>${model.versions}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function Versions({ name }) {
  const { data, error } = usePoll((signal) => api(`/v1/models/${encodeURIComponent(name)}`, { signal }), REFRESH_MS, [
    name,
  ]);
  if (data === undefined) return html`<${ErrorBox} error=${error} />${!error && html`<${Loading} what="versions" />`}`;
  return html`<h2 class="mono">${name}</h2>
    <${ErrorBox} error=${error} />
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Labels</th>
            <th scope="col">Accuracy</th>
            <th scope="col">Validation accuracy</th>
            <th scope="col">Macro F1</th>
            <th scope="col">Examples</th>
            <th scope="col">Training job</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          ${[...data.versions].reverse().map(
            (version) =>
              html`<tr data-version=${version.version}>
                <td><a href=${modelPath(name, version.version)}>${version.modelId}</a></td>
                <td>${version.labels.join(', ')}</td>
                <td>${percent(version.metrics.accuracy)}</td>
                <td>${percent(version.metrics.validationAccuracy)}</td>
                <td>${percent(version.macroF1)}</td>
                <td>${version.examples}</td>
                <td><${JobLink} jobId=${version.trainingJobId} /></td>
                <td>${formatTime(Date.parse(version.createdAt))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function PerLabel({ evaluation }) {
  return html`<table aria-label="Per label">
    <thead>
      <tr>
        <th scope="col">Label</th>
        <th scope="col">Precision</th>
        <th scope="col">Recall</th>
        <th scope="col">F1</th>
        <th scope="col">Support</th>
      </tr>
    </thead>
    <tbody>
      ${evaluation.perLabel.map(
        (row) =>
          html`<tr data-label=${row.label}>
            <th scope="row">${row.label}</th>
            <td>${percent(row.precision)}</td>
            <td>${percent(row.recall)}</td>
            <td>${percent(row.f1)}</td>
            <td>${row.support}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function ConfusionMatrix({ labels, matrix }) {
  return html`<table aria-label="Confusion matrix">
    <caption>
      Rows: the actual label; columns: the predicted one
    </caption>
    <thead>
      <tr>
        <td></td>
        ${labels.map((label) => html`<th scope="col">${label}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${matrix.map(
        (row, actual) =>
          html`<tr>
            <th scope="row">${labels[actual]}</th>
            ${row.map((count, predicted) => html`<td class=${actual === predicted ? 'diagonal' : ''}>${count}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function Version({ name, version }) {
  const path = `/v1/models/${encodeURIComponent(name)}/versions/${version}`;
  const { data, error } = usePoll((signal) => api(path, { signal }), 0, [path]);
  if (data === undefined)
    return html`<${ErrorBox} error=${error} />${!error && html`<${Loading} what="the version" />`}`;
  const { evaluation } = data;
  return html`<h2><a class="mono" href=${modelPath(name)}>${name}</a> version ${data.version}</h2>
    <div class="two">
      <section class="card" aria-labelledby="version-facts">
        <h3 id="version-facts">Version</h3>
        <${Facts}
          items=${[
            ['Model id', html`<span class="mono">${data.modelId}</span>`],
            ['Type', data.modelType],
            ['Labels', data.labels.join(', ')],
            ['Embedder', `${data.embedder.name} (${data.embedder.dimension} dimensions)`],
            ['Training job', html`<${JobLink} jobId=${data.trainingJobId} />`],
            ['Training time', formatDuration(data.trainingTimeMs)],
            ['Created', formatTime(Date.parse(data.createdAt))],
            ['Examples', `${data.dataset.examples} (${data.dataset.validationExamples} for validation)`],
            ['Epochs', String(data.metrics.epochs)],
            ['Accuracy', `${percent(data.metrics.accuracy)} (validation ${percent(data.metrics.validationAccuracy)})`],
            ['Warnings', data.warnings.length === 0 ? 'none' : data.warnings.join('; ')],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="version-evaluation">
        <h3 id="version-evaluation">Validation set</h3>
        ${
          evaluation
            ? html`<p>
                  ${`Accuracy ${percent(evaluation.accuracy)}, macro F1 ${percent(evaluation.macroF1)}, ${evaluation.examples} examples.`}
                </p>
                <div class="table-wrap"><${PerLabel} evaluation=${evaluation} /></div>
                <div class="table-wrap">
                  <${ConfusionMatrix} labels=${data.labels} matrix=${evaluation.confusionMatrix} />
                </div>`
            : html`<p class="muted">Trained without a validation set.</p>`
        }
      </section>
    </div>
    <details>
      <summary>Hyper-parameters</summary>
      <pre class="json" tabindex="0">${JSON.stringify(data.hyperParameters, null, 2)}</pre>
    </details>`;
}

export function ModelsPage({ name, version }) {
  return html`<h1>Models</h1>
    ${name === undefined ? html`<${ModelList} />` : version === undefined ? html`<${Versions} name=${name} key=${name} />` : html`<${Version} name=${name} version=${version} key=${`${name}/${version}`} />`}`;
}
