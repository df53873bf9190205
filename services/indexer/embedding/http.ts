/**
 * Embedder calling an OpenAI-compatible embeddings endpoint: `POST {baseUrl}/embeddings`
 * with `{ model, input: [texts] }` and a bearer key, answering `{ data: [{ index, embedding }] }`.
 * Works with OpenAI, Azure-style proxies, Ollama, vLLM, LM Studio and text-embeddings-inference.
 *
 * Outages (no connection, 5xx, 429) are retriable SEDANO_ERR_EMBEDDER_UNAVAILABLE, with the
 * answer's `Retry-After` as the error's `retryAfterMs` (the job's retry waits at least that);
 * refusals and unusable answers are SEDANO_ERR_EMBEDDER_BAD_RESPONSE.
 */
import { SedanoError } from '../../lib/errors.ts';
import { checkVectors, embedderName, type Embedder } from './embedder.ts';

export interface HttpEmbedderOptions {
  /** Base URL of the API, e.g. `https://api.openai.com/v1`; `/embeddings` is appended. */
  baseUrl: string;
  /** Model name sent in each request. */
  model: string;
  /** Vector length the model returns; answers of another length are refused. */
  dimension: number;
  /** Bearer token; none sent when absent. */
  apiKey?: string;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Time limit per request, in milliseconds. Default 60,000. */
  timeoutMs?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

/** Creates the embedder; it makes no request until `embed` is called. */
export function createHttpEmbedder(options: HttpEmbedderOptions): Embedder {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const name = embedderName('http', options.model);
  const batchSize = options.batchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 60_000;

  const request = async (input: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: options.model, input }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', `POST ${url}: ${(error as Error).message}`, {
        retriable: true,
        cause: error,
      });
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 500);
      const retriable = response.status === 429 || response.status >= 500;
      // A rate limit's or an outage's Retry-After: the job's retry waits at least that long.
      const retryAfterMs = retriable ? retryAfterMsOf(response.headers.get('retry-after'), Date.now()) : undefined;
      throw new SedanoError(
        retriable ? 'SEDANO_ERR_EMBEDDER_UNAVAILABLE' : 'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
        `POST ${url} answered ${response.status}: ${body}`,
        { retriable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      );
    }
    return parseVectors(
      url,
      (await response.json().catch(() => undefined)) as EmbeddingsResponse | undefined,
      input.length,
    );
  };

  return {
    name,
    dimension: options.dimension,
    embed: async (texts, signal) => {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await request(texts.slice(start, start + batchSize), signal)));
      }
      return checkVectors(name, options.dimension, texts, vectors);
    },
  };
}

/** The vectors of an answer, in input order (the API may answer out of order, with `index`). */
function parseVectors(url: string, body: EmbeddingsResponse | undefined, expected: number): Float32Array[] {
  const data = body?.data;
  const valid =
    Array.isArray(data) &&
    data.every(
      (item) =>
        Array.isArray(item.embedding) && (item.embedding as unknown[]).every((value) => typeof value === 'number'),
    );
  if (!valid) {
    throw new SedanoError(
      'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
      `POST ${url}: the answer has no data[].embedding number arrays`,
    );
  }
  const ordered = data.map((item, position) => ({
    index: item.index ?? position,
    embedding: item.embedding as number[],
  }));
  ordered.sort((a, b) => a.index - b.index);
  if (ordered.length !== expected || ordered.some((item, position) => item.index !== position)) {
    throw new SedanoError(
      'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
      `POST ${url}: ${ordered.length} embeddings (indexes ${ordered.map((item) => item.index).join(',')}) for ${expected} inputs`,
    );
  }
  return ordered.map((item) => Float32Array.from(item.embedding));
}

/** An HTTP date as RFC 9110 section 5.6.7 asks senders to write it (IMF-fixdate, always GMT). */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * An HTTP `Retry-After` as ms from `now` (pure): delay-seconds or an IMF-fixdate (RFC 9110
 * section 10.2.3), the first value when fetch joined two headers with ", "; undefined when
 * absent, in another form (a zone-less or ISO date would be read as local time) or not in the future.
 */
export function retryAfterMsOf(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  const seconds = /^(\d+)\s*(?:,|$)/.exec(text);
  const date = text.slice(0, 29);
  const ms = seconds ? Number(seconds[1]) * 1000 : IMF_FIXDATE.test(date) ? Date.parse(date) - now : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
