/**
 * Jaeger v2 (OTLP in, query API out), built from the Go module proxy and cached.
 *
 * `go install github.com/jaegertracing/jaeger/cmd/jaeger@<commit>` is refused because
 * Jaeger's go.mod has a replace directive, so jaeger/go.mod is a small wrapper module that
 * requires Jaeger at its release commit, repeats the replace and builds cmd/jaeger (v2).
 * See scripts/local-stack/README.md.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import type { Component, StackContext } from './component.ts';
import { run } from './commands.ts';
import { findGo } from './go.ts';
import { answersHttp } from './network.ts';

/** The Jaeger module version required by jaeger/go.mod (the v1.76.0 tag is the v2.13.0 release commit). */
function jaegerVersion(moduleDir: string): string {
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const version = /github\.com\/jaegertracing\/jaeger (v\S+)/.exec(goMod)?.[1];
  if (!version) throw new Error(`no Jaeger version in ${moduleDir}/go.mod`);
  return version;
}

async function jaegerBinary(context: StackContext): Promise<string> {
  const moduleDir = join(context.root, 'scripts/local-stack/jaeger');
  const version = jaegerVersion(moduleDir);
  const binary = join(context.cacheDir, 'jaeger', version, 'jaeger');
  if (existsSync(binary)) return binary;
  const go = findGo(24, 'Jaeger, built from the Go module proxy,');
  context.log(`jaeger: building cmd/jaeger ${version} with Go (first run only, a few minutes)`);
  mkdirSync(join(context.cacheDir, 'jaeger', version), { recursive: true });
  const partial = `${binary}.partial`;
  await run(go, ['build', '-trimpath', '-o', partial, 'github.com/jaegertracing/jaeger/cmd/jaeger'], {
    cwd: moduleDir,
    env: {
      // Build with the Go on this machine, never a downloaded toolchain.
      GOTOOLCHAIN: 'local',
      // go.sum is committed and pins every module's hash; the checksum database is not
      // reachable behind every module proxy, so it is not consulted.
      GOFLAGS: '-mod=readonly',
      GOSUMDB: 'off',
    },
  });
  renameSync(partial, binary);
  return binary;
}

export const jaeger: Component = {
  name: 'jaeger',
  ports: [
    LOCAL_PORTS.otlpGrpc,
    LOCAL_PORTS.otlpHttp,
    LOCAL_PORTS.jaegerQuery,
    LOCAL_PORTS.jaegerQueryGrpc,
    LOCAL_PORTS.jaegerHealth,
  ],
  dependsOn: [],
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 10_000,
  endpoint: `${LOCAL_ENDPOINTS.otlpEndpoint} (OTLP), ${LOCAL_ENDPOINTS.jaegerQueryUrl} (query)`,

  async prepare(context) {
    const binary = await jaegerBinary(context);
    return {
      command: binary,
      args: ['--config', join(context.root, 'scripts/local-stack/jaeger/config.yaml')],
    };
  },

  isReady: async () =>
    (await answersHttp(`http://127.0.0.1:${LOCAL_PORTS.jaegerHealth}/status`)) &&
    (await answersHttp(`${LOCAL_ENDPOINTS.jaegerQueryUrl}/api/services`)),
};
