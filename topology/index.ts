/**
 * The topology as code: stages and lanes, the names of one namespace's topics, groups, subjects
 * and Redis keys, the declared topics, the contracts bound to their subjects, and the schedules.
 * Pure: nothing here builds a client or imports from services/.
 */
export * from './stages.ts';
export * from './names.ts';
export * from './redis-keys.ts';
export * from './topics.ts';
export * from './contracts.ts';
export * from './schedules.ts';
