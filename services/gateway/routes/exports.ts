/**
 * Exports: `GET /v1/exports/:id` (an export job's id) streams the PDF the job rendered, once it
 * has succeeded (404 before, as for a job the view does not know, and once the retention
 * cleanup removed the file). The ETag is the file's SHA-256 from the job's result, so a client
 * that already has the file gets a 304; the file name in Content-Disposition comes from the job
 * id, never from the report's title.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ExportStorage } from '../../exporter/storage/export-storage.ts';
import type { JobView } from '../../lib/status-view.ts';
import type { GatewayContext } from '../context.ts';
import { apiError } from '../errors.ts';
import { jobIdParams, routeResponses } from '../schemas.ts';
import { findJob } from './jobs.ts';

/** What the download route needs: read access to the export storage. */
export interface ExportDownloadDependencies {
  storage: Pick<ExportStorage, 'open'>;
}

/** What the export route uses of the gateway's collaborators. */
export const EXPORT_ROUTE_NEEDS = ['view', 'codec'] as const;

/** The stored file of a succeeded export job, as its result names it (pure). */
export function exportedFile(view: JobView): { fileName: string; sha256: string; sizeBytes: number } {
  if (view.stage !== 'EXPORT') {
    throw apiError(
      'SEDANO_ERR_API_NOT_FOUND',
      `job ${view.jobId} is a ${view.stage.toLowerCase()} job, not an export job: only an export job has a file`,
    );
  }
  if (view.state !== 'SUCCESS' || view.result?.kind !== 'sedano.ExportResult') {
    throw apiError(
      'SEDANO_ERR_API_NOT_FOUND',
      `export job ${view.jobId} is ${view.state}: its file can be downloaded once the job succeeds`,
    );
  }
  const { fileName, sha256, sizeBytes } = view.result;
  return { fileName, sha256, sizeBytes };
}

/** An If-None-Match header value matches `etag` (a list, a weak form or `*` included). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

export const exportRoutes: FastifyPluginAsync<
  Pick<GatewayContext, (typeof EXPORT_ROUTE_NEEDS)[number]> & { exports: ExportDownloadDependencies | undefined }
> = async (app, { view, codec, exports }) => {
  app.get<{ Params: { id: string } }>(
    '/v1/exports/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Download the PDF an export job rendered',
        description:
          "Streams the report once the job has succeeded, with its SHA-256 as the ETag (`If-None-Match` → 304). 404 while the job is queued or running, after it failed, and once the file's retention ended.",
        tags: ['exports'],
        params: jobIdParams,
        response: routeResponses(
          {
            200: {
              description: 'The PDF (`Content-Disposition: attachment; filename="<jobId>.pdf"`)',
              contentType: 'application/pdf',
              schema: { type: 'string', format: 'binary' },
            },
            304: { description: 'The client has the file already (its ETag matches)', schema: { type: 'null' } },
          },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request, reply) => {
      const storage = exports?.storage;
      if (storage === undefined)
        throw apiError('SEDANO_ERR_API_UNAVAILABLE', 'this gateway has no export storage configured');
      const file = exportedFile(await findJob({ view, codec }, request.params.id));
      const etag = `"${file.sha256}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const opened = await storage.open(file.fileName);
      if (opened === undefined) {
        throw apiError(
          'SEDANO_ERR_API_NOT_FOUND',
          `the file of export job ${request.params.id} is no longer stored (its retention ended)`,
        );
      }
      return reply
        .header('content-type', 'application/pdf')
        .header('content-length', opened.sizeBytes)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(opened.stream);
    },
  );
};
