"""`Hashing`: strings or integers to a fixed number of bins, with Keras's hash functions."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from fitwell.layers.core import check_positive_int
from fitwell.layers.spatial import check_choice
from fitwell.layers.text.category_encoding import encode_categories
from fitwell.layers.text.hash_buckets import check_salt, hash_buckets
from fitwell.layers.text.string_input import StringInputLayer, output_device
from fitwell.strings import StringArray

__all__ = ["Hashing"]

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(StringInputLayer):
    """Hash strings or integers into `num_bins` bins (Keras's `Hashing`, with the same bins).

    A value's bin is `FarmHash64(value) % num_bins` (SipHash-2-4 keyed by
    `salt` when given), computed on its UTF-8 text (an integer's decimal
    text; floats are truncated to integers first), exactly as Keras's
    TensorFlow ops do. With a `mask_value`, that value goes to bin 0 and
    the others to `1 + hash % (num_bins - 1)`.

    Args:
        num_bins: The number of bins (the mask bin included).
        mask_value: A value mapped to bin 0; None for no mask.
        salt: None (FarmHash64), an int, or two ints: the SipHash key.
        output_mode: `"int"` (bin indices, int64 by default), `"one_hot"`,
            `"multi_hot"` or `"count"` (float32 vectors of `num_bins`).
        sparse: Only False.
        **kwargs: `name`, `dtype` (`"int32"`/`"int64"` in `"int"` mode) and
            the other `Layer` arguments.

    Example:
        >>> Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).ravel()
        tensor([1, 0, 1, 1, 2])
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins <= 0:
            raise ValueError(f"`num_bins` must be a positive int. Received: num_bins={num_bins!r}")
        self.num_bins = check_positive_int(num_bins, "num_bins")
        self.output_mode = check_choice(output_mode, OUTPUT_MODES, "output_mode")
        if self.output_mode == "int" and self.dtype not in (torch.int32, torch.int64):
            raise ValueError(
                "With `output_mode='int'`, `dtype` must be 'int32' or 'int64'. "
                f"Received: dtype={kwargs['dtype']!r}"
            )
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported: outputs are dense tensors. Received: sparse=True"
            )
        self.sparse = False
        self.mask_value = mask_value
        self.salt = check_salt(salt)

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        if values.dtype.kind == "f":
            values = values.astype(np.int64)  # Keras casts floats to int64 before hashing their text
        hashed = hash_buckets(values, bins, self.salt)
        if mask is not None:
            hashed = np.where(mask, 0, hashed + 1)
        return hashed

    def call(self, inputs: Any) -> torch.Tensor:
        device = output_device(inputs)
        if isinstance(inputs, StringArray):
            values = inputs.values
        else:
            values = inputs.detach().cpu().numpy()
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values.squeeze(-1)
        indices = torch.from_numpy(self._bins(np.asarray(values))).to(device)
        if self.output_mode == "int":
            return indices.to(self.dtype)
        return encode_categories(indices, self.output_mode, self.num_bins, dtype=self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": False,
        }
