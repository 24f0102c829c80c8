"""Turning retrieved passages into a sourced answer: built-in extraction or a configured LLM."""
