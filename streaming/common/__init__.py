"""Helpers shared by the validator and the lander: Kafka clients, metrics, shutdown, lake I/O."""
