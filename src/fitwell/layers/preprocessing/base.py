"""`ImagePreprocessingLayer`: the base of the image layers, with Keras's transformation → transform split.

A random augmentation is two steps, as in Keras 3:
`get_random_transformation(images, training, seed)` draws the parameters
(one set per image: an angle, a zoom, a flip…) and
`transform_images(images, transformation, training)` applies them. `call`
runs both. Layers that are not random (`Resizing`, `CenterCrop`) draw
nothing and only transform.
"""

from __future__ import annotations

import numbers
from typing import Any

import torch

from fitwell import random
from fitwell.devices import device_scope
from fitwell.layers.layer import Layer
from fitwell.layers.spatial import FORMATS, check_choice

__all__ = ["ImagePreprocessingLayer", "check_size", "factor_range"]

Transformation = dict[str, Any] | None


class ImagePreprocessingLayer(Layer):
    """Base of the image layers: images of rank 3 `(H, W, C)` or 4 `(N, H, W, C)` (or channels first).

    Subclasses implement `transform_images(images, transformation,
    training=True)` and, when random, `get_random_transformation(images,
    training=True, seed=None)`, which returns a dict of per-image parameters
    drawn with `self.draw_uniform` (None in inference mode). Augmentations
    run in training mode: during `fit`, and when called directly, as
    Keras's do; `evaluate`, `predict` and `training=False` run them in
    inference mode, where they return their input.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: An int makes the draws reproducible (each call still draws
            new ones); None draws from torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> class RandomInvert(ImagePreprocessingLayer):
        ...     def get_random_transformation(self, images, training=True, seed=None):
        ...         if not training:
        ...             return None
        ...         draws = self.draw_uniform(images, (self.batch_size(images),), seed=seed)
        ...         return {"invert": draws < 0.5}
        ...     def transform_images(self, images, transformation, training=True):
        ...         if not training or transformation is None:
        ...             return images
        ...         invert = transformation["invert"].reshape(-1, *[1] * (images.dim() - 1))
        ...         return torch.where(invert, 255 - images, images)
        >>> RandomInvert(seed=1)(torch.zeros(4, 2, 2, 3), training=True)[:, 0, 0, 0]
        tensor([  0., 255., 255.,   0.])
    """

    def __init__(self, *, data_format: str | None = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Keras's image layers default to training=True: called directly, an augmentation
        # augments. fit, evaluate and predict set the mode for their run and give it back.
        self.training = True
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)
        # A layer's own stream: every call draws new values, and the same seed repeats them.
        self._seed_generator = None if seed is None else random.SeedGenerator(self.seed)

    # -- Keras's protocol ---------------------------------------------------------
    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """The parameters of this call's transformation (None: nothing to draw)."""
        del data, training, seed  # layers that are not random draw nothing
        return None

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        """Apply `transformation` (from `get_random_transformation`) to `images`. Subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement transform_images().")

    def call(self, inputs: torch.Tensor, training: bool = False) -> torch.Tensor:
        self.check_images(inputs)
        transformation = self.get_random_transformation(inputs, training=training)
        return self.transform_images(inputs, transformation, training=training)

    # -- helpers for subclasses -------------------------------------------------
    def check_images(self, images: torch.Tensor) -> None:
        """Raise a clear error unless `images` is one image (rank 3) or a batch (rank 4)."""
        if images.dim() not in (3, 4):
            raise ValueError(
                f"{type(self).__name__} expects an image (rank 3) or a batch of images (rank 4) in "
                f"{self.data_format} layout. Received: images of shape {tuple(images.shape)}."
            )

    def image_size(self, images: torch.Tensor) -> tuple[int, int]:
        """`(height, width)` of one image or a batch, in this layer's data format."""
        if self.data_format == "channels_last":
            return int(images.shape[-3]), int(images.shape[-2])
        return int(images.shape[-2]), int(images.shape[-1])

    def to_batch(self, images: torch.Tensor) -> torch.Tensor:
        """A channels-first batch view of `images` (an image becomes a batch of one)."""
        batch = images.unsqueeze(0) if images.dim() == 3 else images
        return batch.movedim(-1, 1) if self.data_format == "channels_last" else batch

    def from_batch(self, batch: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """`batch` (channels first) back in the layout and rank of `like`."""
        images = batch.movedim(1, -1) if self.data_format == "channels_last" else batch
        return images.squeeze(0) if like.dim() == 3 else images

    def draw_uniform(
        self,
        images: torch.Tensor,
        shape: tuple[int, ...],
        low: float = 0.0,
        high: float = 1.0,
        seed: Any = None,
    ) -> torch.Tensor:
        """Uniform draws in `[low, high)` of `shape`, on the device of `images`.

        `seed` is what `get_random_transformation` received: None uses the
        layer's own stream (its `seed`), else an int or a `SeedGenerator`.
        """
        with device_scope(images.device):
            return random.uniform(shape, low, high, seed=self._seed(seed))

    def batch_size(self, images: torch.Tensor) -> int:
        """The number of images: 1 for a single image (rank 3)."""
        return int(images.shape[0]) if images.dim() == 4 else 1

    def _seed(self, seed: Any) -> Any:
        return self._seed_generator if seed is None else seed

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


def factor_range(
    factor: Any,
    argument: str,
    low: float = -1.0,
    high: float = 1.0,
    *,
    low_inclusive: bool = True,
) -> tuple[float, float]:
    """Keras's `(lower, upper)` of a factor: a number `f` means `(max(-|f|, low), |f|)`, a pair is sorted.

    Raises:
        ValueError: For anything but a number or two numbers within the bounds.

    Example:
        >>> factor_range(0.2, "factor"), factor_range((0.3, -0.1), "factor"), factor_range(0.5, "factor", 0)
        ((-0.2, 0.2), (-0.1, 0.3), (0.0, 0.5))
    """
    values = list(factor) if isinstance(factor, list | tuple) else [factor]
    numbers_only = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
    inside = numbers_only and all((v >= low if low_inclusive else v > low) and v <= high for v in values)
    if len(values) not in (1, 2) or not inside:
        opening = "[" if low_inclusive else "("
        raise ValueError(
            f"`{argument}` must be a number or a pair of numbers in {opening}{low}, {high}]. "
            f"Received: {argument}={factor!r}"
        )
    if len(values) == 2:
        lower, upper = sorted(float(v) for v in values)
        return lower, upper
    size = abs(float(values[0]))
    return max(-size, float(low)), size


def check_size(value: Any, argument: str) -> int:
    """`value` when it is a positive int; otherwise an error naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{argument}` must be a positive int. Received: {argument}={value!r}")
    return int(value)
