/**
 * Kafka as the environment names it, for scripts and tests (services get it from their
 * settings through the service kit): the brokers (`KAFKA_BROKERS`, else the local stack's) and
 * SASL and TLS (kafka-security.ts), read with the services' own declarations, so `ctl`, the
 * benches and the suite reach the cluster the services do. Bad or incomplete settings throw a
 * SettingsError that names each variable (a secret's value never shown).
 */
import { type KafkaSecurity, kafkaSecurityOf, kafkaSecurityProblems } from './kafka-security.ts';
import { kafkaConnectionSettings, resolveSettings } from './settings.ts';

export interface KafkaConnection {
  brokers: readonly string[];
  security: KafkaSecurity;
}

export function kafkaConnection(env: Readonly<Record<string, string | undefined>>): KafkaConnection {
  const settings = resolveSettings(kafkaConnectionSettings, env, kafkaSecurityProblems);
  return { brokers: settings.kafkaBrokers, security: kafkaSecurityOf(settings) };
}
