"""toegang's published contracts: JSON Schemas of the events on Kafka, the message and outcome
records, the AsyncAPI document of the three topics and a snapshot of the HTTP API's OpenAPI.

The files next to this module are the contract; `python -m schemas.generate` writes them from
the code and `python -m schemas.generate --check` fails when they are out of date.
"""
