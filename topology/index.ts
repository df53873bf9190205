/** The topology as code: topic, group and subject names that services import, and the declared topics. */
export * from './topics.ts';
export * from './groups.ts';
export * from './subjects.ts';
export * from './schedules.ts';
