"""The API's operations, each described once as a `Call` for both clients."""
