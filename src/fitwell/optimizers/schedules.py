"""Learning-rate schedules: functions of the optimizer's step count, as in Keras.

Each schedule is called with the number of updates done so far (0 for the
first update). It computes on the host with `math`, from the step count the
optimizer keeps as a Python int, so a schedule never forces a device sync.
The formulas are Keras's (`keras/src/optimizers/schedules/learning_rate_schedule.py`).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import Any

from fitwell.optimizers._checks import check_hyperparameters, in_range

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


class LearningRateSchedule:
    """Base class of schedules: `schedule(step) -> learning rate`.

    `step` is the number of optimizer updates done before this one, so the
    first update uses `schedule(0)`, as in Keras. Subclasses implement
    `__call__` and `get_config`.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** (step // 100)
        ...     def get_config(self):
        ...         return {}
        >>> Halving()(250)
        0.025
    """

    def __call__(self, step: int) -> float:
        """Return the learning rate for update number `step` (0-based)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `__call__(step)`.")

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments."""
        raise NotImplementedError(f"{type(self).__name__} must implement `get_config`.")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """Create the schedule from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def _check_decay_steps(owner: str, decay_steps: object, name: str = "decay_steps") -> None:
    check_hyperparameters(owner, in_range(name, decay_steps, include_low=False))


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: The rate at step 0.
        decay_steps: Steps over which the rate is multiplied by `decay_rate`.
        decay_rate: The factor per `decay_steps`.
        staircase: Decay in whole `decay_steps` intervals (floor the exponent).
        name: Name of the schedule.

    Example:
        >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
        0.025
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_decay_steps(type(self).__name__, decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate**exponent

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """Constant rates between step boundaries.

    The rate is `values[0]` while `step <= boundaries[0]`, `values[i + 1]`
    while `boundaries[i] < step <= boundaries[i + 1]`, and `values[-1]` once
    `step > boundaries[-1]`.

    Args:
        boundaries: Increasing step numbers where the rate changes.
        values: One more rate than there are boundaries.
        name: Name of the schedule.

    Example:
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> schedule(100), schedule(101), schedule(500)
        (1.0, 0.5, 0.1)
    """

    def __init__(
        self, boundaries: Sequence[int], values: Sequence[float], name: str = "PiecewiseConstant"
    ) -> None:
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "`values` must hold exactly one more rate than `boundaries` has steps. Received: "
                f"boundaries={boundaries} (length {len(boundaries)}) and values={values} "
                f"(length {len(values)}). Add or remove a value so len(values) == len(boundaries) + 1."
            )
        if any(later < earlier for earlier, later in zip(boundaries[:-1], boundaries[1:], strict=True)):
            raise ValueError(
                f"`boundaries` must be in increasing order. Received: boundaries={boundaries}. "
                "Sort them, keeping each value after the boundary where it starts."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: int) -> float:
        return float(self.values[bisect.bisect_left(self.boundaries, step)])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate`.

    `(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end`.
    With `cycle=True` the decay restarts: `decay_steps` is multiplied by
    `ceil(step / decay_steps)` (by 1 at step 0) instead of clamping the step.

    Args:
        initial_learning_rate: The rate at step 0.
        decay_steps: Steps to reach `end_learning_rate`.
        end_learning_rate: The final rate.
        power: The polynomial's power; 1 decays linearly.
        cycle: Restart the decay after `decay_steps`.
        name: Name of the schedule.

    Example:
        >>> PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)(5)
        0.05
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_decay_steps(type(self).__name__, decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: int) -> float:
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, self.decay_steps)
        remaining = 1.0 - step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return span * remaining**self.power + self.end_learning_rate

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: The rate at step 0.
        decay_steps: Steps per unit of `decay_rate`.
        decay_rate: How fast the rate falls.
        staircase: Floor `step / decay_steps` (decay in whole intervals).
        name: Name of the schedule.

    Example:
        >>> InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)(10)
        0.05
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_decay_steps(type(self).__name__, decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        progress = step / self.decay_steps
        if self.staircase:
            progress = math.floor(progress)
        return self.initial_learning_rate / (1.0 + self.decay_rate * progress)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


def _cosine(fraction: float, alpha: float) -> float:
    """`(1 - alpha) * (1 + cos(pi * fraction)) / 2 + alpha`: from 1 at 0 down to alpha at 1."""
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov & Hutter, 2017), with an optional linear warmup.

    Without warmup the rate falls from `initial_learning_rate` to
    `alpha * initial_learning_rate` over `decay_steps` and stays there. With
    `warmup_target`, it first rises linearly from `initial_learning_rate` to
    `warmup_target` over `warmup_steps`, then decays from `warmup_target`.

    Args:
        initial_learning_rate: The starting rate.
        decay_steps: Length of the cosine decay, in steps.
        alpha: The final rate as a fraction of the decay's starting rate.
        name: Name of the schedule.
        warmup_target: The rate reached at the end of the warmup; `None`
            skips the warmup.
        warmup_steps: Length of the warmup, in steps.

    Example:
        >>> schedule = CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
        >>> round(schedule(5), 6), round(schedule(10), 6), round(schedule(110), 6)
        (0.05, 0.1, 0.0)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        check_hyperparameters(
            type(self).__name__,
            in_range("decay_steps", decay_steps, include_low=False) + in_range("warmup_steps", warmup_steps),
        )
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step: int) -> float:
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return self.initial_learning_rate * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return rise * (step / self.warmup_steps) + self.initial_learning_rate
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * _cosine(fraction, self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter, 2017).

    The first cycle lasts `first_decay_steps`; each later cycle is `t_mul`
    times longer and starts from `m_mul` times the previous starting rate.
    Within a cycle the rate follows `CosineDecay` down to `alpha` times the
    cycle's starting rate.

    Args:
        initial_learning_rate: The rate at step 0.
        first_decay_steps: Length of the first cycle, in steps.
        t_mul: Factor by which each cycle is longer than the one before.
        m_mul: Factor by which each cycle starts lower than the one before.
        alpha: The rate at the end of a cycle, as a fraction of
            `initial_learning_rate`.
        name: Name of the schedule.

    Example:
        >>> schedule = CosineDecayRestarts(0.1, first_decay_steps=10, m_mul=0.5)
        >>> schedule(0), schedule(10), schedule(30)
        (0.1, 0.05, 0.025)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        check_hyperparameters(
            type(self).__name__,
            in_range("first_decay_steps", first_decay_steps, include_low=False)
            + in_range("t_mul", t_mul, include_low=False, default=2.0)
            + in_range("m_mul", m_mul, default=1.0),
        )
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: int) -> float:
        restart, fraction = self._cycle(step / self.first_decay_steps)
        amplitude = self.m_mul**restart
        cosine = 0.5 * amplitude * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def _cycle(self, progress: float) -> tuple[int, float]:
        """The cycle index and the fraction of it done, `progress` being in first-cycle units."""
        if self.t_mul == 1.0:
            restart = math.floor(progress)
            return restart, progress - restart
        t_mul = self.t_mul

        def cycle_start(index: int) -> float:  # 1 + t_mul + ... + t_mul**(index - 1)
            return (1.0 - t_mul**index) / (1.0 - t_mul)

        restart = math.floor(math.log(1.0 - progress * (1.0 - t_mul)) / math.log(t_mul))
        # The logarithm can land a hair short of a whole cycle count exactly at
        # a restart; step to the cycle that really contains `progress`.
        if cycle_start(restart + 1) <= progress:
            restart += 1
        elif cycle_start(restart) > progress:
            restart -= 1
        return restart, (progress - cycle_start(restart)) / t_mul**restart

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_BUILT_IN = {
    cls.__name__: cls
    for cls in (
        CosineDecay,
        CosineDecayRestarts,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """Return `{"class_name": ..., "config": ...}` for `deserialize`.

    Example:
        >>> serialize(ExponentialDecay(0.1, 100, 0.5))["class_name"]
        'ExponentialDecay'
    """
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(
    config: dict[str, Any], custom_objects: dict[str, type[LearningRateSchedule]] | None = None
) -> LearningRateSchedule:
    """Rebuild a schedule from `serialize()`'s output.

    Args:
        config: `{"class_name": ..., "config": ...}`.
        custom_objects: Your own schedule classes by name.

    Returns:
        The schedule.

    Raises:
        ValueError: For a class name that is neither built in nor in `custom_objects`.

    Example:
        >>> deserialize(serialize(InverseTimeDecay(0.1, 10, 1.0)))(10)
        0.05
    """
    classes = {**_BUILT_IN, **(custom_objects or {})}
    name = config.get("class_name")
    if name not in classes:
        from fitwell.errors import did_you_mean

        raise ValueError(
            f"Unknown learning-rate schedule. Received: class_name={name!r}."
            f"{did_you_mean(str(name), classes)} "
            f"Known schedules: {sorted(classes)}; pass your own class in `custom_objects`."
        )
    return classes[name].from_config(config.get("config", {}))
