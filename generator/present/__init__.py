"""Presentation: the printed form of every figure, chosen once for text, tables and charts."""
