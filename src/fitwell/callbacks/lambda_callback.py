"""`LambdaCallback`: a callback made of plain functions, one per hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fitwell.callbacks.base import Callback
from fitwell.callbacks.monitor import check_arguments
from fitwell.errors import did_you_mean

__all__ = ["HOOKS", "LambdaCallback"]

#: Every hook a `LambdaCallback` can be given, with the arguments it is called with.
HOOKS = {
    "on_train_begin": "(logs)",
    "on_train_end": "(logs)",
    "on_epoch_begin": "(epoch, logs)",
    "on_epoch_end": "(epoch, logs)",
    "on_train_batch_begin": "(batch, logs)",
    "on_train_batch_end": "(batch, logs)",
    "on_backward_end": "(batch)",
    "on_test_begin": "(logs)",
    "on_test_end": "(logs)",
    "on_test_batch_begin": "(batch, logs)",
    "on_test_batch_end": "(batch, logs)",
    "on_predict_begin": "(logs)",
    "on_predict_end": "(logs)",
    "on_predict_batch_begin": "(batch, logs)",
    "on_predict_batch_end": "(batch, logs)",
}


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given, e.g. `on_epoch_end=fn`.

    Each function replaces the hook of the same name and is called with
    that hook's arguments: `(logs)` for `on_train_begin/end`,
    `(epoch, logs)` for `on_epoch_begin/end`, `(batch, logs)` for batch
    hooks and `(batch)` for `on_backward_end`. Hooks not given do nothing
    and cost nothing.

    Args:
        on_epoch_begin: Called at the start of every epoch.
        on_epoch_end: Called at the end of every epoch.
        on_train_begin: Called once when training starts.
        on_train_end: Called once when training ends.
        on_train_batch_begin: Called before each training batch.
        on_train_batch_end: Called after each training batch.
        **hooks: Any other hook by name, e.g. `on_test_end=fn`.

    Example:
        >>> losses = []
        >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
        >>> record.on_epoch_end(0, {"loss": 0.5})
        >>> losses
        [0.5]
    """

    def __init__(
        self,
        on_epoch_begin: Callable[..., Any] | None = None,
        on_epoch_end: Callable[..., Any] | None = None,
        on_train_begin: Callable[..., Any] | None = None,
        on_train_end: Callable[..., Any] | None = None,
        on_train_batch_begin: Callable[..., Any] | None = None,
        on_train_batch_end: Callable[..., Any] | None = None,
        **hooks: Callable[..., Any] | None,
    ) -> None:
        super().__init__()
        given = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **hooks,
        }
        problems = []
        for name, function in given.items():
            if name not in HOOKS:
                problems.append(
                    f"Unknown hook {name!r}. Received: {name}={function!r}.{did_you_mean(name, HOOKS)} "
                    f"Known hooks: {', '.join(HOOKS)}."
                )
            elif function is not None and not callable(function):
                problems.append(f"`{name}` must be a function {HOOKS[name]}. Received: {name}={function!r}.")
        check_arguments("LambdaCallback", problems)
        # Set on the instance, as Keras does; CallbackList sees instance hooks,
        # so the batch hooks given are called and the others cost nothing.
        for name, function in given.items():
            if function is not None:
                setattr(self, name, function)
