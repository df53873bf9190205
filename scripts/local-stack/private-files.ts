/** Files of the local stack that hold a secret (a password, a private key): for their owner only. */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';

const OWNER_ONLY = 0o600;

/**
 * Writes `text` to `file` with mode 0600, also when the file is already there: writeFileSync's
 * `mode` applies only to a file it creates, and a file an earlier version wrote with mode 0644
 * would keep it while it now holds a password. The mode is narrowed before the secret is written.
 */
export function writePrivateFile(file: string, text: string): void {
  if (existsSync(file)) chmodSync(file, OWNER_ONLY);
  writeFileSync(file, text, { mode: OWNER_ONLY });
}

/** Narrows a file another program wrote (keytool's key store) to its owner. */
export function keepPrivate(file: string): void {
  chmodSync(file, OWNER_ONLY);
}
