// Dead letters: newest first, with why the message was given up on; replay submits its
// request again as a new job (admin scope), offered only for a message that decoded as a request.
import { html } from '../../vendor/htm-preact.mjs';
import { useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ConfirmButton, ErrorBox, JobLink, Loading, usePoll } from '../components.js';
import { formatTime } from '../format.js';

/**
 * Whether a dead letter is a poison message: one that never decoded as a request (a codec error,
 * or no value at all), which the API refuses to replay (409).
 */
export function isPoison(letter) {
  return letter.originalBytes === null || letter.errorCode.startsWith('SEDANO_ERR_CODEC_');
}

export function DeadLettersPage() {
  const [cursors, setCursors] = useState([undefined]);
  const cursor = cursors.at(-1);
  const { data, error, reload } = usePoll(
    (signal) => api(`/v1/dead-letters?limit=25${cursor ? `&cursor=${cursor}` : ''}`, { signal }),
    cursor === undefined ? 5000 : 0,
    [cursor],
  );
  return html`<h1>Dead letters</h1>
    <${ErrorBox} error=${error} />
    ${data === undefined && !error && html`<${Loading} what="dead letters" />`}
    ${data?.deadLetters.length === 0 && html`<p class="muted">No dead letter.</p>`}
    ${
      data &&
      data.deadLetters.length > 0 &&
      html`<div class="table-wrap">
        <table class="dead-letters">
          <caption class="visually-hidden">
            Dead letters, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Failed</th>
              <th scope="col">Job</th>
              <th scope="col">Code</th>
              <th scope="col">Reason</th>
              <th scope="col">Source</th>
              <th scope="col">Attempts</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            ${data.deadLetters.map(
              (letter) =>
                html`<tr data-dead-letter=${letter.id}>
                  <td>${formatTime(letter.failedAt)}</td>
                  <td><${JobLink} jobId=${letter.jobId} /></td>
                  <td><code>${letter.errorCode}</code></td>
                  <td class="reason">${letter.reason}</td>
                  <td class="mono small">${letter.sourceTopic} [${letter.sourcePartition}] @${letter.sourceOffset}</td>
                  <td>${letter.attempts}</td>
                  <td>
                    ${
                      letter.replayedAs
                        ? html`as <${JobLink} jobId=${letter.replayedAs} />`
                        : isPoison(letter)
                          ? html`<span class="muted">poison message: not replayable</span>`
                          : html`<${ConfirmButton}
                              label="Replay"
                              question=${`Submit the request of dead letter ${letter.id} again as a new job?`}
                              action=${async () => {
                                const job = await api(`/v1/dead-letters/${letter.id}/replay`, { json: {} });
                                return html`submitted <${JobLink} jobId=${job.jobId} />`;
                              }}
                              onDone=${reload}
                            />`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    <div class="pager">
      <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>
        Newer
      </button>
      <button type="button" disabled=${!data?.nextCursor} onClick=${() => setCursors([...cursors, data.nextCursor])}>
        Older
      </button>
    </div>`;
}
