/**
 * Requests Node's HTTP parser refuses before fastify sees them (a malformed request line or
 * header, a bad chunk size, both `Content-Length` and `Transfer-Encoding`, a 20 KB header):
 * answered in the API's error shape, `{ "error": { "code", "message", "requestId" } }` with an
 * `x-request-id` header, and logged at info as the client's fault (fastify's default answers
 * `{"error":"Bad Request","message":"Client Error"}` with no code and no request id).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { randomUuid } from '../lib/uuid.ts';
import { clientErrorReply } from './errors.ts';

interface ParserError extends Error {
  code?: string;
}

/** The `clientErrorHandler` of the gateway's fastify instance. */
export function installClientErrorHandler(logger: FastifyBaseLogger): (error: ParserError, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection has no one left to answer (as Node and fastify do).
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const requestId = randomUuid();
    const { statusCode, body } = clientErrorReply(error, requestId);
    logger.info(
      { reqId: requestId, code: body.error.code, status: statusCode, parserCode: error.code },
      'client error',
    );
    // A response already started on this socket cannot be followed by another (Node's own rule).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && inFlight?.headersSent !== true) {
      const json = JSON.stringify(body);
      socket.write(
        `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Bad Request'}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(json)}\r\n` +
          `x-request-id: ${requestId}\r\n` +
          'Connection: close\r\n\r\n' +
          json,
      );
    }
    socket.destroy(error);
  };
}
