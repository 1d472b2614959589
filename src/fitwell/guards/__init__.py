"""Guards: the classic training mistakes, caught before they are trained through.

`check_first_batch` runs once per `fit`/`evaluate`, on the first batch and
before any weight changes. It raises a `ValueError` where the loss would be
meaningless (labels the loss cannot take, outputs that are not
probabilities for a probability loss, shapes that do not line up) and warns
(`GuardWarning`) where training can go on but probably should not as it is
(`from_logits=True` on softmax/sigmoid outputs, unscaled inputs).
`check_validation_split` and `check_class_balance` look at the whole label
array once per `fit`. Every message says what was found, what was expected
and how to fix it. `model.compile(..., guards=False)` turns them all off.

The checks read a few numbers back from the device once per call; nothing
here runs per step.
"""

from fitwell.guards.expectation import GuardWarning
from fitwell.guards.first_batch import PROBABILITY_TOLERANCE, UNSCALED_INPUT_LIMIT, check_first_batch
from fitwell.guards.training_labels import IMBALANCE_RATIO, check_class_balance, check_validation_split

__all__ = [
    "IMBALANCE_RATIO",
    "PROBABILITY_TOLERANCE",
    "UNSCALED_INPUT_LIMIT",
    "GuardWarning",
    "check_class_balance",
    "check_first_batch",
    "check_validation_split",
]
