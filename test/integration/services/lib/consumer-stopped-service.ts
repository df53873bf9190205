/**
 * A service on the kit whose one consumer asks for a session timeout the broker refuses
 * (below group.min.session.timeout.ms): kafkajs crashes it and does not restart it. Run by
 * kafka-consumer-stopped.test.ts with the topic to read as its argument.
 */
import { baseSettings } from '../../../../services/lib/settings.ts';
import { runService } from '../../../../services/lib/service-kit.ts';

const topic = process.argv[2] ?? '';

await runService(
  {
    name: 'consumer-stopped',
    settings: baseSettings,
    async start(kit) {
      // As in every real service, something else keeps the process alive: a Redis connection.
      await kit.redis().ping();
      const consumer = await kit.kafka().consumer(`${topic}-group`, { sessionTimeoutMs: 1_000 });
      kit.onClose('consumer', () => consumer.close());
      await consumer.consume({ topics: [topic], fromBeginning: true, handle: async () => {} });
      kit.logger.info('consuming');
    },
  },
  process.env,
);
