/**
 * How sedano reaches a secured Kafka cluster: SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and TLS,
 * what managed clusters ask for (Confluent Cloud: SASL PLAIN over TLS; Amazon MSK and Aiven:
 * SCRAM over TLS). The settings are declared once with the others (settings.ts's
 * `kafkaSecuritySettings`, in every service's base); this module checks that they fit together
 * and turns them into the client's options (kafka.ts). Scripts and tests read them through
 * kafka-connection.ts, so a `ctl`, a bench or the suite reaches the same cluster the services do.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';

/** The SASL mechanisms kafkajs speaks without a plug-in (OAUTHBEARER and AWS IAM need code of their own). */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The settings' values, as resolved (settings.ts). */
export interface KafkaSecurityValues {
  kafkaSaslMechanism?: SaslMechanism | undefined;
  kafkaSaslUsername?: string | undefined;
  kafkaSaslPassword?: string | undefined;
  kafkaTls?: boolean | undefined;
  kafkaTlsCaFile?: string | undefined;
}

export interface KafkaSecurity {
  /** SASL credentials; undefined: none. */
  sasl: { mechanism: SaslMechanism; username: string; password: string } | undefined;
  /** TLS to the brokers; `caFile` replaces the system's certificate authorities. Undefined: plaintext. */
  tls: { caFile: string | undefined } | undefined;
}

/** A plaintext connection without SASL: the local stack's main listener. */
export const PLAINTEXT: KafkaSecurity = { sasl: undefined, tls: undefined };

/** A problem as the settings report it (settings.ts's SettingProblem; not imported, which settings.ts would make a cycle). */
export interface SecurityProblem {
  variable: string;
  expected: string;
  given: string;
}

/**
 * What does not fit together: a mechanism needs a user name and a password, and they need a
 * mechanism; a CA file must be there (checked at start-up rather than at the first connection).
 * `failed`: the settings already reported as bad (a mechanism misspelt is not also "unset").
 */
export function kafkaSecurityProblems(
  values: KafkaSecurityValues,
  failed: ReadonlySet<PropertyKey> = new Set(),
): SecurityProblem[] {
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = values;
  const problems: SecurityProblem[] = [];
  if (mechanism !== undefined) {
    if (username === undefined)
      problems.push({
        variable: 'KAFKA_SASL_USERNAME',
        expected: `a user name for SASL ${mechanism}`,
        given: '(unset)',
      });
    if (password === undefined)
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD',
        expected: `a password for SASL ${mechanism}`,
        given: '(unset)',
      });
  } else if ((username !== undefined || password !== undefined) && !failed.has('kafkaSaslMechanism')) {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      expected: `one of ${SASL_MECHANISMS.join(', ')} with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
      given: '(unset)',
    });
  }
  if (values.kafkaTlsCaFile !== undefined && !existsSync(values.kafkaTlsCaFile)) {
    problems.push({
      variable: 'KAFKA_TLS_CA_FILE',
      expected: 'a PEM file that exists',
      given: JSON.stringify(values.kafkaTlsCaFile),
    });
  }
  return problems;
}

/** The connection's security from checked values (pure): a CA file implies TLS. */
export function kafkaSecurityOf(values: KafkaSecurityValues): KafkaSecurity {
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = values;
  const sasl =
    mechanism !== undefined && username !== undefined && password !== undefined
      ? { mechanism, username, password }
      : undefined;
  const tls =
    values.kafkaTls === true || values.kafkaTlsCaFile !== undefined ? { caFile: values.kafkaTlsCaFile } : undefined;
  return { sasl, tls };
}

/** kafkajs's `ssl` and `sasl` options; reads the CA file, so a missing one fails when the client is made. */
export function kafkaJsSecurity(security: KafkaSecurity): { ssl?: true | { ca: string[] }; sasl?: SASLOptions } {
  const { sasl, tls } = security;
  return {
    ...(tls === undefined ? {} : { ssl: tls.caFile === undefined ? true : { ca: [readFileSync(tls.caFile, 'utf8')] } }),
    ...(sasl === undefined ? {} : { sasl: { ...sasl } }),
  };
}
