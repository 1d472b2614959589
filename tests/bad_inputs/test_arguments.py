"""Bad arguments to compile, the optimizers, fit, evaluate and predict: a clear error, nothing changed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from bad_inputs.catalogue import Case, check, ids, small_classifier
from fitwell import optimizers
from fitwell.callbacks import EarlyStopping

ADAM = optimizers.Adam


def _compile(**kwargs):
    def call(world):
        arguments = {
            "optimizer": "adam",
            "loss": "sparse_categorical_crossentropy",
            "device": "cpu",
            **kwargs,
        }
        world.model.compile(**arguments)

    return call


def _share_optimizer(world):
    world.other.compile(optimizer=world.model.optimizer, loss="mse", device="cpu")


def _share_after_training(world):
    world.fit(epochs=1)  # an honest run first: it may change weights, so compare against a fresh world
    raise AssertionError("unreachable")


def _torch_optimizer_of_another_model(world):
    other = torch.nn.Linear(4, 3)
    world.wrapped.compile(optimizer=torch.optim.SGD(other.parameters(), lr=0.1), loss="mse", device="cpu")
    world.wrapped.fit(world.x, np.zeros((24, 3), "float32"), verbose=0)


def _fit(**kwargs):
    return lambda world: world.fit(**kwargs)


def _evaluate(**kwargs):
    def call(world):
        arguments = {"x": world.x, "y": world.y, "verbose": 0, **kwargs}
        world.model.evaluate(**arguments)

    return call


def _predict(**kwargs):
    def call(world):
        arguments = {"x": world.x, "verbose": 0, **kwargs}
        world.model.predict(**arguments)

    return call


def _uncompiled(method):
    def call(world):
        model = small_classifier()
        world.extra_models.append(model)
        getattr(model, method)(world.x, world.y)

    return call


COMPILE = [
    Case(
        "compile-optimizer-misspelled", _compile(optimizer="adamm"), ValueError, ("optimizer='adamm'", "adam")
    ),
    Case("compile-optimizer-class", _compile(optimizer=ADAM), TypeError, ("instance", "Adam()")),
    Case("compile-optimizer-number", _compile(optimizer=0.01), TypeError, ("optimizer", "0.01")),
    Case("compile-optimizer-torch-class", _compile(optimizer=torch.optim.SGD), TypeError, ("instance",)),
    Case(
        "compile-loss-misspelled",
        _compile(loss="sparse_categorical_crossentropyy"),
        ValueError,
        ("loss=", "sparse_categorical_crossentropy'?"),
    ),
    Case(
        "compile-loss-torch-name",
        _compile(loss="nll"),
        ValueError,
        ("loss='nll'", "sparse_categorical_crossentropy"),
    ),
    Case("compile-loss-l2", _compile(loss="l2"), ValueError, ("loss='l2'", "mean_squared_error")),
    Case("compile-loss-number", _compile(loss=3), TypeError, ("loss", "3")),
    Case("compile-metrics-string", _compile(metrics="accuracy"), TypeError, ("metrics=['accuracy']",)),
    Case("compile-metrics-misspelled", _compile(metrics=["acuracy"]), ValueError, ("acuracy", "'accuracy'")),
    Case("compile-metrics-f1", _compile(metrics=["f1"]), ValueError, ("metrics='f1'", "'f1_score'")),
    Case("compile-metrics-rmse", _compile(metrics=["rmse"]), ValueError, ("'root_mean_squared_error'",)),
    Case("compile-metrics-r2", _compile(metrics=["r2"]), ValueError, ("'r2_score'",)),
    Case("compile-metrics-number", _compile(metrics=[5]), TypeError, ("metrics", "5")),
    Case(
        "compile-metrics-needs-argument",
        _compile(metrics=["precision_at_recall"]),
        ValueError,
        ("recall", "instance"),
    ),
    Case(
        "compile-weighted-metrics-string",
        _compile(weighted_metrics="mae"),
        TypeError,
        ("weighted_metrics=['mae']",),
    ),
    Case("compile-loss-weights-text", _compile(loss_weights="heavy"), TypeError, ("loss_weights", "heavy")),
    Case("compile-device-unknown", _compile(device="tpu"), (ValueError, RuntimeError), ("tpu",)),
    Case("compile-mixed-precision-unknown", _compile(mixed_precision="fp8"), ValueError, ("fp8", "bf16")),
    Case("compile-strategy-unknown", _compile(strategy="mirrored"), ValueError, ("mirrored", "ddp")),
    Case(
        "compile-shared-optimizer",
        _share_optimizer,
        ValueError,
        ("already compiled into another model", "own optimizer", "from_config"),
        "silent",
    ),
    Case(
        "fit-torch-optimizer-of-other-parameters",
        _torch_optimizer_of_another_model,
        ValueError,
        ("not parameters of this model", "model.parameters()"),
    ),
]

OPTIMIZER_ARGUMENTS = [
    Case("adam-negative-rate", lambda w: ADAM(learning_rate=-1), ValueError, ("learning_rate=-1",)),
    Case("adam-text-rate", lambda w: ADAM(learning_rate="fast"), TypeError, ("learning_rate", "fast")),
    Case("adam-beta-1-above-one", lambda w: ADAM(beta_1=1.5), ValueError, ("beta_1", "1.5")),
    Case("adam-negative-epsilon", lambda w: ADAM(epsilon=-1e-7), ValueError, ("epsilon",)),
    Case("adam-unknown-argument", lambda w: ADAM(lr=0.1), TypeError, ("lr", "learning_rate")),
    Case("sgd-negative-momentum", lambda w: optimizers.SGD(momentum=-0.5), ValueError, ("momentum", "-0.5")),
    Case("rmsprop-rho-above-one", lambda w: optimizers.RMSprop(rho=2.0), ValueError, ("rho", "2.0")),
    Case(
        "two-clipping-arguments",
        lambda w: ADAM(clipnorm=1.0, clipvalue=0.5),
        ValueError,
        ("clipnorm=1.0", "clipvalue=0.5", "one of them"),
    ),
    Case("negative-clipnorm", lambda w: ADAM(clipnorm=-1.0), ValueError, ("clipnorm",)),
    Case(
        "negative-weight-decay", lambda w: optimizers.AdamW(weight_decay=-0.1), ValueError, ("weight_decay",)
    ),
    Case(
        "torch-lbfgs",
        lambda w: optimizers.TorchOptimizer(torch.optim.LBFGS(w.wrapped.parameters())),
        TypeError,
        ("LBFGS", "closure"),
    ),
]

FIT_ARGUMENTS = [
    Case("fit-epochs-negative", _fit(epochs=-1), ValueError, ("epochs=-1",)),
    Case("fit-epochs-float", _fit(epochs=2.5), ValueError, ("epochs=2.5", "int")),
    Case("fit-epochs-text", _fit(epochs="10"), ValueError, ("epochs='10'",)),
    Case("fit-batch-size-zero", _fit(batch_size=0), ValueError, ("batch_size=0",)),
    Case("fit-batch-size-float", _fit(batch_size=8.0), ValueError, ("batch_size=8.0",)),
    Case("fit-batch-size-negative", _fit(batch_size=-4), ValueError, ("batch_size=-4",)),
    Case("fit-verbose-three", _fit(verbose=3), ValueError, ("verbose=3", "'auto'")),
    Case("fit-verbose-text", _fit(verbose="loud"), ValueError, ("verbose='loud'",)),
    Case(
        "fit-validation-split-one", _fit(validation_split=1.0), ValueError, ("validation_split=1.0", "[0, 1)")
    ),
    Case(
        "fit-validation-split-negative", _fit(validation_split=-0.1), ValueError, ("validation_split=-0.1",)
    ),
    Case("fit-validation-split-text", _fit(validation_split="0.2"), ValueError, ("validation_split='0.2'",)),
    Case(
        "fit-validation-split-leaves-nothing",
        _fit(validation_split=0.99),
        ValueError,
        ("validation_split=0.99", "no samples for training"),
    ),
    Case("fit-validation-freq-zero", _fit(validation_freq=0), ValueError, ("validation_freq=0",)),
    Case(
        "fit-validation-freq-list-zero", _fit(validation_freq=[0, 2]), ValueError, ("validation_freq=[0, 2]",)
    ),
    Case("fit-validation-freq-text", _fit(validation_freq="2"), ValueError, ("validation_freq='2'",)),
    Case("fit-initial-epoch-negative", _fit(initial_epoch=-1), ValueError, ("initial_epoch=-1",)),
    Case("fit-steps-per-epoch-zero", _fit(steps_per_epoch=0), ValueError, ("steps_per_epoch=0",)),
    Case("fit-validation-steps-zero", _fit(validation_steps=0), ValueError, ("validation_steps=0",)),
    Case(
        "fit-validation-batch-size-zero",
        _fit(validation_batch_size=0),
        ValueError,
        ("validation_batch_size=0",),
    ),
    Case(
        "fit-several-at-once",
        _fit(epochs=-1, batch_size=0, verbose=9),
        ValueError,
        ("epochs=-1", "batch_size=0", "verbose=9"),
    ),
    Case(
        "fit-class-and-sample-weight",
        _fit(class_weight={0: 1.0}, sample_weight=np.ones(24)),
        ValueError,
        ("class_weight", "sample_weight", "together"),
    ),
    Case(
        "fit-class-weight-unknown-class",
        _fit(class_weight={0: 1.0, 5: 3.0}),
        ValueError,
        ("does not have", "[5]", "0 to 2"),
        "silent",
    ),
    Case("fit-class-weight-text-key", _fit(class_weight={"cat": 1.0}), ValueError, ("class_weight", "cat")),
    Case("fit-class-weight-negative-key", _fit(class_weight={-1: 2.0}), ValueError, ("keys must be >= 0",)),
    Case("fit-class-weight-nan", _fit(class_weight={0: float("nan")}), ValueError, ("finite", "nan")),
    Case("fit-class-weight-infinite", _fit(class_weight={1: float("inf")}), ValueError, ("finite", "inf")),
    Case("fit-class-weight-negative-value", _fit(class_weight={1: -2.0}), ValueError, (">= 0", "-2.0")),
    Case(
        "fit-class-weight-list", _fit(class_weight=[1.0, 2.0]), TypeError, ("class_weight=[1.0, 2.0]", "dict")
    ),
    Case(
        "fit-callbacks-not-a-list",
        _fit(callbacks=EarlyStopping(monitor="loss")),
        TypeError,
        ("single EarlyStopping", "callbacks=[EarlyStopping(...)]"),
        "message",
    ),
    Case(
        "fit-callbacks-class", _fit(callbacks=[EarlyStopping]), TypeError, ("EarlyStopping(...)", "instance")
    ),
    Case("fit-callbacks-text", _fit(callbacks="early_stopping"), TypeError, ("callbacks", "early_stopping")),
    Case("fit-callbacks-number", _fit(callbacks=3), TypeError, ("callbacks=3",)),
    Case(
        "fit-callbacks-entry-function", _fit(callbacks=[print]), TypeError, ("Callback", "builtin_function")
    ),
    Case("fit-callbacks-dict", _fit(callbacks={"stop": EarlyStopping()}), TypeError, ("callbacks", "dict")),
    Case(
        "fit-validation-data-one-item",
        lambda w: w.fit(validation_data=(w.x_val,)),
        ValueError,
        ("validation_data", "1 items"),
    ),
    Case(
        "fit-validation-data-four-items",
        lambda w: w.fit(validation_data=(w.x_val, w.y_val, w.y_val, w.y_val)),
        ValueError,
        ("validation_data", "4 items"),
    ),
    Case("fit-before-compile", _uncompiled("fit"), ValueError, ("compile() before fit()",)),
    Case("evaluate-before-compile", _uncompiled("evaluate"), ValueError, ("compile() before evaluate()",)),
    Case(
        "train-on-batch-before-compile",
        _uncompiled("train_on_batch"),
        ValueError,
        ("compile() before train_on_batch()",),
    ),
    Case(
        "test-on-batch-before-compile",
        _uncompiled("test_on_batch"),
        ValueError,
        ("compile() before test_on_batch()",),
    ),
    Case(
        "train-on-batch-class-and-sample-weight",
        lambda w: w.model.train_on_batch(w.x, w.y, sample_weight=np.ones(24), class_weight={0: 2.0}),
        ValueError,
        ("class_weight", "sample_weight"),
    ),
]

EVALUATE_PREDICT_ARGUMENTS = [
    Case("evaluate-batch-size-zero", _evaluate(batch_size=0), ValueError, ("batch_size=0",)),
    Case("evaluate-steps-zero", _evaluate(steps=0), ValueError, ("steps=0",)),
    Case("evaluate-verbose-five", _evaluate(verbose=5), ValueError, ("verbose=5",)),
    Case(
        "evaluate-callbacks-not-a-list",
        _evaluate(callbacks=EarlyStopping()),
        TypeError,
        ("single EarlyStopping",),
    ),
    Case("evaluate-without-y", _evaluate(y=None), ValueError, ("`y` is required", "y=None"), "silent"),
    Case("predict-batch-size-zero", _predict(batch_size=0), ValueError, ("batch_size=0",)),
    Case("predict-steps-negative", _predict(steps=-1), ValueError, ("steps=-1",)),
    Case("predict-verbose-text", _predict(verbose="yes"), ValueError, ("verbose='yes'",)),
    Case(
        "predict-callbacks-not-a-list",
        _predict(callbacks=EarlyStopping()),
        TypeError,
        ("single EarlyStopping",),
    ),
    Case("predict-x-none", _predict(x=None), ValueError, ("`x` is required", "x=None")),
    Case(
        "get-layer-unknown", lambda w: w.model.get_layer("dense_99"), ValueError, ("dense_99", "layers are")
    ),
    Case("get-layer-both", lambda w: w.model.get_layer("dense", 0), ValueError, ("exactly one",)),
    Case("model-of-a-number", lambda w: fitwell.Model(5), TypeError, ("Model() takes", "int")),
    Case(
        "model-inputs-without-outputs",
        lambda w: fitwell.Model(inputs=fitwell.Input(shape=(3,))),
        ValueError,
        ("both `inputs` and `outputs`",),
    ),
]

CASES = COMPILE + OPTIMIZER_ARGUMENTS + FIT_ARGUMENTS + EVALUATE_PREDICT_ARGUMENTS


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_argument_is_a_clear_error_that_changes_nothing(case, tmp_path):
    check(case, tmp_path)


def test_a_model_compiled_again_with_another_optimizer_frees_the_first(tmp_path):
    shared = optimizers.SGD(learning_rate=0.1)
    first, second = small_classifier(), small_classifier()
    first.compile(optimizer=shared, loss="mse", device="cpu")
    first.compile(optimizer="adam", loss="mse", device="cpu")
    second.compile(optimizer=shared, loss="mse", device="cpu")  # free again: no error
    before = [p.detach().clone() for p in second.parameters()]
    second.fit(np.ones((8, 4), "float32"), np.zeros((8, 3), "float32"), verbose=0)
    assert any(not torch.equal(a, b) for a, b in zip(before, second.parameters(), strict=True))


def test_recompiling_one_model_with_its_own_optimizer_is_fine():
    model = small_classifier()
    shared = optimizers.SGD(learning_rate=0.1)
    model.compile(optimizer=shared, loss="mse", device="cpu")
    model.compile(optimizer=shared, loss="mae", device="cpu")
    assert model.optimizer is shared
