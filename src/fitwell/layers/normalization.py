"""Normalization layers: each feature rescaled by statistics of the batch or of the sample."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.layer import Layer

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalises each feature over the batch, with Keras's defaults.

    Keras's `momentum=0.99` is the weight of the old running statistic, and
    the running variance tracks the biased batch variance, both as in Keras
    (torch's own layer weighs the new statistic and tracks the unbiased
    variance). `epsilon` defaults to Keras's 1e-3. A frozen layer
    (`trainable=False`) runs in inference mode, as in Keras: it normalises
    with its moving statistics and does not update them.

    Args:
        axis: The feature axis; -1 (channels last) or 1.
        momentum: Running-statistics momentum, Keras's convention.
        epsilon: Added to the variance.
        center: Learn an offset (beta).
        scale: Learn a scale (gamma).
        beta_initializer: Initializer of beta (`"zeros"`).
        gamma_initializer: Initializer of gamma (`"ones"`).
        moving_mean_initializer: Initializer of the moving mean (`"zeros"`).
        moving_variance_initializer: Initializer of the moving variance (`"ones"`).
        beta_regularizer: A regularizer of beta.
        gamma_regularizer: A regularizer of gamma.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> BatchNormalization()(torch.randn(4, 6, 6, 3)).shape
        torch.Size([4, 6, 6, 3])
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int) or axis == 0:
            raise ValueError(
                f"`axis` must be the feature axis, an int other than 0 (the batch axis), e.g. -1 for "
                f"channels last. Received: axis={axis!r}"
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        self.register_buffer("running_mean", None)
        self.register_buffer("running_var", None)

    def build(self, input_shape: Any) -> None:
        """Create gamma, beta and the moving statistics for the input's features."""
        features = input_shape[self.axis]
        if self.scale:
            self.add_weight(
                shape=(features,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="weight",
            )
        if self.center:
            self.add_weight(
                shape=(features,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="bias",
            )
        # Moving statistics are buffers: state, not weights the optimizer sees.
        self.running_mean = self.moving_mean_initializer((features,), dtype=self.dtype)
        self.running_var = self.moving_variance_initializer((features,), dtype=self.dtype)
        self.built = True

    @property
    def gamma(self) -> torch.Tensor | None:
        """The scale (Keras's name)."""
        return self.weight

    @property
    def beta(self) -> torch.Tensor | None:
        """The offset (Keras's name)."""
        return self.bias

    @property
    def moving_mean(self) -> torch.Tensor:
        """The running mean (Keras's name)."""
        return self.running_mean

    @property
    def moving_variance(self) -> torch.Tensor:
        """The running variance (Keras's name)."""
        return self.running_var

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs
        axis = self.axis % x.dim()
        moved = axis != 1
        if moved:
            x = x.movedim(axis, 1)  # torch's kernel normalises axis 1
        if not self.training or not self.trainable:
            y = F.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.epsilon
            )
        elif x.numel() == x.shape[1]:
            # One value per feature (a last batch of 1): torch's kernel refuses it, Keras
            # normalises to beta (variance 0). Done by hand; the statistics move as usual.
            dims = [d for d in range(x.dim()) if d != 1]
            variance, mean = torch.var_mean(x, dim=dims, correction=0, keepdim=True)
            y = (x - mean) * torch.rsqrt(variance + self.epsilon)
            shape = [1, -1] + [1] * (x.dim() - 2)
            if self.weight is not None:
                y = y * self.weight.reshape(shape)
            if self.bias is not None:
                y = y + self.bias.reshape(shape)
            with torch.no_grad():
                self.running_mean.lerp_(mean.flatten().to(self.running_mean.dtype), 1.0 - self.momentum)
                self.running_var.lerp_(variance.flatten().to(self.running_var.dtype), 1.0 - self.momentum)
        else:
            y = F.batch_norm(x, None, None, self.weight, self.bias, training=True, eps=self.epsilon)
            # Keras tracks the biased batch variance (torch's kernel would
            # track the unbiased one), so the statistics are updated here.
            with torch.no_grad():
                dims = [d for d in range(x.dim()) if d != 1]
                variance, mean = torch.var_mean(x, dim=dims, correction=0)
                # Under mixed precision the batch statistics come in the low
                # precision; the moving statistics stay float32.
                self.running_mean.lerp_(mean.to(self.running_mean.dtype), 1.0 - self.momentum)
                self.running_var.lerp_(variance.to(self.running_var.dtype), 1.0 - self.momentum)
        return y.movedim(1, axis) if moved else y

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
        }
