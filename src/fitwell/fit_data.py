"""Turn `fit`'s data arguments into a training source and a validation source.

The validation split, class weights, validation batching and sharding across
processes are decided here, once, before any weight changes.
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell import data as data_module
from fitwell import guards, structures
from fitwell.class_weights import class_weight_table
from fitwell.data import ArrayData, IterableData
from fitwell.objectives import Objectives

__all__ = ["check_class_weight", "fit_sources", "validation_source"]


def fit_sources(
    state: Objectives,
    x: Any,
    y: Any,
    sample_weight: Any,
    *,
    device: torch.device,
    shard: tuple[int, int] | None,
    batch_size: int | None,
    shuffle: bool,
    epochs: int,
    initial_epoch: int,
    steps_per_epoch: int | None,
    class_weight: dict | None,
    validation_split: float,
    validation_data: Any,
    validation_batch_size: int | None,
    validation_steps: int | None,
) -> tuple[ArrayData | IterableData, ArrayData | IterableData | None]:
    """The training source and the validation source (or None) for one `fit` call."""
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = _split_off_validation(x, y, sample_weight, validation_split)
        # Kept in this function: the guard warns with a fixed `stacklevel` counted from here.
        guards.check_validation_split(y, validation_data[1], enabled=state.guards_enabled)
    train = data_module.as_data(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        shuffle=shuffle,
        device=device,
        steps_per_epoch=steps_per_epoch,
        shard=shard,
    )
    _check_one_shot_epochs(train, steps_per_epoch, epochs, initial_epoch)
    if class_weight is not None:
        train.set_class_weights(class_weight_table(class_weight, device=device))
    validation = validation_source(
        validation_data,
        device=device,
        shard=shard,
        batch_size=validation_batch_size or batch_size,
        steps=validation_steps,
    )
    return train, validation


def _split_off_validation(
    x: Any, y: Any, sample_weight: Any, validation_split: float
) -> tuple[tuple[Any, Any, Any], tuple[Any, Any, Any]]:
    """`(x, y, sample_weight)` for training and the held-out validation tail, as arrays."""
    if not structures.is_structure_of_arrays(x):
        raise ValueError(
            "`validation_split` only works with array data (numpy, torch, pandas). "
            f"Received: x of type {type(x).__name__}. Pass `validation_data=` instead."
        )
    return data_module.split_validation(
        structures.to_structure(x, argument="x"),
        None if y is None else structures.to_structure(y, argument="y"),
        None if sample_weight is None else structures.to_tensor(sample_weight, argument="sample_weight"),
        validation_split,
    )


def _check_one_shot_epochs(
    train: ArrayData | IterableData, steps_per_epoch: int | None, epochs: int, initial_epoch: int
) -> None:
    """Refuse a generator (readable once) for several epochs without `steps_per_epoch`."""
    if (
        isinstance(train, IterableData)
        and train.one_shot
        and steps_per_epoch is None
        and epochs - initial_epoch > 1
    ):
        raise ValueError(
            "A generator can be read only once, so it cannot feed several epochs. "
            f"Received: epochs={epochs} without `steps_per_epoch`. Pass steps_per_epoch= "
            "(and make the generator endless), or pass a re-iterable such as a DataLoader."
        )


def validation_source(
    validation_data: Any,
    *,
    device: torch.device,
    shard: tuple[int, int] | None,
    batch_size: int | None,
    steps: int | None,
) -> ArrayData | IterableData | None:
    """`(x_val, y_val[, sample_weight])` arrays or any dataset, never shuffled."""
    if validation_data is None:
        return None
    options = {
        "shuffle": False,
        "device": device,
        "take": steps,
        "shard": shard,
        "argument": "validation_data",
    }
    if isinstance(validation_data, list | tuple):
        if 1 < len(validation_data) <= 3 and structures.is_structure_of_arrays(validation_data[0]):
            val_x, val_y, val_weight = structures.unpack_batch(tuple(validation_data))
            return data_module.as_data(val_x, val_y, val_weight, batch_size=batch_size, **options)
        raise ValueError(
            "`validation_data` must be `(x_val, y_val)`, `(x_val, y_val, sample_weight)`, "
            f"or a dataset. Received: a {type(validation_data).__name__} of {len(validation_data)} items."
        )
    return data_module.as_data(validation_data, batch_size=None, **options)


def check_class_weight(class_weight: dict | None, output_shapes: Any) -> None:
    """Refuse `class_weight` keys that are not classes of the model (its output width says how many).

    One output unit (a sigmoid) has the classes 0 and 1; `k` units have
    0 … k-1. Called once the first batch has run, before training.

    Raises:
        ValueError: Listing the keys the model has no class for.
    """
    if not class_weight or not isinstance(output_shapes, tuple):
        return
    if not output_shapes or not all(isinstance(size, int) for size in output_shapes):
        return  # several outputs: `class_weight` is refused for them elsewhere
    width = output_shapes[-1] if len(output_shapes) > 1 else 1
    classes = 2 if width == 1 else width
    unknown = sorted(int(key) for key in class_weight if int(key) >= classes)
    if unknown:
        raise ValueError(
            f"`class_weight` names classes the model does not have: {unknown}. Received: "
            f"class_weight={class_weight!r}, for a model whose output has {width} unit(s), i.e. classes "
            f"0 to {classes - 1}. Use the class indices of the labels (0 to {classes - 1})."
        )
