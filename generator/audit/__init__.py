"""Audit: identities between figures, plausibility, lints on prose and templates."""
