"""Writing outputs: atomic staging, locks, safe names, worker processes, caches."""
