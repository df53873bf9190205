/**
 * Schema registry subjects. sedano uses Confluent's TopicNameStrategy: the value schema of
 * topic T is registered under `T-value`, which is what Confluent's serializers in any
 * language look up by default.
 */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
