/**
 * A gateway's collaborators for tests that never reach them (the OpenAPI document, the 4xx
 * fastify raises before a handler): each is an empty stand-in that fails if called.
 */
import pino from 'pino';
import type { GatewayDependencies } from '../../../../services/gateway/app.ts';
import { topologyNames } from '../../../../topology/names.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';

export function inertDependencies(namespace: string, tokens: GatewayDependencies['tokens']): GatewayDependencies {
  const inert = {} as never;
  return {
    admin: inert,
    producer: inert,
    codec: inert,
    redis: inert,
    view: inert,
    deadLetters: inert,
    tokens,
    logger: pino({ level: 'silent' }),
    checkRegistry: async () => {},
    names: topologyNames(namespace),
    keys: redisKeys(namespace),
  };
}
