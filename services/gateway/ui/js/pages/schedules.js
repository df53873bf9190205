// Schedules: each maintenance schedule (cron, time zone, missed-slot policy), its next fire
// time, its last run with that job's state, and, with the admin scope, Run now, Pause and
// Resume (each confirmed first), through /v1/schedules.
import { html } from '../../vendor/htm-preact.mjs';
import { api } from '../api.js';
import { ConfirmButton, ErrorBox, JobLink, Loading, StateBadge, usePoll } from '../components.js';
import { formatTime } from '../format.js';

const REFRESH_MS = 5000;

function Controls({ schedule, admin, onDone }) {
  if (!admin) return html`<span class="muted">needs the admin scope</span>`;
  const path = `/v1/schedules/${encodeURIComponent(schedule.name)}`;
  return html`<${ConfirmButton}
      label="Run now"
      question=${`Run ${schedule.name} (${schedule.task}) now, besides its schedule?`}
      action=${async () => `running as ${(await api(`${path}/run`, { json: {} })).jobId}`}
      onDone=${onDone}
    />
    ${
      schedule.paused
        ? html`<${ConfirmButton}
            label="Resume"
            question=${`Fire ${schedule.name} again? The slots of the pause are not caught up.`}
            action=${async () => (await api(`${path}/resume`, { json: {} }), 'resumed')}
            onDone=${onDone}
          />`
        : html`<${ConfirmButton}
            label="Pause"
            question=${`Stop firing ${schedule.name} on every scheduler until it is resumed?`}
            action=${async () => (await api(`${path}/pause`, { json: {} }), 'paused')}
            onDone=${onDone}
          />`
    }`;
}

/**
 * The last run's state: an expiry reads as such, not as a revocation by someone; a run whose job
 * has left the status view (its result's time there is over) has no state to show.
 */
function LastRunState({ run }) {
  if (run.state === null) return html`<span class="muted">result gone</span>`;
  if (run.errorCode === 'SEDANO_ERR_JOB_EXPIRED') {
    return html`<${StateBadge} state=${run.state} /> <span class="muted">(expired)</span>`;
  }
  return html`<${StateBadge} state=${run.state} />`;
}

export function SchedulesPage({ principal }) {
  const { data, error, reload } = usePoll((signal) => api('/v1/schedules', { signal }), REFRESH_MS);
  const admin = principal.scopes.includes('admin');
  return html`<h1>Schedules</h1>
    <${ErrorBox} error=${error} />
    ${
      data === undefined
        ? !error && html`<${Loading} what="schedules" />`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Task</th>
                  <th scope="col">Cron</th>
                  <th scope="col">Missed slots</th>
                  <th scope="col">Next</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                ${data.schedules.map(
                  (schedule) =>
                    html`<tr data-schedule=${schedule.name}>
                      <td class="mono">${schedule.name}</td>
                      <td>${schedule.task}</td>
                      <td>
                        <span class="mono">${schedule.cron}</span> <span class="muted">${schedule.timeZone}</span>
                      </td>
                      <td>${schedule.missedSlots}</td>
                      <td title=${schedule.nextFireTimes.map((time) => formatTime(Date.parse(time))).join('\n')}>
                        ${
                          schedule.paused
                            ? html`<span class="badge">paused</span>`
                            : schedule.nextFireTimes[0]
                              ? formatTime(Date.parse(schedule.nextFireTimes[0]))
                              : '—'
                        }
                      </td>
                      <td>
                        ${
                          schedule.lastRun
                            ? html`<div>${formatTime(Date.parse(schedule.lastRun.runAt))}</div>
                                <${JobLink} jobId=${schedule.lastRun.jobId} />${' '}
                                <${LastRunState} run=${schedule.lastRun} />`
                            : '—'
                        }
                      </td>
                      <td>
                        <div class="actions">
                          <${Controls} schedule=${schedule} admin=${admin} onDone=${reload} />
                        </div>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
}
