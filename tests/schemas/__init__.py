"""Contract tests: the published schemas, the AsyncAPI document and the OpenAPI snapshot."""
