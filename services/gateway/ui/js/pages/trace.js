// A job's trace as a timeline: one bar per span on a shared time axis, indented under its
// parent, from the gateway's `GET /v1/jobs/:id/trace` (which reads Jaeger's query API).
import { html } from '../../vendor/htm-preact.mjs';
import { useEffect, useState } from '../../vendor/hooks.mjs';
import { api } from '../api.js';
import { ErrorBox } from '../components.js';
import { formatDuration, TERMINAL } from '../format.js';

const POLL_MS = 2500;
/** Spans reach Jaeger a second or so after they end: after the job ends, look a few more times. */
const POLLS_AFTER_END = 3;

function useTrace(jobId, ended) {
  const [state, setState] = useState({ trace: undefined, error: undefined });
  useEffect(() => {
    const controller = new AbortController();
    let timer;
    let remaining = POLLS_AFTER_END;
    const load = async () => {
      try {
        const trace = await api(`/v1/jobs/${jobId}/trace`, { signal: controller.signal });
        setState({ trace, error: undefined });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error }));
        if (error.status !== 0 && error.status < 500) return;
      }
      if (ended) remaining -= 1;
      if (remaining > 0 && !controller.signal.aborted) timer = setTimeout(load, POLL_MS);
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [jobId, ended]);
  return state;
}

function SpanRow({ span, total }) {
  const left = total > 0 ? (span.offsetMs / total) * 100 : 0;
  const width = total > 0 ? Math.max(0.4, (span.durationMs / total) * 100) : 100;
  return html`<li class=${`span-row${span.error ? ' span-error' : ''}`} data-operation=${span.operation}>
    <span class="span-label" style=${{ paddingLeft: `${span.depth * 0.9}rem` }}>
      <span class="span-service">${span.service}</span> ${span.operation}
    </span>
    <span class="span-track" aria-hidden="true">
      <span
        class=${`span-bar kind-${span.kind ?? 'internal'}`}
        style=${{ left: `${left}%`, width: `${width}%` }}
      ></span>
    </span>
    <span class="span-time">
      <span class="visually-hidden">starts at</span> +${formatDuration(span.offsetMs)},
      <span class="visually-hidden">lasts</span> ${formatDuration(span.durationMs)}
    </span>
  </li>`;
}

export function TraceTimeline({ job }) {
  const { trace, error } = useTrace(job.jobId, TERMINAL.has(job.state));
  const timeline = trace?.timeline;
  return html`<section class="card trace" aria-labelledby="trace-title">
    <h2 id="trace-title">Trace</h2>
    ${
      trace?.traceUrl &&
      html`<p><a href=${trace.traceUrl} target="_blank" rel="noopener noreferrer">Open in Jaeger</a></p>`
    }
    <${ErrorBox} error=${error} />
    ${trace && trace.traceId === null && html`<p class="muted">This job has no trace.</p>`}
    ${trace && trace.traceId && !timeline && html`<p class="muted" role="status">Waiting for the trace's spans…</p>`}
    ${
      timeline &&
      html`<p class="muted">
          ${timeline.spans.length} spans over ${formatDuration(timeline.durationMs)}; trace${' '}
          <span class="mono">${timeline.traceId}</span>
        </p>
        <ol class="timeline" aria-label="Spans in start order">
          ${timeline.spans.map((span) => html`<${SpanRow} span=${span} total=${timeline.durationMs} />`)}
        </ol>`
    }
  </section>`;
}
