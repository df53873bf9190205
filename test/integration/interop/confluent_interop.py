#!/usr/bin/python3
"""Produces or consumes one sedano job with Confluent's own Python Avro serializer.

Used by python-interop.test.ts to check that a Python service using confluent_kafka and
sedano read each other's records. Runs on Debian's system python3 with Debian's packages
only (python3-confluent-kafka 1.7.0 and python3-avro 1.11): Debian packages no fastavro,
which confluent_kafka.schema_registry.avro (AvroSerializer/AvroDeserializer) imports, so
this uses confluent_kafka.avro's MessageSerializer and CachedSchemaRegistryClient, which
fall back to python3-avro and write the same Confluent wire format.

  produce --bootstrap B --registry URL --topic T --schema-file F --record-file R
          [--subject-topic L] [--header NAME=VALUE ...]
      Encodes the JSON record under subject <T>-value (TopicNameStrategy; <L>-value with
      --subject-topic, as a delayed job on a delay topic is framed for its lane), produces it
      with key = header.jobId and the headers given, and prints the schema id. The schema must
      already be registered under the subject (sedano's `topology apply` registers every
      subject): the producer only looks it up, so it never registers a schema text of its own.
  consume --bootstrap B --registry URL --topic T --group G --timeout S
      Reads one message from the beginning of T and prints {"key", "schemaId", "value"} as
      one JSON line; exits 1 if none arrives within S seconds.

JSON values are sedano's: timestamp-millis fields are milliseconds since the epoch (python3-avro
wants and returns timezone-aware datetimes), bytes are base64.
"""
import argparse
import base64
import datetime
import json
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient, MessageSerializer, loads

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

# python3-avro 1.11.1 cannot write null into ["null", {"type": "string", "logicalType": "uuid"}]
# (JobHeader's batchId and parentJobId): its writer validates the value against every branch of
# a union, and UUIDSchema.validate(None) raises TypeError instead of answering "no".
_validate_uuid = avro.schema.UUIDSchema.validate
avro.schema.UUIDSchema.validate = lambda schema, datum: _validate_uuid(schema, datum) if isinstance(datum, str) else None


def from_json(schema, value):
    """A JSON value as python3-avro's writer expects it for `schema`."""
    if isinstance(schema, avro.schema.TimestampMillisSchema):
        return EPOCH + datetime.timedelta(milliseconds=value)
    if isinstance(schema, avro.schema.RecordSchema):
        return {field.name: from_json(field.type, value[field.name]) for field in schema.fields if field.name in value}
    if isinstance(schema, avro.schema.ArraySchema):
        return [from_json(schema.items, item) for item in value]
    if isinstance(schema, avro.schema.MapSchema):
        return {key: from_json(schema.values, item) for key, item in value.items()}
    if isinstance(schema, avro.schema.UnionSchema):
        # sedano's JSON carries the value of a union without its branch: take the first that fits.
        for branch in schema.schemas:
            try:
                candidate = from_json(branch, value)
                if avro.io.validate(branch, candidate):
                    return candidate
            except (TypeError, KeyError, AttributeError):
                continue
    if schema.type == "bytes" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def to_json(value):
    """A value python3-avro's reader returned, as sedano's JSON."""
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


def produce(args, serializer):
    with open(args.schema_file, encoding="utf-8") as file:
        schema = loads(file.read())
    with open(args.record_file, encoding="utf-8") as file:
        record = json.load(file)
    # Subject <topic>-value; with auto.register.schemas off this only looks the schema up.
    subject_topic = args.subject_topic or args.topic
    value = serializer.encode_record_with_schema(subject_topic, schema, from_json(schema, record))
    headers = dict(header.split("=", 1) for header in args.header)
    errors = []
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True})
    producer.produce(
        args.topic,
        key=record["header"]["jobId"].encode("utf-8"),
        value=value,
        headers=headers,
        on_delivery=lambda error, _message: error and errors.append(error),
    )
    if producer.flush(30) > 0 or errors:
        sys.exit(f"produce to {args.topic} failed: {errors or 'not delivered within 30 s'}")
    # Confluent framing: magic byte 0, then the schema id as a 4-byte big-endian integer.
    print(struct.unpack(">I", value[1:5])[0])


def consume(args, serializer):
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([args.topic])
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(min(1.0, max(0.0, deadline - time.monotonic())))
            if message is None:
                continue
            if message.error():
                print(f"consumer: {message.error()}", file=sys.stderr)
                continue
            key = message.key()
            output = {
                "key": None if key is None else key.decode("utf-8"),
                "schemaId": struct.unpack(">I", message.value()[1:5])[0],
                "value": to_json(serializer.decode_message(message.value())),
            }
            print(json.dumps(output, ensure_ascii=False))
            return
    finally:
        consumer.close()
    print(f"no message on {args.topic} within {args.timeout} s", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["produce", "consume"])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, comma-separated")
    parser.add_argument("--registry", required=True, help="base URL of the Confluent API, path included")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--schema-file", help="produce: the Avro schema registered under <topic>-value")
    parser.add_argument("--record-file", help="produce: the record, as sedano's JSON")
    parser.add_argument("--subject-topic", help="produce: frame the record with <this topic>-value instead")
    parser.add_argument("--header", action="append", default=[], help="produce: a Kafka header, NAME=VALUE")
    parser.add_argument("--group", help="consume: consumer group id")
    parser.add_argument("--timeout", type=float, default=30, help="consume: seconds to wait for a message")
    args = parser.parse_args()
    if args.mode == "produce" and not (args.schema_file and args.record_file):
        parser.error("produce needs --schema-file and --record-file")
    if args.mode == "consume" and not args.group:
        parser.error("consume needs --group")

    # The client joins paths to the URL as given, so a base URL with a path (Apicurio's
    # /apis/ccompat/v7) works.
    registry = CachedSchemaRegistryClient({"url": args.registry, "auto.register.schemas": False})
    serializer = MessageSerializer(registry)
    if args.mode == "produce":
        produce(args, serializer)
    else:
        consume(args, serializer)


if __name__ == "__main__":
    main()
