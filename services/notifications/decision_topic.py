"""The decision log's Kafka sink: records on `toegang.decisions.v1`, keyed by organisation."""

from __future__ import annotations

from kafka import KafkaProducer

from services.notifications import kafka


class DecisionTopic:
    """Sends each record of a batch, then flushes once and raises if any was not acknowledged
    (the batch then counts as dropped: the decision log is at most once). The producer and
    the topic are made at the first batch, and again after a failure."""

    def __init__(self, bootstrap: str, topic: str, partitions: int = 3) -> None:
        self.bootstrap, self.topic, self.partitions = bootstrap, topic, partitions
        self.producer: KafkaProducer | None = None

    def write(self, records: list[tuple[str, bytes]]) -> None:
        """Send the batch and wait for the broker's acknowledgement of every record."""
        try:
            if self.producer is None:
                kafka.ensure_topics(self.bootstrap, [self.topic], self.partitions)
                self.producer = kafka.producer(self.bootstrap)
            futures = [
                self.producer.send(self.topic, key=key.encode(), value=value.rstrip(b"\n"))
                for key, value in records
            ]
            self.producer.flush(timeout=20)
            for future in futures:
                future.get(timeout=1)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Close the producer, if there is one."""
        kafka.close_producer(self.producer)
        self.producer = None
