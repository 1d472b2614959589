"""`Layer`: Keras's layer base class, as a `torch.nn.Module`.

A layer holds Keras's arguments and weight layout and calls torch for the
math. Subclasses implement `call` (and `build(input_shape)` when their
weights depend on the input's size); the first call builds the layer, as
in Keras. Weights are `torch.nn.Parameter`s made by `add_weight`, in
torch's layout where torch's kernels want one (a `Dense` kernel is stored
`(units, in_features)`); `get_weights`/`set_weights` speak Keras's layout,
so weights move between Keras and fitwell unchanged. Padding masks travel
with tensors as in Keras (see `tensor_masks`): a call receives its input's
mask when its `call` takes `mask`, and passes `compute_mask`'s result on.

`Layer` delegates the details: how a call takes and passes masks to
`mask_passing`, creating and setting weights to `layer_weights`, the
shapes it is declared and built with to `input_shapes`.
"""

from __future__ import annotations

import inspect
import itertools
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from fitwell import regularizers
from fitwell.devices import current_device
from fitwell.layers import input_shapes, layer_weights, mask_passing, symbolic, tensor_masks
from fitwell.layers.input_shapes import declared_shape, shape_of
from fitwell.layers.layer_weights import store_transposed, weight_dtype
from fitwell.layers.variable import Variable
from fitwell.layers.weight_order import keras_array, named_weights
from fitwell.run_mode import run_mode
from fitwell.strings import StringArray, is_text

__all__ = [
    "Layer",
    "call_takes_training",
    "collecting_losses",
    "reset_names",
    "shape_of",
    "store_transposed",
    "unique_name",
]

_counters: dict[str, itertools.count] = defaultdict(itertools.count)
_collectors = threading.local()


def reset_names() -> None:
    """Count automatic names from zero again (`fitwell.backend.clear_session`)."""
    _counters.clear()


def unique_name(base: str) -> str:
    """Keras's automatic names: `"dense"`, then `"dense_1"`, `"dense_2"`, … in this process.

    Example:
        >>> unique_name("doctest_layer"), unique_name("doctest_layer")
        ('doctest_layer', 'doctest_layer_1')
    """
    index = next(_counters[base])
    return base if index == 0 else f"{base}_{index}"


class collecting_losses:  # noqa: N801 - used as a context manager, like torch.no_grad
    """Collect the losses layers add with `add_loss` while a forward pass runs.

    The training step wraps the forward pass in it and adds what was
    collected to the compiled loss, as Keras adds `model.losses`.

    Example:
        >>> with collecting_losses() as added:
        ...     pass
        >>> added
        []
    """

    def __enter__(self) -> list[torch.Tensor]:
        stack = getattr(_collectors, "stack", None)
        if stack is None:
            stack = _collectors.stack = []
        self.losses: list[torch.Tensor] = []
        stack.append(self.losses)
        return self.losses

    def __exit__(self, *exc: object) -> None:
        _collectors.stack.pop()


_TAKES_TRAINING: dict[type, bool] = {}


def call_takes_training(cls: type) -> bool:
    """Whether `cls.call` has a `training` argument (read once per class; a plain dict, so
    `torch.compile` traces the lookup)."""
    takes = _TAKES_TRAINING.get(cls)
    if takes is None:
        takes = _TAKES_TRAINING[cls] = "training" in inspect.signature(cls.call).parameters
    return takes


class Layer(nn.Module):
    """Base class of layers, with Keras's `build`/`call`/`add_weight` protocol.

    Subclasses implement `call(inputs, ...)` and, when their weights depend
    on the input's size, `build(input_shape)`, which the first call runs
    (with the input's shape, batch axis first). `call` may take `training`
    (True while fitting) and call `self.add_loss(value)` to add a term to
    the training loss.

    Args:
        name: The layer's name (unique names are made from the class name).
        trainable: Whether its weights train (see the `trainable` property).
        dtype: The dtype of its weights (`"float32"` by default).
        input_shape: For the first layer of a `Sequential`: the shape of one
            sample, as Keras accepts it (also `input_dim=n` for `(n,)`).

    Example:
        >>> class Linear(Layer):
        ...     def __init__(self, units, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        ...         self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        ...     def call(self, inputs):
        ...         return inputs @ self.w + self.b
        >>> layer = Linear(4)
        >>> layer(torch.ones(2, 3)).shape, [w.shape for w in layer.get_weights()]
        (torch.Size([2, 4]), [(3, 4), (4,)])
    """

    #: Whether integer inputs are cast to float32 before `call` (Keras casts
    #: inputs of float layers); layers that take ids (`Embedding`) set False.
    casts_integer_inputs = True
    #: Models record every add_loss term of a call (so `model.losses` keeps a shared layer's each time).
    records_call_losses = False

    def __init__(
        self,
        *,
        name: str | None = None,
        trainable: bool = True,
        dtype: Any = None,
        input_shape: Sequence[int | None] | None = None,
        input_dim: int | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        activity_regularizer: Any = None,
        **unknown: Any,
    ) -> None:
        super().__init__()
        # Keras runs a layer in inference mode unless told otherwise (fit, train_on_batch and
        # training=True switch it): dropout off, moving statistics used. torch's default is training.
        self.training = False
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword arguments: {sorted(unknown)}. "
                f"Received: {', '.join(f'{k}={v!r}' for k, v in unknown.items())}. Check the spelling "
                "against the layer's documented arguments."
            )
        if name is not None and (not isinstance(name, str) or not name or "." in name or "/" in name):
            raise ValueError(f"`name` must be a non-empty string without '.' or '/'. Received: name={name!r}")
        self.name = name or unique_name(_keras_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = weight_dtype(dtype)
        self.built = False
        self.declared_input_shape = declared_shape(input_shape, input_dim, batch_input_shape)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._regularizers: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {}
        self._created_frozen: set[str] = set()  # weights made with trainable=False: never trained
        self._losses: list[torch.Tensor] = []
        self._call_losses: list[torch.Tensor] | None = None  # a model's add_loss terms of its last call
        self._adds_losses: bool | None = None  # whether a layer inside may add losses (found once)
        self._nodes: list[symbolic.Node] = []

    # -- Keras's protocol -----------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of `input_shape` (batch axis first). Override as needed.

        The first call runs it and marks the layer built. When you call it
        yourself (`layer.build((None, 4))`), fitwell's layers mark
        themselves built; in your own `build`, end with
        `super().build(input_shape)` (or `self.built = True`) to do the same.
        """
        del input_shape  # a layer without input-dependent weights has nothing to build
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation. Subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run `call`, passing `training` (the module's mode) when `call` takes it."""
        if "training" not in kwargs and call_takes_training(type(self)):
            kwargs["training"] = self.training
        return self.call(*args, **kwargs)

    def __call__(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Call the layer: build it at the first call; `training=` runs that mode for this call only.

        Called on symbolic tensors (`Input()` and what layers return for
        it), it records the call for a functional model instead.
        """
        first = args[0] if args else None
        if not isinstance(first, torch.Tensor):
            if symbolic.is_symbolic(args) or symbolic.is_symbolic(kwargs):
                return self._call_symbolically(args, kwargs, training)
            if isinstance(first, np.ndarray):  # Keras accepts numpy: a tensor on the layer's device
                args = (StringArray(first) if is_text(first) else self._as_tensor(first), *args[1:])
        if args and self.casts_integer_inputs and isinstance(args[0], torch.Tensor):
            dtype = args[0].dtype
            doubles = (
                torch.float64 in (dtype, self.dtype) and dtype != self.dtype
            )  # half types pass (autocast)
            if not (dtype.is_floating_point or dtype.is_complex) or doubles:
                args = (args[0].to(self.dtype), *args[1:])  # as Keras casts inputs of float layers
        if not self.built:
            self._build_from_call(args, kwargs)
        if kwargs.get("mask") is not None:
            mask_passing.check_takes_mask(self)
        computes_mask = _computes_mask(type(self))
        masked = computes_mask or tensor_masks.masks_in_use()
        previous_mask = None
        if masked:
            kwargs, previous_mask = mask_passing.receive_masks(self, args, kwargs)
        if self._losses:
            self._losses = []  # losses of the last call only, as Keras keeps them
        if self.records_call_losses and self._may_add_losses():
            # A model keeps every add_loss term of its call, a shared layer's from each of its calls.
            with collecting_losses() as added:
                outputs = self._call_in_mode(args, kwargs, training)
            self._call_losses = added
        else:
            outputs = self._call_in_mode(args, kwargs, training)
        if self.activity_regularizer is not None:
            for output in (
                [outputs] if isinstance(outputs, torch.Tensor) else symbolic.flatten_tensors(outputs)
            ):
                value = self.activity_regularizer(output)
                # Keras divides by the batch size, so the strength does not depend on it.
                self.add_loss(value / output.shape[0] if output.dim() and output.shape[0] else value)
        if masked and (previous_mask is not None or computes_mask):
            masked_input = args[0] if args else next(iter(kwargs.values()), None)
            mask_passing.pass_masks_on(self, masked_input, outputs, previous_mask)
        return outputs

    # -- masks (Keras's _keras_mask) ------------------------------------------------
    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes a mask on (its `compute_mask` result is set on its outputs).

        True for layers that define `compute_mask` and for Keras's layers
        that keep the steps (`Dense`, `Dropout`, activations,
        normalizations…); set it in your layer's `__init__`
        (`self.supports_masking = True`) as in Keras. A mask that reaches a
        layer without it is dropped, with a warning.
        """
        explicit = self.__dict__.get("_supports_masking")
        return _class_supports_masking(type(self)) if explicit is None else explicit

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self.__dict__["_supports_masking"] = bool(value)

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        """The mask of the outputs, for inputs carrying `previous_mask` (Keras's `compute_mask`).

        The default keeps the incoming mask. Override it in layers that
        make a mask (`Embedding(mask_zero=True)`) or drop the steps axis
        (return None).
        """
        del inputs
        return previous_mask

    def _call_in_mode(self, args: tuple, kwargs: dict, training: bool | None) -> Any:
        # In training mode (as in fit) everything inside already trains; inference mode is set
        # all through, also for layers that default to training (augmentations).
        if training is None or (training and self.training):
            return super().__call__(*args, **kwargs)
        with run_mode(self, bool(training)):
            return super().__call__(*args, **kwargs)

    def _may_add_losses(self) -> bool:
        """Whether a layer inside may call add_loss: one with an activity regularizer, or one of yours."""
        if self._adds_losses is None:
            self._adds_losses = any(
                isinstance(m, Layer)
                and (m.activity_regularizer is not None or not type(m).__module__.startswith("fitwell."))
                for m in self.modules()
            )
        return self._adds_losses

    def _as_tensor(self, array: np.ndarray) -> torch.Tensor:
        tensor = torch.as_tensor(array)
        if tensor.is_floating_point():
            tensor = tensor.to(torch.get_default_dtype())
        parameter = next(self.parameters(), None)
        return tensor if parameter is None else tensor.to(parameter.device)

    def _call_symbolically(self, args: tuple, kwargs: dict, training: bool | None) -> Any:
        if not self.built:
            self._build_from_call(args, kwargs)
        if training is not None:
            kwargs = {**kwargs, "training": training}
        outputs = symbolic.call_symbolically(self, args, kwargs)
        node = symbolic.flatten(outputs)[0].node
        if node is not None:
            self._nodes.append(node)
        return outputs

    def _build_from_call(self, args: tuple, kwargs: dict) -> None:
        """Build for the first call: with the first input's shape, or, when `build` takes several
        `<argument>_shape`s (Keras's `build(query_shape, value_shape)`), with each argument's shape."""
        shapes = input_shapes.build_shapes(type(self), args, kwargs)
        first = args[0] if args else next(iter(kwargs.values()))
        if shapes is None:
            self._build_for(first)
            return
        tensors = symbolic.flatten_tensors(first)
        with torch.device(tensors[0].device if tensors else current_device()):
            self.build(**shapes)
        self.built = True

    def _build_for(self, inputs: Any) -> None:
        # Weights are created where the inputs are (a model moved to a GPU before its
        # lazy layers saw data builds them there), or where the run in progress is.
        tensors = symbolic.flatten_tensors(inputs)
        device = tensors[0].device if tensors else current_device()
        with torch.device(device):
            self.build(shape_of(inputs))
        self.built = True

    def __setattr__(self, name: str, value: Any) -> None:
        registered = self.__dict__.get("_parameters", {}).values()
        if isinstance(value, nn.Parameter) and any(value is p for p in registered):
            # `self.w = self.add_weight(name="kernel")`, Keras's idiom: keep one entry in the state_dict.
            object.__setattr__(self, name, value)
            return
        # Keras tracks layers kept in lists and dicts; torch only sees modules set directly.
        if isinstance(value, list | tuple) and value and all(isinstance(v, nn.Module) for v in value):
            value = nn.ModuleList(value)
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(k, str) and isinstance(v, nn.Module) for k, v in value.items())
        ):
            value = nn.ModuleDict(value)
        super().__setattr__(name, value)

    @property
    def awaits_build(self) -> bool:
        """Whether this layer's weights will only exist after its first call (its `build` has not run)."""
        return not self.built and type(self).build is not Layer.build

    def add_weight(
        self,
        shape: Sequence[int] | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        name: str | None = None,
        **unknown: Any,
    ) -> Variable:
        """Create a weight, Keras's way, and register it as a parameter of this module.

        Args:
            shape: The weight's shape (Keras's layout: a kernel is `(in, out)`).
            initializer: A name (`"glorot_uniform"`, the default for floats;
                `"zeros"` otherwise), an initializer or a function `(shape, dtype)`.
            dtype: Defaults to the layer's dtype.
            trainable: False for state the optimizer must not change (it
                stays frozen when the layer is unfrozen, as in Keras).
            regularizer: A regularizer whose value joins the training loss.
            constraint: Not supported yet: a clear error when given.
            name: The attribute name (`variable`, `variable_1`, … by default).

        Returns:
            The new `Variable`, an `nn.Parameter` with Keras's `assign`,
            `assign_add`, `numpy()`… (`requires_grad` unless frozen).
        """
        parameter = layer_weights.create_weight(
            self, shape, initializer, dtype=dtype, trainable=trainable, constraint=constraint, unknown=unknown
        )
        name = self._free_name(name or "variable")
        self.register_parameter(name, parameter)
        if not trainable:
            self._created_frozen.add(name)
        if regularizer is not None:
            self._regularizers[name] = regularizers.get(regularizer)
        return parameter

    def add_variable(self, *args: Any, **kwargs: Any) -> Variable:
        """Keras 3's other name for `add_weight`."""
        return self.add_weight(*args, **kwargs)

    def _free_name(self, name: str) -> str:
        candidate, suffix = name, 1
        while hasattr(self, candidate) and not (
            candidate in self._parameters and self._parameters[candidate] is None
        ):
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        return candidate

    def add_loss(self, loss: torch.Tensor | float) -> None:
        """Add a term to the training loss (during `call`); it is summed into `loss`, as Keras."""
        value = torch.as_tensor(loss)
        self._losses.append(value)
        for collected in getattr(_collectors, "stack", ()):  # every model call in progress sees it
            collected.append(value)

    @property
    def losses(self) -> list[torch.Tensor]:
        """The `add_loss` terms of the last call and the weight regularization, here and in inner layers."""
        recorded = self._call_losses if self.records_call_losses and self._may_add_losses() else None
        found: list[torch.Tensor] = list(recorded or [])
        for layer in self._layers_within():
            if recorded is None:
                found.extend(layer._losses)
            found.extend(layer.regularization_terms())
        return found

    @property
    def state_variables(self) -> list[torch.Tensor]:
        """This layer's own weights made with `trainable=False` (counters, sums): state a call may change."""
        return [getattr(self, name) for name in sorted(self._created_frozen)]

    @property
    def has_regularizers(self) -> bool:
        """Whether this layer (not the layers inside it) has weight regularizers."""
        return bool(self._regularizers)

    def regularization_terms(self) -> list[torch.Tensor]:
        """The values of this layer's weight regularizers (not of the layers inside it), on Keras's layout."""
        return [
            regularizer(self.keras_view(name, getattr(self, name)))
            for name, regularizer in self._regularizers.items()
        ]

    def _layers_within(self) -> Iterator[Layer]:
        return (module for module in self.modules() if isinstance(module, Layer))

    # -- trainable ---------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        """Whether the weights train. Setting it applies to every layer inside, as in Keras.

        A frozen layer's weights get no gradient; a frozen `BatchNormalization`
        also runs in inference mode. Weights created with `trainable=False`
        (moving statistics) never train. Call `compile()` after unfreezing.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        for module in self.modules():
            if isinstance(module, Layer):
                module._trainable = value
                frozen = module._created_frozen
            else:
                frozen = set()
            for name, parameter in module.named_parameters(recurse=False):
                if name not in frozen and parameter.is_floating_point():
                    parameter.requires_grad_(value)

    # -- weights -----------------------------------------------------------------
    @property
    def weights(self) -> list[torch.Tensor]:
        """Every weight, in Keras's order: this layer's own (trainable first), then each inner layer's."""
        return [tensor for _, _, tensor in named_weights(self)]

    @property
    def trainable_weights(self) -> list[torch.Tensor]:
        """The weights the optimizer updates."""
        return [w for w in self.weights if isinstance(w, nn.Parameter) and w.requires_grad]

    @property
    def non_trainable_weights(self) -> list[torch.Tensor]:
        """Frozen weights and state such as moving statistics."""
        return [w for w in self.weights if not (isinstance(w, nn.Parameter) and w.requires_grad)]

    @property
    def variables(self) -> list[torch.Tensor]:
        """Keras 3's name for every weight of the layer (the same list as `weights`)."""
        return self.weights

    @property
    def trainable_variables(self) -> list[torch.Tensor]:
        """Keras 3's name for `trainable_weights`."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[torch.Tensor]:
        """Keras 3's name for `non_trainable_weights`."""
        return self.non_trainable_weights

    def count_params(self) -> int:
        """The number of scalars in all weights (trainable or not)."""
        return sum(
            w.numel() for w in self.weights if not isinstance(w, nn.parameter.UninitializedTensorMixin)
        )

    def get_weights(self) -> list[np.ndarray]:
        """The weights as numpy arrays, in Keras's order and layout."""
        return [keras_array(module, name, tensor) for module, name, tensor in named_weights(self)]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set the weights from arrays in Keras's order and layout (what Keras's `get_weights` returns).

        Raises:
            ValueError: For a different number of arrays or a shape that does
                not fit, naming the layer and the weight.
        """
        layer_weights.assign_weights(self, weights)

    def keras_view(self, name: str, tensor: torch.Tensor) -> torch.Tensor:
        """Weight `name` seen in Keras's layout (a view). Layers that store torch's layout override it."""
        del name
        return tensor

    def torch_layout(self, name: str, array: np.ndarray) -> np.ndarray:
        """An array in Keras's layout, in this layer's storage layout (the inverse of `keras_view`)."""
        del name
        return array

    # -- config and the functional API ---------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (Keras's `get_config`); subclasses add theirs."""
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": str(self.dtype).removeprefix("torch."),
        }
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """Create the layer from `get_config()`'s output."""
        return cls(**config)

    @property
    def input(self) -> Any:
        """The symbolic input of the layer's first call on symbolic tensors (functional API)."""
        return self._first_node("input").args[0]

    @property
    def output(self) -> Any:
        """The symbolic output of the layer's first call on symbolic tensors (functional API)."""
        return self._first_node("output").outputs

    def _first_node(self, what: str) -> symbolic.Node:
        if not self._nodes:
            raise AttributeError(
                f"Layer {self.name!r} has no {what}: it has never been called on a symbolic tensor. "
                "Call it on an Input (x = layer(fitwell.Input(shape=...))), or use it in a Sequential "
                "that starts with an Input."
            )
        return self._nodes[0]


_MASK_SUPPORT: dict[type, tuple[bool, bool]] = {}


def _mask_support(cls: type) -> tuple[bool, bool]:
    """(supports masking, defines compute_mask) of a layer class, found once."""
    found = _MASK_SUPPORT.get(cls)
    if found is None:
        computes = getattr(cls, "compute_mask", Layer.compute_mask) is not Layer.compute_mask
        builtin = any(
            base.__name__ in mask_passing.PASSES_MASK_ON and base.__module__.startswith("fitwell.layers.")
            for base in cls.__mro__
        )
        found = _MASK_SUPPORT[cls] = (computes or builtin, computes)
    return found


def _class_supports_masking(cls: type) -> bool:
    return _mask_support(cls)[0]


def _computes_mask(cls: type) -> bool:
    return _mask_support(cls)[1]


def _keras_snake_case(name: str) -> str:
    # Keras's rule for automatic layer names: "Conv2D" -> "conv2d", "BatchNorm" -> "batch_norm".
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
