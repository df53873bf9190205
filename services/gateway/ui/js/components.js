// Small shared pieces of the dashboard's pages.
import { html } from '../vendor/htm-preact.mjs';
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api } from './api.js';

/**
 * Calls `load(signal)` now and every `intervalMs` (none: once), until `done(data)` says the data
 * will not change (none: never); re-runs when `deps` change.
 * Returns `{ data, error, reload }`; a failed call keeps the last data and shows the error.
 */
export function usePoll(load, intervalMs, deps = [], done = undefined) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let timer;
    const run = async () => {
      let finished = false;
      try {
        const data = await load(controller.signal);
        if (!controller.signal.aborted) setState({ data, error: undefined });
        finished = done?.(data) ?? false;
      } catch (error) {
        if (controller.signal.aborted || error.name === 'AbortError') return;
        setState((previous) => ({ data: previous.data, error }));
      }
      if (intervalMs && !finished && !controller.signal.aborted) timer = setTimeout(run, intervalMs);
    };
    run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** The current time, refreshed every `intervalMs`, for ages and countdowns. */
export function useNow(intervalMs = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  const hint =
    error.status === 403 ? ' (this token lacks the scope this needs)' : error.status === 401 ? ' (sign in again)' : '';
  return html`<div class="error" role="alert"><strong>${error.code}</strong>: ${error.message}${hint}</div>`;
}

export function Loading({ what = 'data' }) {
  return html`<p class="muted" role="status">Loading ${what}…</p>`;
}

export function StateBadge({ state }) {
  return html`<span class=${`badge state-${String(state).toLowerCase()}`} data-state=${state}>${state}</span>`;
}

export function ProgressBar({ percent, label }) {
  const value = Math.max(0, Math.min(100, Number(percent) || 0));
  const text = `${value.toFixed(value % 1 === 0 ? 0 : 1)}%`;
  return html`<div class="progress-row">
    <div
      class="progress"
      role="progressbar"
      aria-label=${label}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${value}
      aria-valuetext=${text}
    >
      <div class="progress-fill" style=${{ width: `${value}%` }}></div>
    </div>
    <span class="progress-text" aria-hidden="true">${text}</span>
  </div>`;
}

export function JobLink({ jobId }) {
  if (!jobId) return '—';
  return html`<a href=${`#/jobs/${jobId}`} class="mono">${jobId.slice(0, 8)}…</a>`;
}

/**
 * A button that asks for confirmation in a modal dialog (Escape or Cancel: nothing happens),
 * then runs `action`; shows what it did or why it failed.
 */
export function ConfirmButton({ label, question, action, disabled, danger, onDone }) {
  const dialog = useRef(null);
  const [status, setStatus] = useState({ busy: false, error: undefined, done: undefined });
  const confirm = async () => {
    dialog.current.close();
    setStatus({ busy: true });
    try {
      const done = await action();
      setStatus({ busy: false, done });
      onDone?.(done);
    } catch (error) {
      setStatus({ busy: false, error });
    }
  };
  return html`<span class="action">
    <button
      type="button"
      class=${danger ? 'danger' : ''}
      disabled=${disabled || status.busy}
      onClick=${() => dialog.current.showModal()}
    >
      ${status.busy ? `${label}…` : label}
    </button>
    <dialog ref=${dialog} aria-label=${label}>
      <p>${question}</p>
      <div class="dialog-buttons">
        <button type="button" onClick=${() => dialog.current.close()} autofocus>Cancel</button>
        <button type="button" class=${danger ? 'danger' : 'primary'} onClick=${confirm}>${label}</button>
      </div>
    </dialog>
    ${status.done && html`<span class="ok" role="status">${status.done}</span>`}
    <${ErrorBox} error=${status.error} />
  </span>`;
}

/** Loads the principal of the stored token: its name and scopes. */
export function whoAmI(signal) {
  return api('/v1/whoami', { signal });
}

/** A section of key/value pairs. */
export function Facts({ items }) {
  return html`<dl class="facts">
    ${items.map(
      ([key, value]) =>
        html`<div>
          <dt>${key}</dt>
          <dd>${value}</dd>
        </div>`,
    )}
  </dl>`;
}
