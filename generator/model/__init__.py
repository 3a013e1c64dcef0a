"""The derived model: one read-only report holding every figure the documents print."""
