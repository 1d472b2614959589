"""TextVectorization's text steps as plain functions: standardize, split into tokens, add n-grams.

They reproduce the TensorFlow ops Keras uses: `tf.strings.lower` (which
lowercases ASCII letters only), `regex_replace` of ASCII punctuation,
`tf.strings.split` (runs of ASCII whitespace separate tokens),
`unicode_split` (one token per character) and `tf.strings.ngrams` with a
space separator (all 1-grams, then all 2-grams, ...).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fitwell.strings import as_string_array

__all__ = ["STANDARDIZE_MODES", "SPLIT_MODES", "add_ngrams", "split_texts", "standardize_texts"]

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# Keras's pattern: r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']', i.e. string.punctuation.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_ASCII_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


def standardize_texts(texts: np.ndarray, standardize: str | Callable[[np.ndarray], Any] | None) -> np.ndarray:
    """Lowercase (ASCII) and/or strip punctuation, or apply a callable to the array of `str`.

    Example:
        >>> standardize_texts(np.array(["Hello, World!"], dtype=object), "lower_and_strip_punctuation")
        array(['hello world'], dtype=object)
    """
    if standardize is None:
        return texts
    if callable(standardize):
        result = as_string_array(standardize(texts.astype(str)))
        if result.shape != texts.shape:
            raise ValueError(
                f"A `standardize` callable must return strings of the shape it was given. Received: shape "
                f"{result.shape} for inputs of shape {texts.shape}."
            )
        return result
    lower = standardize in ("lower", "lower_and_strip_punctuation")
    strip = standardize in ("strip_punctuation", "lower_and_strip_punctuation")

    def clean(text: str) -> str:
        if lower:
            text = text.translate(_ASCII_LOWER)
        return _PUNCTUATION.sub("", text) if strip else text

    return np.vectorize(clean, otypes=[object])(texts) if texts.size else texts


def split_texts(texts: np.ndarray, split: str | Callable[[np.ndarray], Any]) -> list[list[str]]:
    """One list of tokens per text of a 1D array (whitespace, characters, or a callable's result).

    Example:
        >>> split_texts(np.array(["  the cat\\tsat ", "ab"], dtype=object), "whitespace")
        [['the', 'cat', 'sat'], ['ab']]
    """
    if callable(split):
        rows = split(texts.astype(str))
        return [[str(token) for token in as_string_array(row).ravel()] for row in rows]
    if split == "character":
        return [list(text) for text in texts]
    return [[token for token in _ASCII_WHITESPACE.split(text) if token] for text in texts]


def add_ngrams(tokens: Sequence[str], widths: Sequence[int]) -> list[str]:
    """The n-grams of `tokens` for each width in order, joined by spaces (`tf.strings.ngrams`).

    Example:
        >>> add_ngrams(["a", "b", "c"], (1, 2))
        ['a', 'b', 'c', 'a b', 'b c']
    """
    grams: list[str] = []
    for width in widths:
        grams += [" ".join(tokens[start : start + width]) for start in range(len(tokens) - width + 1)]
    return grams
