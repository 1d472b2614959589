"""`losses.get`: every name a Keras user types resolves to the same loss, logged under the same key."""

from __future__ import annotations

import pytest
import torch

from fitwell import losses

keras = pytest.importorskip("keras")

CLASS_NAMES = """BinaryCrossentropy BinaryFocalCrossentropy CategoricalCrossentropy
    CategoricalFocalCrossentropy SparseCategoricalCrossentropy MeanSquaredError MeanAbsoluteError
    MeanAbsolutePercentageError
    MeanSquaredLogarithmicError Huber LogCosh CosineSimilarity Hinge SquaredHinge CategoricalHinge
    KLDivergence Poisson""".split()
FUNCTION_NAMES = """binary_crossentropy binary_focal_crossentropy categorical_crossentropy
    categorical_focal_crossentropy sparse_categorical_crossentropy mean_squared_error mean_absolute_error
    mean_absolute_percentage_error mean_squared_logarithmic_error huber log_cosh cosine_similarity hinge
    squared_hinge categorical_hinge kl_divergence poisson""".split()
SHORT_NAMES = {
    "bce": "binary_crossentropy",
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
}


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_class_names_give_defaults_with_keras_log_names(name):
    loss = losses.get(name)
    assert type(loss).__name__ == name
    assert loss.name == keras.losses.get(name).name


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_function_names_resolve_like_keras_and_log_as_written(name):
    assert callable(keras.losses.get(name))  # Keras knows the name too
    loss = losses.get(name)
    assert loss.name == name
    assert callable(getattr(losses, name))


@pytest.mark.parametrize("short", [*SHORT_NAMES, *(name.upper() for name in SHORT_NAMES)])
def test_short_names_in_lower_and_upper_case(short):
    loss = losses.get(short)
    assert loss.name == short
    assert type(loss) is type(losses.get(SHORT_NAMES[short.lower()]))
    assert keras.losses.get(short) is keras.losses.get(SHORT_NAMES[short.lower()])


@pytest.mark.parametrize(
    ("name", "suggestion"), [("Mse", "mse"), ("logcosh", "(log_cosh|LogCosh)"), ("huber_loss", "huber")]
)
def test_names_keras_rejects_are_rejected_with_a_suggestion(name, suggestion):
    with pytest.raises(ValueError):
        keras.losses.get(name)
    with pytest.raises(ValueError, match=rf"Received: loss='{name}'.*Did you mean '{suggestion}'\?"):
        losses.get(name)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "expected"),
    [
        (torch.zeros(4, 1), torch.zeros(4, 1), "BinaryCrossentropy"),
        (torch.zeros(4), torch.zeros(4, 3), "SparseCategoricalCrossentropy"),
        (torch.zeros(4, 1), torch.zeros(4, 3), "SparseCategoricalCrossentropy"),
        (torch.zeros(4, 3), torch.zeros(4, 3), "CategoricalCrossentropy"),
    ],
)
@pytest.mark.parametrize("name", ["crossentropy", "ce", "CE"])
def test_crossentropy_is_chosen_from_the_shapes_as_keras_chooses(y_true, y_pred, expected, name):
    from keras.src.trainers.compile_utils import get_loss

    loss = losses.get(name, y_true=y_true, y_pred=y_pred)
    assert type(loss).__name__ == expected and loss.name == name
    reference = get_loss(name, y_true.numpy(), y_pred.numpy())
    assert type(losses.get(reference.fn.__name__)).__name__ == expected
    assert losses.needs_shapes(name) and not losses.needs_shapes("mse")
    with pytest.raises(ValueError, match="chosen from the label and output shapes"):
        losses.get(name)


def test_instances_classes_configs_functions_and_torch_modules():
    instance = losses.Huber(delta=2.0)
    assert losses.get(instance) is instance
    assert type(losses.get(losses.Poisson)) is losses.Poisson
    configured = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert configured.from_logits is True
    assert isinstance(losses.get(torch.nn.MSELoss()), losses.TorchLoss)
    assert isinstance(losses.get(torch.nn.L1Loss), losses.TorchLoss)

    def squared(y_true, y_pred):
        return (y_true - y_pred).square().mean(dim=-1)

    wrapped = losses.get(squared)
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "squared"


def test_bad_identifiers_say_what_is_accepted():
    with pytest.raises(TypeError, match=r"`loss` must be a loss name.*Received: loss=3 of type int"):
        losses.get(3)
    with pytest.raises(ValueError, match=r"A loss config must be .*Received: loss=\{'class_name': 'Nope'\}"):
        losses.get({"class_name": "Nope"})


def test_known_names_cover_every_class_function_and_alias():
    known = set(losses.known_names())
    assert set(CLASS_NAMES) | set(FUNCTION_NAMES) | set(SHORT_NAMES) | {"MSE", "crossentropy", "ce"} <= known
    for name in known - {"crossentropy", "ce"}:
        assert isinstance(losses.get(name), losses.Loss)
