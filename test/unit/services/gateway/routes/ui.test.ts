import assert from 'node:assert/strict';
import { test } from 'node:test';
import fastify from 'fastify';
import { loadDashboardAssets, rewriteBareImports, uiRoutes } from '../../../../../services/gateway/routes/ui.ts';

test("the UI library's bare imports point at the files served beside them", () => {
  assert.equal(
    rewriteBareImports('import{h as r}from"preact";import e from"htm";import{x}from"./local.js";'),
    'import{h as r}from"./preact.mjs";import e from"./htm.mjs";import{x}from"./local.js";',
  );
  assert.equal(
    rewriteBareImports("import { useState } from 'preact/hooks';"),
    "import { useState } from './hooks.mjs';",
  );
  assert.equal(rewriteBareImports('import "other";'), 'import "other";', 'unknown names are left alone');
});

test('every vendor module imports only files that are served', () => {
  const assets = loadDashboardAssets();
  for (const [path, asset] of assets) {
    if (!path.startsWith('vendor/')) continue;
    for (const [, specifier] of asset.body.toString('utf8').matchAll(/from\s*["']([^"']+)["']/g)) {
      assert.ok(assets.has(`vendor/${specifier!.replace('./', '')}`), `${path} imports ${specifier}`);
    }
  }
  assert.ok(['index.html', 'js/app.js', 'style.css', 'pages.css'].every((path) => assets.has(path)));
});

test('the dashboard is served with a strict content security policy, the root leads to it; anything else is a 404', async (t) => {
  const app = fastify();
  t.after(() => app.close());
  await app.register(uiRoutes);
  for (const url of ['/', '/ui']) {
    const redirect = await app.inject({ url });
    assert.equal(redirect.statusCode, 302, url);
    assert.equal(redirect.headers.location, '/ui/', url);
  }
  const index = await app.inject({ url: '/ui/' });
  assert.equal(index.statusCode, 200);
  assert.match(String(index.headers['content-type']), /^text\/html/);
  assert.match(String(index.headers['content-security-policy']), /script-src 'self'; style-src 'self'/);
  assert.match(index.body, /<script type="module" src="js\/app.js">/);
  const vendor = await app.inject({ url: '/ui/vendor/htm-preact.mjs' });
  assert.equal(vendor.statusCode, 200);
  assert.match(String(vendor.headers['content-type']), /^text\/javascript/);
  for (const url of ['/ui/../package.json', '/ui/vendor/../../app.ts', '/ui/js/nope.js', '/ui/%2e%2e/app.ts']) {
    assert.equal((await app.inject({ url })).statusCode, 404, url);
  }
});
