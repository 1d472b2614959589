"""Keras's `image_dataset_from_directory`: batches of images read from a class-per-folder tree.

The files are listed, shuffled and split exactly as Keras does
(`directory_index`), so a seed gives the same training and validation
files. The result is a torch `DataLoader` whose worker processes decode,
resize and stack whole batches: the training process only receives one
ready `(batch, H, W, C)` float32 tensor per batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler, get_worker_info

from fitwell.utils.dataset_methods import DatasetMethods
from fitwell.utils.directory_index import (
    check_validation_split,
    index_directory,
    training_or_validation_split,
)
from fitwell.utils.image_decoding import CHANNELS, INTERPOLATIONS, load_image, read_pixels

__all__ = ["ALLOWED_FORMATS", "DirectoryLoader", "image_dataset_from_directory"]

#: File extensions read (lower-cased), as Keras.
ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
#: Interpolations only Keras's TensorFlow loader offers.
_TENSORFLOW_ONLY_INTERPOLATIONS = ("area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_MAX_DEFAULT_WORKERS = 8


class DirectoryLoader(DatasetMethods, DataLoader):
    """A `DataLoader` over files of a directory, with Keras's `class_names` and `file_paths`.

    `fit`, `evaluate` and `predict` take it directly; iterating gives
    `(images, labels)` batches, or images alone without labels. tf.data's
    methods (`take`, `map`, `prefetch`, `cardinality`, ...) come from
    `DatasetMethods`; what they return keeps `class_names`, not `file_paths`.

    Attributes:
        class_names: The class names in label order, or None without labels.
        file_paths: The files in Keras's order (after its seeded shuffle);
            with `shuffle=True` every epoch visits them in a new order.
    """

    class_names: list[str] | None
    file_paths: list[str]


class _ImageFiles(Dataset):
    """Decode files by index; `__getitems__` builds one stacked batch (run in the workers)."""

    def __init__(self, paths: list[str], labels: torch.Tensor | None, load_options: dict) -> None:
        self.paths = paths
        self.labels = labels
        self.data_format = load_options["data_format"]
        self.read_options = {key: value for key, value in load_options.items() if key != "data_format"}
        self.shape = _image_shape(load_options)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        image = load_image(self.paths[index], data_format=self.data_format, **self.read_options)
        return image if self.labels is None else (image, self.labels[index])

    def __getitems__(self, indices: list[int]) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        images = torch.empty((len(indices), *self.shape))
        if get_worker_info() is not None:
            # Filled in shared memory, the batch reaches the training process without a copy.
            images.share_memory_()
        for row, index in enumerate(indices):
            pixels = read_pixels(self.paths[index], **self.read_options)
            # One copy converts to float32 (when not resized yet) and lays out the channels.
            images[row].copy_(pixels.permute(2, 0, 1) if self.data_format == "channels_first" else pixels)
        return images if self.labels is None else (images, self.labels[indices])


def _image_shape(load_options: dict) -> tuple[int, int, int]:
    height, width = load_options["image_size"]
    channels = load_options["num_channels"]
    if load_options["data_format"] == "channels_first":
        return channels, height, width
    return height, width, channels


def _ready_batch(batch: object) -> object:
    return batch  # `__getitems__` already stacked it


def _encode_labels(labels: np.ndarray, label_mode: str, num_classes: int) -> torch.Tensor:
    if label_mode == "binary":
        return torch.from_numpy(labels.astype(np.float32)).unsqueeze(-1)
    if label_mode == "categorical":
        # As tf.one_hot: a label outside [0, num_classes) is a row of zeros.
        one_hot = np.zeros((len(labels), num_classes), dtype=np.float32)
        inside = (labels >= 0) & (labels < num_classes)
        one_hot[np.flatnonzero(inside), labels[inside]] = 1.0
        return torch.from_numpy(one_hot)
    return torch.from_numpy(labels.astype(np.int32))


def _default_workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return min(available, _MAX_DEFAULT_WORKERS)


def _make_loader(
    paths: list[str],
    labels: np.ndarray | None,
    class_names: list[str] | None,
    *,
    label_mode: str | None,
    load_options: dict,
    batch_size: int | None,
    shuffle: bool,
    seed: int,
    num_workers: int,
) -> DirectoryLoader:
    encoded = None if label_mode is None else _encode_labels(labels, label_mode, len(class_names or ()))
    files = _ImageFiles(paths, encoded, load_options)
    # Keras reshuffles every epoch; a seeded generator makes the sequence of epochs repeatable.
    sampler = RandomSampler(files, generator=torch.Generator().manual_seed(seed)) if shuffle else None
    loader = DirectoryLoader(
        files,
        batch_size=batch_size,
        sampler=sampler or SequentialSampler(files),
        num_workers=num_workers,
        collate_fn=_ready_batch,
        pin_memory=torch.cuda.is_available(),
        persistent_workers=num_workers > 0,
    )
    loader.class_names = class_names
    loader.file_paths = paths
    return loader


def _subsets(
    paths: list[str],
    labels: np.ndarray | None,
    validation_split: float | None,
    subset: str | None,
    *,
    shuffle: bool,
    directory: object,
) -> list[tuple[list[str], np.ndarray | None, bool]]:
    """`(paths, labels, shuffle)` of each loader to make: one, or training and validation."""
    # As Keras: with subset="both" the validation loader is never shuffled.
    parts = [("training", shuffle), ("validation", False)] if subset == "both" else [(subset, shuffle)]
    splits = []
    for name, shuffled in parts:
        part_paths, part_labels = training_or_validation_split(paths, labels, validation_split, name)
        if not part_paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(
                f"No {which}images found in directory {directory}. Allowed formats: {ALLOWED_FORMATS}. "
                "Check the path, the file extensions and `validation_split`."
            )
        splits.append((part_paths, part_labels, shuffled))
    return splits


def _check_arguments(
    labels: object,
    label_mode: str | None,
    class_names: Sequence[str] | None,
    color_mode: str,
    batch_size: int | None,
    image_size: object,
    interpolation: str,
    crop_to_aspect_ratio: bool,
    pad_to_aspect_ratio: bool,
    data_format: str,
    num_workers: int | None,
) -> tuple[int, int]:
    _check_labels(labels, label_mode, class_names)
    if color_mode not in CHANNELS:
        raise ValueError(
            f"`color_mode` must be one of {tuple(CHANNELS)}. Received: color_mode={color_mode!r}"
        )
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"`batch_size` must be a positive int or None. Received: batch_size={batch_size!r}")
    image_size = _checked_image_size(image_size)
    _check_interpolation(interpolation)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True. Received: both True."
        )
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last', 'channels_first' or None. "
            f"Received: data_format={data_format!r}"
        )
    if num_workers is not None and (not isinstance(num_workers, int) or num_workers < 0):
        raise ValueError(f"`num_workers` must be an int >= 0 or None. Received: num_workers={num_workers!r}")
    return image_size


def _check_labels(labels: object, label_mode: str | None, class_names: Sequence[str] | None) -> None:
    if labels not in ("inferred", None) and not isinstance(labels, list | tuple):
        raise ValueError(
            "`labels` must be 'inferred', None or a list/tuple of integer labels, one per image file "
            f"in sorted path order. Received: labels={labels!r}"
        )
    if labels not in ("inferred", None) and class_names:
        raise ValueError(
            "`class_names` can only be given with `labels='inferred'`. "
            f"Received: labels={labels!r}, class_names={class_names!r}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            "`label_mode` must be one of 'int', 'categorical', 'binary' or None. "
            f"Received: label_mode={label_mode!r}"
        )


def _checked_image_size(image_size: object) -> tuple[int, int]:
    """`image_size` as `(height, width)`; an int stands for a square."""
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if (
        not isinstance(image_size, list | tuple)
        or len(image_size) != 2
        or not all(isinstance(side, int) and side > 0 for side in image_size)
    ):
        raise ValueError(
            f"`image_size` must be (height, width), two positive ints. Received: image_size={image_size!r}"
        )
    return tuple(image_size)


def _check_interpolation(interpolation: str) -> None:
    if interpolation in _TENSORFLOW_ONLY_INTERPOLATIONS:
        raise ValueError(
            f"`interpolation={interpolation!r}` is only offered by Keras's TensorFlow loader; "
            f"use one of {tuple(INTERPOLATIONS)} (those of Keras's torch backend)."
        )
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"`interpolation` must be one of {tuple(INTERPOLATIONS)}. "
            f"Received: interpolation={interpolation!r}"
        )


def _checked_seed(seed: object, validation_split: float | None, subset: str | None, shuffle: bool) -> int:
    """Check `seed` with the split arguments; None draws one, as Keras does."""
    if seed is not None and (not isinstance(seed, int | np.integer) or isinstance(seed, bool)):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
    check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)  # drawn as Keras draws it, so the global NumPy seed repeats it
    return seed


def _check_binary_classes(label_mode: str | None, class_names: list[str]) -> None:
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            "`label_mode='binary'` needs exactly 2 classes. "
            f"Received: class_names={class_names} ({len(class_names)} classes). "
            "Use label_mode='int' or 'categorical' for more classes."
        )


def image_dataset_from_directory(
    directory: str | os.PathLike,
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size: tuple[int, int] = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    verbose: bool = True,
    *,
    num_workers: int | None = None,
) -> DirectoryLoader | list[DirectoryLoader]:
    """Batches of images (and labels) from a folder with one sub-folder per class.

    For a tree `root/cats/*.jpg`, `root/dogs/*.jpg`, the labels are 0 for
    `cats` and 1 for `dogs` (sub-folders in alphanumeric order). Files
    ending in `.jpeg`, `.jpg`, `.png`, `.bmp` or `.gif` are read (a GIF
    gives its first frame), converted to the `color_mode`, resized to
    `image_size` and batched. The file order, the shuffle and the
    training/validation split for a given `seed` are Keras's.

    Args:
        directory: The folder of images.
        labels: `"inferred"` (from the sub-folders), None (images only), or
            a list of integer labels, one per file in sorted path order.
        label_mode: `"int"` (int32, shape `(batch,)`), `"categorical"`
            (one-hot float32, `(batch, num_classes)`), `"binary"` (float32,
            `(batch, 1)`, exactly 2 classes) or None (images only).
        class_names: With inferred labels, the sub-folders to use, in label order.
        color_mode: `"rgb"`, `"rgba"` or `"grayscale"` (3, 4 or 1 channels).
        batch_size: Images per batch; None yields single images.
        image_size: `(height, width)` of the yielded images (an int for a square).
        shuffle: Shuffle the files (and reshuffle each epoch); otherwise
            keep the sorted order.
        seed: Seed of the shuffles. Needed with `validation_split`.
        validation_split: Fraction of the files kept for validation (the
            last ones after the seeded shuffle).
        subset: `"training"`, `"validation"` or `"both"` (returns the two
            loaders); only with `validation_split`.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        follow_links: Also read sub-folders that are symbolic links.
        crop_to_aspect_ratio: Crop the centre to the target aspect ratio
            before resizing, so images are not distorted.
        pad_to_aspect_ratio: Pad with zeros to the target aspect ratio
            before resizing, so images are not distorted.
        data_format: `"channels_last"` (default) gives `(batch, H, W, C)`,
            `"channels_first"` gives `(batch, C, H, W)`.
        verbose: Print how many files and classes were found.
        num_workers: Processes that decode images (not a Keras argument);
            None uses one per CPU core, up to 8; 0 decodes in this process.

    Returns:
        A `DirectoryLoader` (a torch `DataLoader`) yielding float32 images
        with values 0–255 and labels as `label_mode` says, with attributes
        `class_names` and `file_paths` and tf.data's `take`, `map`,
        `prefetch`, ... methods; a list of two (training, validation) for
        `subset="both"`.

    Raises:
        ValueError: For invalid arguments, `label_mode="binary"` without
            exactly 2 classes, or a directory (or subset) without images.

    Example:
        >>> import tempfile, pathlib
        >>> from PIL import Image
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("cats/a.png", "cats/b.png", "dogs/c.png"):
        ...     (root / name).parent.mkdir(exist_ok=True)
        ...     Image.new("RGB", (8, 6), (200, 10, 10)).save(root / name)
        >>> ds = image_dataset_from_directory(root, image_size=(4, 4), batch_size=2, seed=1, num_workers=0)
        Found 3 files belonging to 2 classes.
        >>> ds.class_names
        ['cats', 'dogs']
        >>> images, labels = next(iter(ds))
        >>> images.shape, images.dtype, labels.dtype
        (torch.Size([2, 4, 4, 3]), torch.float32, torch.int32)
    """
    data_format = data_format or "channels_last"
    interpolation = interpolation.lower() if isinstance(interpolation, str) else interpolation
    image_size = _check_arguments(
        labels, label_mode, class_names, color_mode, batch_size, image_size, interpolation,
        crop_to_aspect_ratio, pad_to_aspect_ratio, data_format, num_workers,
    )  # fmt: skip
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    seed = _checked_seed(seed, validation_split, subset, shuffle)
    paths, label_array, class_names = index_directory(
        directory, labels, formats=ALLOWED_FORMATS, class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose,
    )  # fmt: skip
    _check_binary_classes(label_mode, class_names)

    splits = _subsets(paths, label_array, validation_split, subset, shuffle=shuffle, directory=directory)
    load_options = {
        "image_size": image_size, "num_channels": CHANNELS[color_mode], "interpolation": interpolation,
        "crop_to_aspect_ratio": crop_to_aspect_ratio, "pad_to_aspect_ratio": pad_to_aspect_ratio,
        "data_format": data_format,
    }  # fmt: skip
    loaders = [
        _make_loader(
            part_paths,
            part_labels,
            class_names,
            label_mode=label_mode,
            load_options=load_options,
            batch_size=batch_size,
            shuffle=shuffled,
            seed=seed,
            num_workers=_default_workers() if num_workers is None else num_workers,
        )  # fmt: skip
        for part_paths, part_labels, shuffled in splits
    ]
    return loaders if subset == "both" else loaders[0]
