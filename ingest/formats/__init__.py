"""Loaders for the formats beyond plain text, Markdown and HTML, one module per family."""
