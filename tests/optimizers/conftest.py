"""A small noisy quadratic, run step by step through a fitwell optimizer and a Keras one."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch

SHAPES = ((3, 4), (4,))
STEPS = 100


class Quadratic:
    """Two weight tensors pulled towards targets with per-element curvature, plus per-step noise.

    The gradient is computed in float64 numpy from each framework's own
    current weights (`c * (w - target) + noise[step]`), so both optimizers
    see exactly the gradients their own trajectory produces. The noise flips
    gradient signs now and then, which exercises AMSGrad's and Adamax's
    running maxima and Lion's sign; gradient norms of 2-10 make every clip
    mode active.
    """

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.initial = [rng.normal(size=shape) for shape in SHAPES]
        self.target = [rng.normal(size=shape) for shape in SHAPES]
        self.curvature = [rng.uniform(0.2, 5.0, size=shape) for shape in SHAPES]
        self.noise = [[rng.normal(scale=0.5, size=shape) for shape in SHAPES] for _ in range(STEPS)]

    def gradients(self, step: int, weights: list[np.ndarray]) -> list[np.ndarray]:
        return [
            c * (w - t) + n
            for c, w, t, n in zip(self.curvature, weights, self.target, self.noise[step], strict=True)
        ]

    def run_fitwell(
        self,
        optimizer,
        *,
        dtype: torch.dtype = torch.float64,
        on_step: Callable[[int, object], None] | None = None,
        skip: Callable[[int, int], bool] | None = None,
    ) -> list[np.ndarray]:
        """Run STEPS updates; `on_step(step, optimizer)` runs first; `skip(step, i)` drops a gradient."""
        params = [torch.nn.Parameter(torch.tensor(w, dtype=dtype)) for w in self.initial]
        optimizer.build(params)
        for step in range(STEPS):
            if on_step is not None:
                on_step(step, optimizer)
            optimizer.zero_grad()
            grads = self.gradients(step, [p.detach().double().numpy() for p in params])
            for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
                if skip is None or not skip(step, index):
                    param.grad = torch.tensor(grad, dtype=dtype)
            optimizer.step()
        return [p.detach().double().numpy() for p in params]

    def run_keras(
        self,
        keras,
        optimizer,
        *,
        dtype: str = "float64",
        on_step: Callable[[int, object], None] | None = None,
        skip: Callable[[int, int], bool] | None = None,
    ) -> list[np.ndarray]:
        """The same run through a Keras optimizer's `apply` (a `None` gradient skips that weight)."""
        variables = [keras.Variable(w.astype(dtype), dtype=dtype) for w in self.initial]
        for step in range(STEPS):
            if on_step is not None:
                on_step(step, optimizer)
            weights = [keras.ops.convert_to_numpy(v).astype("float64") for v in variables]
            grads = [torch.from_numpy(g.astype(dtype)) for g in self.gradients(step, weights)]
            if skip is not None:
                grads = [None if skip(step, i) else g for i, g in enumerate(grads)]
            optimizer.apply(grads, variables)
        return [keras.ops.convert_to_numpy(v).astype("float64") for v in variables]


@pytest.fixture
def quadratic() -> Quadratic:
    return Quadratic()


def _keras_with_floatx(floatx: str):
    keras = pytest.importorskip("keras", reason="Keras 3 is the oracle for these conformance tests")
    if keras.backend.backend() != "torch":
        pytest.skip("the Keras conformance tests need KERAS_BACKEND=torch")
    previous = keras.config.floatx()
    keras.config.set_floatx(floatx)
    return keras, previous


@pytest.fixture
def keras64():
    """Keras with float64 as its default float, so its learning rate and schedules are float64 too."""
    keras, previous = _keras_with_floatx("float64")
    yield keras
    keras.config.set_floatx(previous)


@pytest.fixture
def keras32():
    """Keras with its usual float32 default."""
    keras, previous = _keras_with_floatx("float32")
    yield keras
    keras.config.set_floatx(previous)
