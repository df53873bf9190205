/**
 * Export access, the port the exporter offers to services that hand its files out (the
 * gateway's download route) or clean them up (maintenance): the storage its settings describe.
 */
export { exportDirSetting, exportRetentionSetting, type ExportStorage } from './storage/export-storage.ts';
export { createLocalDirectoryStorage as openExportStorage } from './storage/local-directory-storage.ts';
