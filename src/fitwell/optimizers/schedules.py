"""Learning-rate schedules: functions of the optimizer's step count.

Schedules compute on the host with `math`, from the step count the optimizer
keeps as a Python int, so a schedule never forces a device sync.
"""

from __future__ import annotations

import math

__all__ = ["ExponentialDecay", "LearningRateSchedule"]


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

    def get_config(self) -> dict:
        """Return the constructor arguments."""
        raise NotImplementedError(f"{type(self).__name__} must implement `get_config`.")


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
        if decay_steps <= 0:
            raise ValueError(
                f"`decay_steps` must be > 0. Received: decay_steps={decay_steps}"
            )
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

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
