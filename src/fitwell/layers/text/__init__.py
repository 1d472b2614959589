"""Keras's text and categorical preprocessing layers: vocabularies, vectorizing, hashing, encoding."""

from __future__ import annotations

from fitwell.layers.text.category_encoding import CategoryEncoding
from fitwell.layers.text.hashing import Hashing
from fitwell.layers.text.index_lookup import IndexLookup
from fitwell.layers.text.integer_lookup import IntegerLookup
from fitwell.layers.text.string_input import StringInputLayer
from fitwell.layers.text.string_lookup import StringLookup
from fitwell.layers.text.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "Hashing",
    "IndexLookup",
    "IntegerLookup",
    "StringInputLayer",
    "StringLookup",
    "TextVectorization",
]
