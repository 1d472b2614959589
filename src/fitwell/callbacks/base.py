"""`Callback` (Keras's hooks, all no-ops) and `CallbackList` (dispatch).

`CallbackList` finds out once which hooks any callback overrides; the loop
asks it (`calls_train_batch_hooks`, …) and skips batch-level hooks nobody
uses, so an unused hook costs nothing per step.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from fitwell.errors import did_you_mean

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["HOOKS", "Callback", "CallbackList", "Logs", "check_callbacks"]

Logs = Mapping[str, Any]

_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_backward_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


class Callback:
    """Base class of callbacks: every hook is a no-op to override.

    Hooks and their `logs` (a mapping from log key to float):
    `on_train_begin/end`, `on_epoch_begin/end(epoch, logs)` (0-based epoch;
    `on_epoch_end` logs hold `loss`, metrics, `val_*` and `learning_rate`),
    `on_train_batch_begin/end(batch, logs)` (running epoch averages),
    `on_backward_end(batch)` (after gradients, before the update: clip or
    inspect gradients there), `on_test_*` (also run by validation inside
    `fit`, as in Keras) and `on_predict_*`. Set `self.model.stop_training =
    True` to end training after the current batch or epoch.

    Batch logs are computed only when a key is read, so a batch hook that
    does not read `logs` adds no device sync.

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch}: loss={logs['loss']:.3f}")
    """

    #: True for callbacks that only print or write files: under torchrun they
    #: run on rank 0 alone, while the others (which decide) run everywhere.
    main_process_only: bool = False

    def __init__(self) -> None:
        self.model: Model | None = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Model) -> None:
        """Attach the model being trained."""
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        """Receive the run's parameters (`epochs`, `steps`, `verbose`)."""
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Called once at the start of `fit`."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Called once at the end of `fit`, with the last epoch's logs."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the end of every epoch, after validation."""

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each training step; by default calls `on_batch_begin` (Keras's alias)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each training step with running epoch averages; by default calls `on_batch_end`."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Keras's older name of `on_train_batch_begin` (training batches only)."""

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Keras's older name of `on_train_batch_end` (training batches only)."""

    def on_backward_end(self, batch: int) -> None:
        """Called after the backward pass, before the optimizer update."""

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """Called at the start of `evaluate` and of each validation run."""

    def on_test_end(self, logs: Logs | None = None) -> None:
        """Called at the end of `evaluate` and of each validation run."""

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each evaluation step."""

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each evaluation step."""

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """Called at the start of `predict`."""

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """Called at the end of `predict`."""

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each prediction step."""

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each prediction step with `{"outputs": ...}`."""

    def state_dict(self) -> dict[str, Any]:
        """State a resumed run needs (wait counters, best values); JSON-able."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        del state  # stateless by default


#: The aliases a default hook forwards to (Keras calls them for training batches).
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}
#: Every hook the loops call, with the aliases.
HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))


def _overrides(callback: Callback, hook: str) -> bool:
    # A hook set on the instance (LambdaCallback, `cb.on_train_batch_end = fn`) counts too.
    if hook in vars(callback):
        return True
    if getattr(type(callback), hook, None) is not getattr(Callback, hook):
        return True
    alias = _ALIASES.get(hook)
    return alias is not None and _overrides(callback, alias)


def _warn_unknown_hooks(callback: Callback) -> None:
    names = {name for cls in type(callback).__mro__ if cls is not object for name in vars(cls)}
    names |= set(vars(callback))
    for name in sorted(names):
        if name.startswith("on_") and name not in HOOKS and callable(getattr(callback, name, None)):
            warnings.warn(
                f"{type(callback).__name__} defines {name}(), which fit(), evaluate() and predict() "
                f"never call, so it will not run.{did_you_mean(name, HOOKS)} The hooks are: "
                f"{', '.join(HOOKS)}.",
                stacklevel=4,
            )


def check_callbacks(callbacks: Any) -> list[Callback]:
    """The `callbacks` argument of `fit`/`evaluate`/`predict` as a list, checked before anything runs.

    Raises:
        TypeError: For a single callback not wrapped in a list, or an
            entry that is not a `Callback`.

    Example:
        >>> check_callbacks(None)
        []
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        name = type(callbacks).__name__
        raise TypeError(
            f"`callbacks` must be a list of callbacks. Received: a single {name}. Wrap it in a list: "
            f"callbacks=[{name}(...)]."
        )
    if isinstance(callbacks, str | bytes | dict) or not isinstance(callbacks, Iterable):
        raise TypeError(
            f"`callbacks` must be a list of callbacks. Received: callbacks={callbacks!r:.80} of type "
            f"{type(callbacks).__name__}. For example: callbacks=[EarlyStopping(patience=3)]."
        )
    given = list(callbacks)
    for callback in given:
        if not isinstance(callback, Callback):
            hint = ""
            if isinstance(callback, type) and issubclass(callback, Callback):
                hint = f" Create an instance: {callback.__name__}(...)."
            raise TypeError(
                "Each entry of `callbacks` must be a fitwell.callbacks.Callback. "
                f"Received: {callback!r:.80} of type {type(callback).__name__}.{hint}"
            )
    return given


class CallbackList:
    """Calls a hook on every callback, in order; knows which hooks are used.

    Args:
        callbacks: The callbacks, in the order they are called.
        model: The model being trained.
        params: The run's parameters, handed to each callback.
    """

    def __init__(
        self,
        callbacks: Iterable[Callback],
        *,
        model: Model,
        params: dict[str, Any],
    ) -> None:
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
            _warn_unknown_hooks(callback)
        self._users = {
            hook: [cb for cb in self.callbacks if _overrides(cb, hook)]
            for hooks in _BATCH_HOOKS.values()
            for hook in hooks
        }

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def uses(self, hook: str) -> bool:
        """Whether any callback overrides `hook` (batch hooks only)."""
        return bool(self._users[hook])

    def call(self, hook: str, *args: Any) -> None:
        """Call `hook(*args)` on every callback that overrides it."""
        users = self._users.get(hook)
        for callback in users if users is not None else self.callbacks:
            getattr(callback, hook)(*args)
