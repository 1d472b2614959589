"""List the files of a class-per-folder directory, in Keras's order and with Keras's split.

`keras.utils.image_dataset_from_directory` (and its text and audio
siblings) first index the directory, then shuffle the list of paths with a
seeded NumPy `RandomState` and cut the validation files off its end. The
functions here do exactly that, so a seed picks the same training and
validation files as Keras does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

__all__ = [
    "check_validation_split",
    "index_directory",
    "training_or_validation_split",
]


def check_validation_split(
    validation_split: float | None, subset: str | None, shuffle: bool, seed: int | None
) -> None:
    """Check `validation_split`, `subset` and `seed` together, as Keras does.

    Raises:
        ValueError: For a split outside (0, 1), a split without a subset (or
            the reverse), an unknown subset, or a shuffled split without a seed.
    """
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be between 0 and 1 (exclusive). "
            f"Received: validation_split={validation_split}"
        )
    if bool(validation_split) != bool(subset):
        raise ValueError(
            "`validation_split` and `subset` go together: set both or neither. "
            f"Received: validation_split={validation_split}, subset={subset!r}"
        )
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f"`subset` must be one of 'training', 'validation', 'both' or None. Received: subset={subset!r}"
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "A shuffled `validation_split` needs a `seed`, so that the training and validation "
            "subsets (made by two separate calls) do not overlap. Received: seed=None. "
            "Pass e.g. `seed=1337` to both calls, or use `subset='both'`."
        )


def _class_folders(directory: str, class_names: Sequence[str] | None) -> list[str]:
    folders = [
        name
        for name in sorted(os.listdir(directory))
        if os.path.isdir(os.path.join(directory, name)) and not name.startswith(".")
    ]
    if class_names is None:
        return folders
    if not set(class_names).issubset(folders):
        raise ValueError(
            "`class_names` must name sub-folders of the directory. "
            f"Received: class_names={list(class_names)}; the sub-folders are {folders}."
        )
    return list(class_names)  # the order the user gave


def _files_under(folder: str, follow_links: bool, formats: tuple[str, ...]) -> list[str]:
    """Paths relative to `folder`'s parent, walking sub-folders in sorted order (as Keras)."""
    name = os.path.basename(folder)
    found = []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0]):
        for file_name in sorted(files):
            if file_name.lower().endswith(formats):
                found.append(os.path.join(name, os.path.relpath(os.path.join(root, file_name), folder)))
    return found


def index_directory(
    directory: str | os.PathLike,
    labels: str | Sequence[int] | None,
    *,
    formats: tuple[str, ...],
    class_names: Sequence[str] | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
    verbose: bool = True,
) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """All files of `directory` with an allowed extension, their labels and the class names.

    With `labels="inferred"` every non-hidden sub-folder (sorted
    alphanumerically, or in the order of `class_names`) is a class, and
    its files (searched recursively) get its index. With a list of labels
    or None the whole tree is indexed. The paths are then shuffled with
    `numpy.random.RandomState(seed)`, the labels with a second generator of
    the same seed, which gives both the same permutation.

    Args:
        directory: The folder to index.
        labels: `"inferred"`, None, or one integer label per file in the
            sorted order of the file paths.
        formats: Lower-case file extensions to keep, e.g. `(".png", ".jpg")`.
        class_names: The classes to use (and their order) with inferred labels.
        shuffle: Shuffle the files; otherwise keep the sorted order.
        seed: Seed of the shuffle; None draws one from NumPy's global generator.
        follow_links: Also walk into folders that are symbolic links.
        verbose: Print "Found N files belonging to C classes.".

    Returns:
        `(file_paths, labels, class_names)`: paths as strings, an int32 array
        of labels (None without labels) and the class names (None without labels).

    Raises:
        ValueError: When `class_names` do not name sub-folders, or the number
            of explicit labels differs from the number of files.

    Example:
        >>> import tempfile, pathlib
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("cats/a.png", "dogs/b.png", "dogs/c.png"):
        ...     (root / name).parent.mkdir(exist_ok=True); (root / name).touch()
        >>> paths, labels, names = index_directory(root, "inferred", formats=(".png",), shuffle=False)
        Found 3 files belonging to 2 classes.
        >>> [os.path.relpath(p, root) for p in paths], labels.tolist(), names
        (['cats/a.png', 'dogs/b.png', 'dogs/c.png'], [0, 1, 1], ['cats', 'dogs'])
    """
    if labels == "inferred":
        folders = _class_folders(os.fspath(directory), class_names)
    else:
        if class_names is not None:
            raise ValueError(
                "`class_names` can only be given with `labels='inferred'`. "
                f"Received: labels={labels!r}, class_names={class_names!r}"
            )
        folders = [""]  # index the whole tree from the top
    relative_paths: list[str] = []
    inferred: list[int] = []
    for index, folder in enumerate(folders):
        found = _files_under(os.path.join(directory, folder), follow_links, formats)
        relative_paths += found
        inferred += [index] * len(found)

    label_array, names = _labels_and_names(labels, inferred, folders, len(relative_paths), directory)
    if verbose:
        if names is None:
            print(f"Found {len(relative_paths)} files.")
        else:
            print(f"Found {len(relative_paths)} files belonging to {len(names)} classes.")

    file_paths = [os.path.join(directory, path) for path in relative_paths]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, names


def _labels_and_names(
    labels: str | Sequence[int] | None,
    inferred: list[int],
    folders: list[str],
    num_files: int,
    directory: str | os.PathLike,
) -> tuple[np.ndarray | None, list[str] | None]:
    """The int32 labels of the files and the class names: from the folders, the given list, or none."""
    if labels == "inferred":
        return np.asarray(inferred, dtype="int32"), list(folders)
    if labels is None:
        return None, None
    if len(labels) != num_files:
        raise ValueError(
            "`labels` must have one label per file. Received: "
            f"{len(labels)} labels, but found {num_files} files in {directory}."
        )
    label_array = np.asarray(labels, dtype="int32")
    return label_array, [str(label) for label in sorted(set(label_array.tolist()))]


def training_or_validation_split(
    file_paths: list[str], labels: np.ndarray | None, validation_split: float | None, subset: str | None
) -> tuple[list[str], np.ndarray | None]:
    """The training files (all but the last `int(validation_split * N)`) or the validation files.

    Prints "Using K files for training." (or validation), as Keras does.

    Example:
        >>> training_or_validation_split(["a", "b", "c", "d"], None, 0.25, "validation")
        Using 1 files for validation.
        (['d'], None)
    """
    if not validation_split:
        return file_paths, labels
    num_validation = int(validation_split * len(file_paths))
    # Slicing with `-num_validation` keeps Keras's behaviour when that count is 0:
    # no training files (an error later) and all files for validation.
    if subset == "training":
        print(f"Using {len(file_paths) - num_validation} files for training.")
        part = slice(None, -num_validation)
    elif subset == "validation":
        print(f"Using {num_validation} files for validation.")
        part = slice(-num_validation, None)
    else:
        raise ValueError(f"`subset` must be 'training' or 'validation'. Received: subset={subset!r}")
    return file_paths[part], None if labels is None else labels[part]
