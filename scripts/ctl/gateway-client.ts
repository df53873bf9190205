/**
 * The gateway's HTTP API as `ctl` uses it (jobs, dead-letter replay): where it is, with which
 * token, JSON requests whose error bodies (`{ error: { code, message } }`) become CtlErrors,
 * and a parser for its Server-Sent Events.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CtlError, UsageError } from './output.ts';
import { adminTokenFile } from './run-dir.ts';

export interface GatewayTarget {
  url: string;
  token: string;
}

/** The gateway's URL when none is given: `SEDANO_GATEWAY_URL`, else 127.0.0.1 on `SEDANO_GATEWAY_PORT` (8080). */
export function defaultGatewayUrl(env: NodeJS.ProcessEnv): string {
  return env['SEDANO_GATEWAY_URL'] ?? `http://127.0.0.1:${env['SEDANO_GATEWAY_PORT'] ?? '8080'}`;
}

/** Adds `--url` and `--token` to a command that calls the gateway (read back by `resolveGatewayTarget`). */
export function withGatewayOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'the gateway (default: SEDANO_GATEWAY_URL, else http://127.0.0.1:$SEDANO_GATEWAY_PORT or 8080)',
    )
    .option('--token <token>', 'API token (default: SEDANO_API_TOKEN, else the local admin token `up` wrote)');
}

/** `--url` and `--token`, else the local defaults: `SEDANO_API_TOKEN`, else the token `up` wrote. */
export function resolveGatewayTarget(options: Record<string, unknown>, env: NodeJS.ProcessEnv): GatewayTarget {
  const url = typeof options['url'] === 'string' ? options['url'] : defaultGatewayUrl(env);
  if (!URL.canParse(url)) throw new UsageError(`--url: not a URL: "${url}"`);
  let token = typeof options['token'] === 'string' ? options['token'] : env['SEDANO_API_TOKEN'];
  if (token === undefined) {
    const file = adminTokenFile(env);
    if (!existsSync(file)) {
      throw new UsageError(`no API token: pass --token, set SEDANO_API_TOKEN, or run \`ctl up\` (it writes ${file})`);
    }
    token = readFileSync(file, 'utf8').trim();
  }
  return { url: url.replace(/\/+$/, ''), token };
}

/** The message of a gateway error body, or the HTTP status when the body is not one (pure). */
export function gatewayErrorMessage(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') return `${error.code}: ${error.message}`;
  return `the gateway answered HTTP ${status}`;
}

async function send(target: GatewayTarget, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${target.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${target.token}`, ...init.headers },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CtlError(`the gateway at ${target.url} did not answer (${cause}); is it running? (\`ctl up\`)`);
  }
}

/** A JSON request; a non-2xx answer throws a CtlError with the gateway's code and message. */
export async function gatewayRequest<T>(
  target: GatewayTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await send(target, path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    if (response.ok) throw new CtlError(`the gateway answered ${method} ${path} with something other than JSON`);
  }
  if (!response.ok) throw new CtlError(gatewayErrorMessage(response.status, parsed));
  return parsed as T;
}

/** One Server-Sent Event. */
export interface ServerSentEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * Parses a Server-Sent Events stream fed in chunks (pure): fields `event`, `id`, `data`
 * (several data lines join with newlines), comments (`:`) ignored, a blank line ends an event.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #id: string | null = null;
  #data: string[] = [];

  feed(chunk: string): ServerSentEvent[] {
    this.#buffer += chunk;
    const events: ServerSentEvent[] = [];
    let newline: number;
    while ((newline = this.#buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.#buffer.slice(0, newline);
      const width = this.#buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + width);
      if (line === '') {
        if (this.#data.length > 0)
          events.push({ event: this.#event || 'message', id: this.#id, data: this.#data.join('\n') });
        this.#event = '';
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.#event = value;
      else if (field === 'id') this.#id = value;
      else if (field === 'data') this.#data.push(value);
    }
    return events;
  }
}

/** Streams a route's Server-Sent Events until the gateway ends the stream. */
export async function* gatewayEvents(target: GatewayTarget, path: string): AsyncGenerator<ServerSentEvent> {
  const response = await send(target, path, { headers: { accept: 'text/event-stream' } });
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not a JSON error body: the status is reported instead.
    }
    throw new CtlError(gatewayErrorMessage(response.status, parsed));
  }
  if (response.body === null) return;
  const parser = new SseParser();
  const decoder = new TextDecoder();
  // Node types the body as a stream of `any`; fetch yields bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    yield* parser.feed(decoder.decode(value, { stream: true }));
  }
}
