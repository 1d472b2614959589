"""Datasets: `load_digits` ships inside the package; Keras's datasets share Keras's download cache.

`mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `boston_housing` and
`california_housing` each have Keras's `load_data()`, reading the files
Keras keeps in `~/.keras/datasets` (or `$KERAS_HOME/datasets`) and
downloading them only when missing.
"""

from __future__ import annotations

from fitwell.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from fitwell.datasets.digits import load_digits

__all__ = [
    "imdb",
    "reuters",
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "load_digits",
    "mnist",
]
