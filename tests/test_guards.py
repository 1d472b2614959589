"""Guards: each classic mistake is caught with a found/expected/fix message, and correct code stays silent."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier
from fitwell import guards
from fitwell.guards import GuardWarning


def compiled(model: fitwell.Model, loss, **kwargs) -> fitwell.Model:
    model.compile(optimizer="adam", loss=loss, device="cpu", **kwargs)
    return model


def snapshot(model):
    return {key: value.clone() for key, value in model.state_dict().items()}


def one_hot(y: np.ndarray, classes: int = 3) -> np.ndarray:
    return np.eye(classes, dtype="float32")[y]


class Forward(fitwell.Model):
    """A subclassed model whose final squashing the guards cannot see in its layers."""

    def __init__(self, features: int = 10, units: int = 3, squash=None):
        super().__init__()
        self.linear = torch.nn.Linear(features, units)
        self.squash = squash

    def forward(self, x):
        scores = self.linear(x)
        return scores if self.squash is None else self.squash(scores)


def binary_model(activation="sigmoid") -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(5,)),
            fitwell.layers.Dense(4, activation="relu"),
            fitwell.layers.Dense(1, activation=activation),
        ]
    )


# -- wrong cross-entropy for the labels -------------------------------------------------------------
def test_sparse_loss_with_one_hot_labels_names_categorical_crossentropy(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "sparse_categorical_crossentropy")
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"look one-hot encoded.*Fix: use CategoricalCrossentropy"):
        model.fit(x[:64], one_hot(y[:64]), verbose=0)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("shape", ["flat", "column"])
def test_categorical_loss_with_integer_labels_names_sparse_categorical_crossentropy(blobs, shape):
    x, y = blobs
    labels = y[:64] if shape == "flat" else y[:64, None]
    model = compiled(make_classifier(), fitwell.losses.CategoricalCrossentropy())
    with pytest.raises(
        ValueError, match=r"look like integer class indices\. Fix: use SparseCategoricalCrossentropy"
    ):
        model.fit(x[:64], labels, verbose=0)


def test_evaluate_runs_the_same_checks(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "categorical_crossentropy")
    with pytest.raises(ValueError, match="SparseCategoricalCrossentropy"):
        model.evaluate(x[:64], y[:64], verbose=0)


# -- labels out of range, targets outside [0, 1], shapes ---------------------------------------------
def test_negative_class_labels_are_out_of_range(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\].*Received: labels from -1 to"):
        model.fit(x[:64], y[:64] - 1, verbose=0)


def test_ignored_label_value_is_not_out_of_range(blobs):
    x, y = blobs
    labels = y[:64].copy()
    labels[::5] = -1
    model = compiled(make_classifier(), fitwell.losses.SparseCategoricalCrossentropy(ignore_class=-1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x[:64], labels, verbose=0)


def test_sparse_loss_on_a_single_output_unit_suggests_binary_crossentropy(binary_data):
    x, y = binary_data
    model = compiled(binary_model(activation="softmax"), "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError, match=r"in \[0, 0\].*use BinaryCrossentropy with Dense\(1, activation='sigmoid'\)"
    ):
        model.fit(x[:64], y[:64], verbose=0)


def test_fractional_class_labels_are_rejected(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"whole-number class indices.*from 0 to 1\.5"):
        model.fit(x[:64], np.where(y[:64] == 2, 1.5, y[:64]).astype("float32"), verbose=0)


@pytest.mark.parametrize(("targets", "found"), [((-1.0, 1.0), "from -1 to 1"), ((1.0, 2.0), "from 1 to 2")])
def test_binary_targets_outside_zero_one_are_rejected(binary_data, targets, found):
    x, y = binary_data
    labels = np.where(y[:64] > 0, targets[1], targets[0]).astype("float32")
    model = compiled(binary_model(), "binary_crossentropy")
    with pytest.raises(
        ValueError, match=rf"expects targets in \[0, 1\], but the labels range {found}\. Fix: map -1/\+1"
    ):
        model.fit(x[:64], labels, verbose=0)


def test_binary_loss_on_several_output_units_with_class_labels_explains_both_fixes(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "binary_crossentropy")
    with pytest.raises(
        ValueError, match=r"shape \(32,\) for outputs of shape \(32, 3\).*SparseCategoricalCrossentropy"
    ):
        model.fit(x[:64], y[:64], verbose=0)


def test_regression_loss_whose_labels_would_broadcast_is_rejected(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "mse")
    with pytest.raises(ValueError, match=r"would be broadcast.*loss='sparse_categorical_crossentropy'"):
        model.fit(x[:64], y[:64].astype("float32"), verbose=0)


def test_categorical_loss_on_one_output_unit_is_rejected(binary_data):
    x, y = binary_data
    model = compiled(binary_model(activation="softmax"), "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"always 0 and nothing is learned.*BinaryCrossentropy"):
        model.fit(x[:64], y[:64], verbose=0)


def test_categorical_labels_outside_zero_one_are_rejected(blobs):
    x, y = blobs
    model = compiled(make_classifier(), "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"labels in \[0, 1\], but the labels range from 0 to 255"):
        model.fit(x[:64], one_hot(y[:64]) * 255, verbose=0)


def test_multi_output_errors_name_the_output(blobs):
    x, y = blobs

    class TwoHeads(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.classes = torch.nn.Linear(10, 3)
            self.value = torch.nn.Linear(10, 1)

        def forward(self, inputs):
            return {"classes": self.classes(inputs), "value": self.value(inputs)}

    model = compiled(
        TwoHeads(), {"classes": fitwell.losses.CategoricalCrossentropy(from_logits=True), "value": "mse"}
    )
    with pytest.raises(
        ValueError, match=r"^Output 'classes': CategoricalCrossentropy expects one-hot labels"
    ):
        model.fit(x[:64], {"classes": y[:64], "value": x[:64, :1]}, verbose=0)


# -- from_logits against the last activation -----------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "loss", "labels"),
    [
        (
            lambda: make_classifier(softmax=True),
            fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
            "sparse",
        ),
        (
            lambda: make_classifier(softmax=True),
            fitwell.losses.CategoricalCrossentropy(from_logits=True),
            "one_hot",
        ),
        (
            lambda: fitwell.Sequential([torch.nn.Linear(10, 3), torch.nn.Softmax(dim=-1)]),
            fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
            "sparse",
        ),
        (
            lambda: fitwell.Model(
                torch.nn.Sequential(torch.nn.Linear(10, 3), torch.nn.Softmax(-1), torch.nn.Dropout(0.1))
            ),
            torch.nn.CrossEntropyLoss(),
            "sparse",
        ),
    ],
    ids=["dense-softmax-sparse", "dense-softmax-categorical", "torch-softmax", "wrapped-torch-crossentropy"],
)
def test_from_logits_on_a_softmax_layer_warns(blobs, model, loss, labels):
    x, y = blobs
    targets = y[:64] if labels == "sparse" else one_hot(y[:64])
    with pytest.warns(
        GuardWarning, match=r"from_logits=True, but the model's last layer applies 'softmax'.*Fix: remove"
    ):
        compiled(model(), loss).fit(x[:64], targets, verbose=0)


def test_from_logits_on_a_sigmoid_layer_warns(binary_data):
    x, y = binary_data
    model = compiled(binary_model(), fitwell.losses.BinaryCrossentropy(from_logits=True))
    with pytest.warns(GuardWarning, match=r"applies 'sigmoid'.*applies sigmoid a second time"):
        model.fit(x[:64], y[:64], verbose=0)


def test_from_logits_on_probabilities_from_a_custom_forward_is_found_from_the_values(blobs):
    x, y = blobs
    model = compiled(
        Forward(squash=lambda s: torch.softmax(s, -1)),
        fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    with pytest.warns(GuardWarning, match=r"outputs all lie in \[0, 1\] and each row sums to 1"):
        model.fit(x[:64], y[:64], verbose=0)


def test_the_warning_points_at_the_callers_line_and_fires_once_per_fit(blobs):
    x, y = blobs
    model = compiled(make_classifier(), fitwell.losses.SparseCategoricalCrossentropy(from_logits=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x[:128], y[:128], batch_size=16, epochs=3, verbose=0)
    found = [w for w in caught if issubclass(w.category, GuardWarning)]
    assert len(found) == 1
    assert found[0].filename == __file__


def test_from_logits_false_on_a_linear_layer_is_an_error(blobs):
    x, y = blobs
    model = compiled(make_classifier(softmax=False), "sparse_categorical_crossentropy")
    before = snapshot(model)
    with pytest.raises(
        ValueError,
        match=r"\(from_logits=False\), but the model's last layer applies 'linear'.*pass from_logits=True",
    ):
        model.fit(x[:64], y[:64], verbose=0)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_negative_outputs_with_from_logits_false_are_an_error(blobs):
    x, y = blobs
    model = compiled(Forward(), "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError, match=r"outputs range from -.* Expected probabilities in \[0, 1\], each row summing to 1"
    ):
        model.fit(x[:64], y[:64], verbose=0)


def test_rows_that_do_not_sum_to_one_are_an_error(blobs):
    x, y = blobs
    model = compiled(Forward(squash=torch.sigmoid), fitwell.losses.CategoricalCrossentropy())
    with pytest.raises(ValueError, match=r"rows of the first batch's outputs sum to between"):
        model.fit(x[:64], one_hot(y[:64]), verbose=0)


def test_binary_outputs_above_one_are_an_error(binary_data):
    x, y = binary_data
    model = compiled(Forward(features=5, units=1, squash=lambda s: s.abs() + 1.5), "binary_crossentropy")
    with pytest.raises(
        ValueError, match=r"outputs range from 1\.5.*Expected probabilities in \[0, 1\]\. Fix"
    ):
        model.fit(x[:64], y[:64], verbose=0)


# -- inputs and labels ------------------------------------------------------------------------------
def test_unscaled_inputs_warn_with_the_scaling_fix(blobs):
    x, y = blobs
    pixels = np.clip(np.abs(x[:64]) * 80.0, 0, 255).round()
    with pytest.warns(
        GuardWarning, match=r"inputs look unscaled: the first batch holds values up to 255 .*x / 255\.0"
    ):
        compiled(make_classifier(), "sparse_categorical_crossentropy").fit(pixels, y[:64], verbose=0)


def test_unscaled_inputs_are_fine_when_the_model_normalises_them(blobs):
    x, y = blobs
    model = fitwell.Sequential([torch.nn.BatchNorm1d(10), fitwell.layers.Dense(3, activation="softmax")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled(model, "sparse_categorical_crossentropy").fit(x[:64] * 1000.0, y[:64], verbose=0)


def test_raw_pixels_are_fine_when_rescaling_follows_layers_without_weights():
    pixels = np.random.default_rng(0).integers(0, 256, size=(32, 8, 8, 3)).astype("float32")
    layers = fitwell.layers
    inputs = fitwell.Input(shape=(8, 8, 3))
    x = fitwell.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    outputs = layers.Dense(1)(layers.Flatten()(layers.Conv2D(2, 3)(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled(fitwell.Model(inputs, outputs), "mse").fit(pixels, np.zeros((32, 1), "float32"), verbose=0)


def test_raw_pixels_warn_when_a_layer_with_weights_comes_before_the_rescaling():
    pixels = np.random.default_rng(0).integers(0, 256, size=(32, 8, 8, 3)).astype("float32")
    layers = fitwell.layers
    model = fitwell.Sequential(
        [fitwell.Input(shape=(8, 8, 3)), layers.Conv2D(2, 3), layers.Rescaling(1.0 / 255), layers.Flatten()]
    )
    model.add(layers.Dense(1))
    with pytest.warns(GuardWarning, match="inputs look unscaled"):
        compiled(model, "mse").fit(pixels, np.zeros((32, 1), "float32"), verbose=0)


def test_integer_token_ids_are_not_unscaled_inputs():
    ids = np.random.default_rng(0).integers(0, 5000, size=(64, 4))
    model = fitwell.Sequential(
        [fitwell.layers.Embedding(5000, 4), fitwell.layers.Flatten(), fitwell.layers.Dense(1)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled(model, "mse").fit(ids, np.zeros((64, 1), "float32"), verbose=0)


def built_state(model: fitwell.Model, x, y) -> fitwell.objectives.Objectives:
    model.evaluate(x, y, verbose=0)  # builds the heads
    return model.trainer.objectives


def test_heavy_class_imbalance_warns_with_class_weights(binary_data):
    x, y = binary_data
    state = built_state(compiled(binary_model(), "binary_crossentropy"), x[:32], y[:32])
    labels = np.zeros((220, 1), "float32")
    labels[:20] = 1.0
    with pytest.warns(
        GuardWarning,
        match=r"class 0 has 200 samples and class 1 only 20 \(10:1\).*class_weight=\{0: 0\.55, 1: 5\.5\}",
    ):
        guards.check_class_balance(state, torch.from_numpy(labels))


def test_imbalance_counts_integer_and_one_hot_labels(blobs):
    x, y = blobs
    labels = np.array([0] * 300 + [1] * 20 + [2] * 25)
    sparse = built_state(compiled(make_classifier(), "sparse_categorical_crossentropy"), x[:32], y[:32])
    with pytest.warns(GuardWarning, match=r"class 0 has 300 samples and class 1 only 20 \(15:1\)"):
        guards.check_class_balance(sparse, labels)
    categorical = built_state(
        compiled(make_classifier(), "categorical_crossentropy"), x[:32], one_hot(y[:32])
    )
    with pytest.warns(GuardWarning, match=r"\(15:1\)"):
        guards.check_class_balance(categorical, one_hot(labels))


def test_class_balance_is_silent_when_balanced_weighted_regression_or_switched_off(blobs, binary_data):
    x, y = blobs
    imbalanced = np.array([0] * 300 + [1] * 10)
    sparse = built_state(compiled(make_classifier(), "sparse_categorical_crossentropy"), x[:32], y[:32])
    off = built_state(
        compiled(make_classifier(), "sparse_categorical_crossentropy", guards=False), x[:32], y[:32]
    )
    regression = built_state(
        compiled(binary_model(activation=None), "mse"), binary_data[0][:32], binary_data[1][:32]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        guards.check_class_balance(sparse, y)
        guards.check_class_balance(sparse, imbalanced, sample_weight=np.ones(310))
        guards.check_class_balance(off, imbalanced)
        guards.check_class_balance(regression, imbalanced[:, None].astype("float32"))


def test_validation_split_on_sorted_labels_warns_to_shuffle():
    ordered = np.repeat([0, 1, 2], [250, 250, 100])
    with pytest.warns(
        GuardWarning,
        match=r"last 120 samples\) holds classes \[2\] that the training part never sees.*shuffle the data",
    ):
        guards.check_validation_split(ordered[:480], ordered[480:])


def test_validation_split_on_labels_grouped_by_class_warns(blobs):
    _, y = blobs
    ordered = np.sort(y)  # the last class is larger than the validation part
    with pytest.warns(
        GuardWarning,
        match=r"grouped by class, so training sees classes \[0, 1, 2\] and validation classes \[2\]",
    ):
        guards.check_validation_split(ordered[:480], ordered[480:])


def test_validation_split_on_grouped_one_hot_labels_warns():
    labels = np.repeat([1, 0], [70, 30])  # grouped, the last block spans the split
    with pytest.warns(
        GuardWarning,
        match=r"grouped by class, so training sees classes \[0, 1\] and validation classes \[0\]",
    ):
        guards.check_validation_split(one_hot(labels[:80], 2), one_hot(labels[80:], 2))


def test_validation_split_is_silent_on_shuffled_continuous_or_disabled_labels(blobs):
    _, y = blobs
    targets = np.sort(np.random.default_rng(0).normal(size=600))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        guards.check_validation_split(y[:480], y[480:])
        guards.check_validation_split(targets[:480], targets[480:])
        guards.check_validation_split(np.sort(y)[:480], np.sort(y)[480:], enabled=False)
        guards.check_validation_split({"a": y[:480]}, {"a": y[480:]})


# -- silence on correct code, and the switch ---------------------------------------------------------
CORRECT = [
    ("softmax-sparse", lambda: make_classifier(), "sparse_categorical_crossentropy", "sparse"),
    ("softmax-categorical", lambda: make_classifier(), "categorical_crossentropy", "one_hot"),
    (
        "logits-sparse",
        lambda: make_classifier(softmax=False),
        fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        "sparse",
    ),
    (
        "logits-focal",
        lambda: make_classifier(softmax=False),
        fitwell.losses.CategoricalFocalCrossentropy(from_logits=True),
        "one_hot",
    ),
    ("crossentropy-string", lambda: make_classifier(), "crossentropy", "sparse"),
    ("torch-crossentropy", lambda: make_classifier(softmax=False), torch.nn.CrossEntropyLoss(), "sparse"),
    (
        "subclass-logits",
        lambda: Forward(),
        fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        "sparse",
    ),
    (
        "subclass-softmax",
        lambda: Forward(squash=lambda s: torch.softmax(s, -1)),
        "sparse_categorical_crossentropy",
        "sparse",
    ),
    ("regression", lambda: make_classifier(classes=1, softmax=False), "mse", "column"),
]


@pytest.mark.parametrize(("name", "model", "loss", "labels"), CORRECT, ids=[case[0] for case in CORRECT])
def test_correct_classifiers_fit_and_evaluate_in_silence(blobs, name, model, loss, labels):
    x, y = blobs
    targets = {"sparse": y, "one_hot": one_hot(y), "column": x[:, :1]}[labels]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = compiled(model(), loss, metrics=["accuracy"] if labels != "column" else ["mae"])
        model.fit(x[:200], targets[:200], batch_size=32, epochs=2, validation_split=0.2, verbose=0)
        model.evaluate(x[200:300], targets[200:300], verbose=0)


class Sequence(fitwell.Model):
    """Scores of shape (N, 3 classes, 2 steps), class axis second."""

    def __init__(self, softmax: bool):
        super().__init__()
        self.linear = torch.nn.Linear(10, 6)
        self.softmax = softmax

    def forward(self, x):
        scores = self.linear(x).reshape(-1, 3, 2)
        return scores.softmax(dim=1) if self.softmax else scores


@pytest.mark.parametrize(
    ("softmax", "loss"),
    [
        (True, fitwell.losses.SparseCategoricalCrossentropy(axis=1)),
        (False, fitwell.losses.SparseCategoricalCrossentropy(from_logits=True, axis=1)),
        (False, torch.nn.CrossEntropyLoss()),
    ],
)
def test_class_axis_other_than_last_is_checked_along_that_axis(blobs, softmax, loss):
    x, y = blobs
    labels = np.stack([y, (y + 1) % 3], axis=1)[:64]  # (N, 2 steps)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled(Sequence(softmax), loss).fit(x[:64], labels, verbose=0)
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\]"):
        compiled(Sequence(softmax), loss).fit(x[:64], labels + 1, verbose=0)


@pytest.mark.parametrize(
    "loss", ["binary_crossentropy", fitwell.losses.BinaryFocalCrossentropy(), "hinge", "crossentropy"]
)
def test_correct_binary_models_fit_in_silence(binary_data, loss):
    x, y = binary_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = compiled(
            binary_model(activation="sigmoid" if loss != "hinge" else None), loss, metrics=["accuracy"]
        )
        model.fit(x[:200], y[:200], epochs=2, verbose=0)
    logits = compiled(binary_model(activation=None), fitwell.losses.BinaryCrossentropy(from_logits=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logits.fit(x[:200], y[:200].ravel(), epochs=1, verbose=0)


def test_guards_false_silences_warnings_and_errors(blobs):
    x, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doubled = compiled(
            make_classifier(), fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), guards=False
        )
        doubled.fit(x[:64] * 255.0, y[:64], verbose=0)
        linear = compiled(make_classifier(softmax=False), "sparse_categorical_crossentropy", guards=False)
        linear.fit(x[:64], y[:64], verbose=0)


def test_checks_run_once_per_fit_not_per_step(blobs, monkeypatch):
    x, y = blobs
    calls = []
    original = guards.check_first_batch
    monkeypatch.setattr(guards, "check_first_batch", lambda *args: calls.append(1) or original(*args))
    model = compiled(make_classifier(), "sparse_categorical_crossentropy")
    model.fit(x[:128], y[:128], batch_size=16, epochs=3, verbose=0)
    assert len(calls) == 1


def test_fit_warns_when_validation_split_cuts_off_sorted_classes(blobs):
    x, y = blobs
    order = np.argsort(y, kind="stable")
    model = make_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu")
    with pytest.warns(GuardWarning, match="shuffl"):
        model.fit(x[order], y[order], validation_split=0.3, epochs=1, verbose=0)
    silent = make_classifier()
    silent.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu", guards=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        silent.fit(x[order], y[order], validation_split=0.3, epochs=1, verbose=0)


def test_fit_warns_about_heavy_imbalance_and_suggests_class_weight(binary_data):
    x, _ = binary_data
    y = np.zeros((len(x), 1), "float32")
    y[:4] = 1.0
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", device="cpu")
    with pytest.warns(GuardWarning, match="class_weight"):
        model.fit(x, y, epochs=1, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, epochs=1, verbose=0, class_weight={0: 1.0, 1: 99.0})
