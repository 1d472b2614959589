"""Keras's `text_dataset_from_directory`: batches of texts (and labels) from a class-per-folder tree.

The `.txt` files are listed, shuffled and split exactly as Keras does
(`directory_index`), so a seed gives the same training and validation
files. Each batch is `(texts, labels)`: the texts a `StringArray` of shape
`(batch,)` (Python `str`, decoded as UTF-8), which `TextVectorization`,
`fit` and `predict` take as they are.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, RandomSampler, SequentialSampler

from fitwell.strings import StringArray
from fitwell.utils.directory_index import (
    check_validation_split,
    index_directory,
    training_or_validation_split,
)
from fitwell.utils.image_dataset import DirectoryLoader

__all__ = ["TextDirectoryLoader", "text_dataset_from_directory"]

ALLOWED_FORMATS = (".txt",)


class TextDirectoryLoader(DirectoryLoader):
    """A `DataLoader` of `(texts, labels)` batches of text files, with `class_names` and `file_paths`.

    tf.data's methods come from `DatasetMethods`, e.g. the texts alone for
    `TextVectorization.adapt`: `dataset.map(lambda texts, labels: texts)`.
    """


class _TextFiles(Dataset):
    """Read files by index; `__getitems__` builds one batch of texts (and labels)."""

    def __init__(self, paths: list[str], labels: torch.Tensor | None, max_length: int | None) -> None:
        self.paths = paths
        self.labels = labels
        self.max_length = max_length

    def __len__(self) -> int:
        return len(self.paths)

    def _read(self, index: int) -> str:
        with open(self.paths[index], "rb") as file:
            content = file.read() if self.max_length is None else file.read(self.max_length)
        # Keras cuts `max_length` bytes; a character cut in two becomes U+FFFD here.
        return content.decode("utf-8", errors="replace")

    def __getitem__(self, index: int) -> Any:
        text = self._read(index)
        return text if self.labels is None else (text, self.labels[index])

    def __getitems__(self, indices: list[int]) -> Any:
        texts = np.empty(len(indices), dtype=object)
        texts[:] = [self._read(index) for index in indices]
        batch = StringArray(texts)
        return batch if self.labels is None else (batch, self.labels[indices])


def _ready_batch(batch: Any) -> Any:
    return batch  # `__getitems__` already made it


def _encode_labels(labels: np.ndarray, label_mode: str, num_classes: int) -> torch.Tensor:
    if label_mode == "binary":
        return torch.from_numpy(labels.astype(np.float32)).unsqueeze(-1)
    if label_mode == "categorical":
        one_hot = np.zeros((len(labels), num_classes), dtype=np.float32)
        inside = (labels >= 0) & (labels < num_classes)
        one_hot[np.flatnonzero(inside), labels[inside]] = 1.0
        return torch.from_numpy(one_hot)
    return torch.from_numpy(labels.astype(np.int32))


def _check_arguments(
    labels: Any, label_mode: Any, class_names: Any, batch_size: Any, max_length: Any
) -> None:
    problems = []
    if labels not in ("inferred", None) and not isinstance(labels, list | tuple):
        problems.append(
            "`labels` must be 'inferred', None or a list/tuple of integer labels, one per text file in "
            f"sorted path order. Received: labels={labels!r}"
        )
    if labels not in ("inferred", None) and class_names:
        problems.append(
            "`class_names` can only be given with `labels='inferred'`. "
            f"Received: labels={labels!r}, class_names={class_names!r}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        problems.append(
            "`label_mode` must be one of 'int', 'categorical', 'binary' or None. "
            f"Received: label_mode={label_mode!r}"
        )
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        problems.append(f"`batch_size` must be a positive int or None. Received: batch_size={batch_size!r}")
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0
    ):
        problems.append(f"`max_length` must be None or an int >= 0. Received: max_length={max_length!r}")
    if problems:
        raise ValueError("\n".join(problems))


def _make_loader(
    paths: list[str],
    labels: torch.Tensor | None,
    class_names: list[str] | None,
    *,
    batch_size: int | None,
    max_length: int | None,
    shuffle: bool,
    seed: int,
) -> TextDirectoryLoader:
    files = _TextFiles(paths, labels, max_length)
    sampler = RandomSampler(files, generator=torch.Generator().manual_seed(seed)) if shuffle else None
    loader = TextDirectoryLoader(
        files,
        batch_size=batch_size,
        sampler=sampler or SequentialSampler(files),
        collate_fn=_ready_batch if batch_size is not None else None,
    )
    loader.class_names = class_names
    loader.file_paths = paths
    return loader


def text_dataset_from_directory(
    directory: str | os.PathLike,
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    format: str = "tf",  # noqa: A002 - Keras's argument name
    verbose: bool = True,
) -> TextDirectoryLoader | list[TextDirectoryLoader]:
    """Batches of texts (and labels) from a folder with one sub-folder of `.txt` files per class.

    For a tree `root/neg/*.txt`, `root/pos/*.txt`, the labels are 0 for
    `neg` and 1 for `pos` (sub-folders in alphanumeric order). The file
    order, the seeded shuffle and the training/validation split are
    Keras's; batches are then drawn in a new seeded order every epoch.

    Args:
        directory: The folder of text files.
        labels: `"inferred"` (from the sub-folders), None (texts only), or a
            list of integer labels, one per file in sorted path order.
        label_mode: `"int"` (int32, `(batch,)`), `"categorical"` (one-hot
            float32), `"binary"` (float32 `(batch, 1)`, exactly 2 classes) or
            None (texts only).
        class_names: With inferred labels, the sub-folders to use, in label order.
        batch_size: Texts per batch; None yields single texts.
        max_length: Keep at most this many bytes of each file (as Keras).
        shuffle: Shuffle the files (and reshuffle each epoch); otherwise
            keep the sorted order.
        seed: Seed of the shuffles. Needed with `validation_split`.
        validation_split: Fraction of the files kept for validation (the
            last ones after the seeded shuffle).
        subset: `"training"`, `"validation"` or `"both"` (returns the two
            loaders); only with `validation_split`.
        follow_links: Also read sub-folders that are symbolic links.
        format: Accepted for Keras's signature: `"tf"` or `"grain"` both
            give fitwell's loader.
        verbose: Print how many files and classes were found.

    Returns:
        A `TextDirectoryLoader` (a torch `DataLoader`) yielding
        `(texts, labels)` (texts alone without labels), with attributes
        `class_names` and `file_paths` and tf.data's `map`, `take`,
        `cardinality`, ... methods; a list of two (training, validation) for
        `subset="both"`.

    Raises:
        ValueError: For invalid arguments, `label_mode="binary"` without
            exactly 2 classes, or a directory (or subset) without `.txt` files.

    Example:
        >>> import tempfile, pathlib
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> for name, text in (("neg/a.txt", "dull"), ("pos/b.txt", "great fun"), ("pos/c.txt", "loved it")):
        ...     (root / name).parent.mkdir(exist_ok=True)
        ...     _ = (root / name).write_text(text)
        >>> ds = text_dataset_from_directory(root, batch_size=2, shuffle=False)
        Found 3 files belonging to 2 classes.
        >>> texts, labels = next(iter(ds))
        >>> texts.tolist(), labels
        (['dull', 'great fun'], tensor([0, 1], dtype=torch.int32))
    """
    _check_arguments(labels, label_mode, class_names, batch_size, max_length)
    if format not in ("tf", "grain"):
        raise ValueError(f"`format` must be 'tf' or 'grain'. Received: format={format!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)  # drawn as Keras draws it, so the global NumPy seed repeats it
    paths, label_array, class_names = index_directory(
        directory, labels, formats=ALLOWED_FORMATS, class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose,
    )  # fmt: skip
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f"`label_mode='binary'` needs exactly 2 classes. Received: class_names={class_names} "
            f"({len(class_names)} classes). Use label_mode='int' or 'categorical' for more classes."
        )
    # As Keras: with subset="both" the validation loader is never shuffled.
    parts = [("training", shuffle), ("validation", False)] if subset == "both" else [(subset, shuffle)]
    loaders = []
    for name, shuffled in parts:
        part_paths, part_labels = training_or_validation_split(paths, label_array, validation_split, name)
        if not part_paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(
                f"No {which}text files found in directory {directory}. Allowed format: .txt. "
                "Check the path, the file extensions and `validation_split`."
            )
        encoded = None if label_mode is None else _encode_labels(part_labels, label_mode, len(class_names))
        loaders.append(
            _make_loader(
                part_paths,
                encoded,
                class_names,
                batch_size=batch_size,
                max_length=max_length,
                shuffle=shuffled,
                seed=seed,
            )  # fmt: skip
        )
    return loaders if subset == "both" else loaders[0]
