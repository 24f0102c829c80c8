"""Embedders behind one interface; `make_embedder(settings)` picks one."""

from knowledge.embedders.base import Embedder, EmbedderUnavailable, VectorEmbedder
from knowledge.embedders.factory import describe_embedder_choice, make_embedder

__all__ = ["Embedder", "EmbedderUnavailable", "VectorEmbedder", "describe_embedder_choice", "make_embedder"]
