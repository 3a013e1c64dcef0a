"""Rendering: templates filled, typeset, converted (docx, xlsx, pdf)."""
