"""Final-account disclosure and performance self-evaluation generator."""

__version__ = "0.1.0"
