/**
 * The dashboard (`/ui`, and `/` leads there): static files from `services/gateway/ui/` and the UI library it is
 * written with (preact and htm, ES modules served from node_modules under `/ui/vendor/`), with
 * no build step. The files hold no data: they are public, like /healthz, and the page asks the
 * person for a token, which it sends as a bearer header on every API call it makes, so every
 * figure it shows goes through the same auth and scopes as any other client.
 *
 * The files are read once, when the routes are registered; only those files are served (a
 * request names an entry of that table, never a path on disk).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { routeResponses } from '../schemas.ts';

interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The library's modules, their bare imports rewritten to the files served beside them. */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact',
  'hooks.mjs': 'preact/hooks',
  'htm.mjs': 'htm',
  'htm-preact.mjs': 'htm/preact',
};

const REWRITES: Record<string, string> = {
  preact: './preact.mjs',
  'preact/hooks': './hooks.mjs',
  htm: './htm.mjs',
};

/** A vendor module with its bare specifiers (`from"preact"`) made relative (pure). */
export function rewriteBareImports(source: string): string {
  return source.replace(
    /(from\s*|import\s*)(["'])([^"']+)\2/g,
    (whole, keyword: string, quote: string, name: string) =>
      REWRITES[name] === undefined ? whole : `${keyword}${quote}${REWRITES[name]}${quote}`,
  );
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** Every file the dashboard serves, by its path under `/ui/`. */
export function loadDashboardAssets(directory = fileURLToPath(new URL('../ui/', import.meta.url))): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const path of listFiles(directory)) {
    const type = TYPES[extname(path)];
    if (type !== undefined)
      assets.set(relative(directory, path).split('\\').join('/'), { body: readFileSync(path), type });
  }
  for (const [name, specifier] of Object.entries(VENDOR)) {
    const source = readFileSync(fileURLToPath(import.meta.resolve(specifier)), 'utf8');
    assets.set(`vendor/${name}`, { body: Buffer.from(rewriteBareImports(source)), type: TYPES['.mjs']! });
  }
  return assets;
}

// Only this origin's scripts, styles and API; no inline script, no frames, no form posts elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The dashboard's routes, a fastify plugin that uses no collaborator (`assets`: default the files on disk). */
export const uiRoutes: FastifyPluginAsync<{ assets?: Map<string, Asset> }> = async (app, options) => {
  const assets = options.assets ?? loadDashboardAssets();
  // What the dashboard checks a token with, and how it knows which actions to offer.
  app.get(
    '/v1/whoami',
    {
      config: { scope: 'read' },
      schema: {
        summary: "The token's holder and scopes (never the token)",
        tags: ['system'],
        response: routeResponses(
          { 200: { description: 'The name and scopes of the token' } },
          { validated: false, backed: false },
        ),
      },
    },
    async (request) => ({ name: request.principal?.name ?? null, scopes: request.principal?.scopes ?? [] }),
  );
  // A person who opens the gateway's address in a browser lands on the dashboard, as Flower's root does.
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get<{ Params: { '*': string } }>('/ui/*', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params['*'] === '' ? 'index.html' : request.params['*']);
    if (asset === undefined) return reply.callNotFound();
    return reply.headers(SECURITY_HEADERS).type(asset.type).send(asset.body);
  });
};
