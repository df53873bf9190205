/**
 * Maintenance schedules (DESIGN.md section 1), as cron expressions in UTC.
 * The scheduler emits one maintenance event per slot to MAINTENANCE_TOPIC.
 */
export const MAINTENANCE_SCHEDULES = [
  { name: 'cache-cleanup', task: 'CACHE_CLEANUP', cron: '0 */6 * * *' },
  { name: 'vector-index-optimisation', task: 'OPTIMIZE_INDEX', cron: '0 3 * * *' },
  { name: 'backup', task: 'BACKUP', cron: '0 2 * * *' },
  { name: 'weekly-report', task: 'WEEKLY_REPORT', cron: '0 8 * * 1' },
] as const;
