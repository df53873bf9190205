/** The schema registry's subjects (Confluent REST API), for the backup and its restore. */
import {
  type CompatibilityLevel,
  getSubjectCompatibility,
  registryRequest,
  setSubjectCompatibility,
} from '../../lib/schema-registry.ts';

export interface SubjectSchema {
  subject: string;
  version: number;
  schema: string;
  /** The subject's own compatibility level, or null when it follows the registry's default. */
  compatibility: CompatibilityLevel | null;
}

export interface SubjectsPort {
  /** The latest schema of every subject whose name starts with `prefix`. */
  list(prefix: string): Promise<SubjectSchema[]>;
  /** Sets the subject's compatibility level (if any), then registers `schema` (a no-op if it is there). */
  register(subject: string, schema: string, compatibility: CompatibilityLevel | null): Promise<void>;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await registryRequest(url, init);
  if (!response.ok)
    throw new Error(`schema registry ${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function registrySubjects(registryUrl: string): SubjectsPort {
  return {
    async list(prefix) {
      const subjects = (await call<string[]>(`${registryUrl}/subjects`))
        .filter((subject) => subject.startsWith(prefix))
        .sort();
      return Promise.all(
        subjects.map(async (subject) => {
          const latest = await call<{ version: number; schema: string }>(
            `${registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`,
          );
          // Undefined only when the registry says the subject has no level of its own (404): a
          // registry that fails the read fails the backup rather than drop the level from it.
          const compatibility = (await getSubjectCompatibility(registryUrl, subject)) ?? null;
          return { subject, version: latest.version, schema: latest.schema, compatibility };
        }),
      );
    },
    async register(subject, schema, compatibility) {
      if (compatibility !== null) await setSubjectCompatibility(registryUrl, subject, compatibility);
      await call(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify({ schema }),
      });
    },
  };
}
