// The dashboard's only way to the gateway: every call carries the token as a bearer header
// (never in a URL, never logged). The token lives in sessionStorage: it is gone when the tab
// closes, and no other site can read it.

const TOKEN_KEY = 'sedano.dashboard.token';

/** The token of this tab's session, or null. */
export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error reply of the API (`{ error: { code, message } }`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

const listeners = new Set();

/** Called with every 401 the API answers, so the page can ask for a token again. */
export function onUnauthorized(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function failure(response) {
  let code = 'HTTP_' + response.status;
  let message = `the gateway answered ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error) ({ code, message } = body.error);
  } catch {
    // Not JSON: the status says enough.
  }
  const error = new ApiError(response.status, code, message);
  if (response.status === 401) for (const listener of listeners) listener(error);
  return error;
}

function headers(token, extra = {}) {
  return { authorization: `Bearer ${token ?? storedToken() ?? ''}`, ...extra };
}

/**
 * Calls the API; resolves with the JSON body, rejects with an ApiError.
 * `options.json`: a body to send as JSON; `options.token`: a token other than the stored one.
 */
export async function api(path, options = {}) {
  const { json, token, method = json === undefined ? 'GET' : 'POST', signal } = options;
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: headers(token, json === undefined ? {} : { 'content-type': 'application/json' }),
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', `the gateway cannot be reached (${error.message})`);
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Downloads a file the API serves (an export's PDF) as `fileName`: fetched with the token (a
 * plain link cannot send it), then saved through an object URL. Rejects with an ApiError.
 */
export async function downloadFile(path, fileName) {
  let response;
  try {
    response = await fetch(path, { headers: headers() });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `the gateway cannot be reached (${error.message})`);
  }
  if (!response.ok) throw await failure(response);
  saveBlob(await response.blob(), fileName);
}

/** Hands `blob` to the browser's download as `fileName`, through an object URL. */
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the file to the browser's download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Whether a route exists: a 404 of the gateway's "no route" kind means it does not. */
export async function routeAnswers(path) {
  try {
    await api(path);
    return true;
  } catch (error) {
    return !(error.status === 404 && /^no route /.test(error.message));
  }
}

/**
 * Reads a Server-Sent Events stream with fetch (EventSource cannot send an Authorization
 * header); calls `onEvent({ event, id, data })` per event, data parsed as JSON. Resolves when
 * the server ends the stream, rejects with an ApiError or on a network failure.
 */
export async function readEventStream(path, onEvent, signal) {
  let response;
  try {
    response = await fetch(path, { headers: headers(undefined, { accept: 'text/event-stream' }), signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', `the event stream cannot be opened (${error.message})`);
  }
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (frame !== undefined) onEvent(frame);
    }
  }
}

/** One SSE frame's fields; undefined for a comment (a heartbeat) or a frame without data. */
export function parseFrame(text) {
  const fields = { event: 'message', id: '', data: [] };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') fields.data.push(value);
    else if (name === 'event' || name === 'id') fields[name] = value;
  }
  if (fields.data.length === 0) return undefined;
  return { event: fields.event, id: fields.id, data: JSON.parse(fields.data.join('\n')) };
}
