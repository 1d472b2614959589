"""`metrics.get` resolves every name Keras 3 resolves, and the log key is the string the user wrote."""

from __future__ import annotations

import pytest
import torch

import fitwell
from fitwell import losses, metrics

# Keras metric names fitwell does not provide (image-segmentation IoU and correlation metrics).
NOT_PROVIDED = {
    "BinaryIoU",
    "IoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "ConcordanceCorrelation",
}
# Base classes Keras lists too; they take values (or a function), not (y_true, y_pred).
NOT_NAMEABLE = {"Metric", "Mean", "Sum", "MeanMetricWrapper"}
NEED_ARGUMENT = {
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
}


def _keras_names(keras) -> dict[str, str]:
    from keras.src.metrics import ALL_OBJECTS_DICT

    return {
        name: cls.__name__
        for name, cls in ALL_OBJECTS_DICT.items()
        if cls.__name__ not in NOT_PROVIDED | NOT_NAMEABLE
    }


def test_every_keras_name_resolves_to_the_same_metric_with_that_name(keras):
    for name, class_name in _keras_names(keras).items():
        if class_name in NEED_ARGUMENT or metrics.needs_shapes(name):
            continue  # see the tests below: they need an argument, or are chosen by shapes (as in Keras)
        metric = metrics.get(name)
        assert type(metric).__name__ == class_name, name
        assert metric.name == name
        assert name in metrics.known_names()


def test_names_of_metrics_that_need_an_argument_ask_for_an_instance():
    with pytest.raises(ValueError, match=r"needs a `recall` value.*PrecisionAtRecall\(recall=0.8\)"):
        metrics.get("precision_at_recall")
    with pytest.raises(ValueError, match="needs a `precision` value"):
        metrics.get("RecallAtPrecision")


@pytest.mark.parametrize(
    "name, class_name",
    [
        ("mse", "MeanSquaredError"),
        ("MSE", "MeanSquaredError"),
        ("mae", "MeanAbsoluteError"),
        ("mape", "MeanAbsolutePercentageError"),
        ("msle", "MeanSquaredLogarithmicError"),
        ("bce", "BinaryCrossentropy"),
        ("auc", "AUC"),
        ("AUC", "AUC"),
        ("precision", "Precision"),
        ("recall", "Recall"),
        ("f1_score", "F1Score"),
        ("r2_score", "R2Score"),
        ("top_k_categorical_accuracy", "TopKCategoricalAccuracy"),
        ("root_mean_squared_error", "RootMeanSquaredError"),
        ("kl_divergence", "KLDivergence"),
        ("f_beta_score", "FBetaScore"),
        # Accepted beyond Keras 3 (tf.keras spellings and default names).
        ("kld", "KLDivergence"),
        ("logcosh", "LogCoshError"),
        ("fbeta_score", "FBetaScore"),
        ("Mse", "MeanSquaredError"),
    ],
)
def test_aliases_resolve_and_keep_the_written_name(name, class_name):
    metric = metrics.get(name)
    assert type(metric).__name__ == class_name
    assert metric.name == name


def test_unknown_names_suggest_the_closest_one():
    with pytest.raises(ValueError, match=r"Received: metrics='precison'\. Did you mean 'precision'\?"):
        metrics.get("precison")
    with pytest.raises(ValueError, match="Unknown metric name"):
        metrics.get("crossentropy")  # a loss shortcut, not a metric name (as in Keras)


@pytest.mark.parametrize("name", ["accuracy", "acc", "Accuracy", "ACC"])
def test_accuracy_is_chosen_by_shapes_and_keeps_the_written_name(name):
    binary = metrics.get(name, y_true=torch.zeros(4, 1), y_pred=torch.zeros(4, 1))
    sparse = metrics.get(name, y_true=torch.zeros(4), y_pred=torch.zeros(4, 3))
    sparse_column = metrics.get(name, y_true=torch.zeros(4, 1), y_pred=torch.zeros(4, 3))
    categorical = metrics.get(name, y_true=torch.zeros(4, 3), y_pred=torch.zeros(4, 3))
    assert isinstance(binary, metrics.BinaryAccuracy) and binary.threshold == 0.5
    assert isinstance(sparse, metrics.SparseCategoricalAccuracy)
    assert isinstance(sparse_column, metrics.SparseCategoricalAccuracy)
    assert isinstance(categorical, metrics.CategoricalAccuracy)
    assert {binary.name, sparse.name, categorical.name} == {name}
    assert metrics.needs_shapes(name)


def test_accuracy_with_a_logits_loss_thresholds_at_zero():
    loss = losses.BinaryCrossentropy(from_logits=True)
    metric = metrics.get("accuracy", y_true=torch.zeros(4, 1), y_pred=torch.zeros(4, 1), loss=loss)
    assert metric.threshold == 0.0
    assert float(metric(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.3], [-0.2]]))) == 1.0


def test_accuracy_without_shapes_is_an_error():
    with pytest.raises(ValueError, match="chosen from the label and output shapes"):
        metrics.get("accuracy")


def test_instances_classes_and_functions():
    auc = metrics.AUC(name="val_auc_metric")
    assert metrics.get(auc) is auc
    assert isinstance(metrics.get(metrics.Precision), metrics.Precision)

    def my_error(y_true, y_pred):
        return (y_true - y_pred).abs()

    wrapped = metrics.get(my_error)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "my_error"
    with pytest.raises(TypeError, match="must be a metric name, a fitwell Metric or a function"):
        metrics.get(3)


def test_default_names_are_snake_case_without_a_global_counter():
    assert metrics.AUC().name == "auc" and metrics.AUC().name == "auc"
    assert metrics.Precision().name == "precision"
    assert metrics.LogCoshError().name == "logcosh"


def test_compiled_metrics_log_under_the_names_the_user_wrote(binary_data):
    x, y = binary_data
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer="adam",
        loss="binary_crossentropy",
        metrics=["acc", "AUC", "mse", metrics.Precision(name="p"), metrics.F1Score(threshold=0.5)],
    )
    history = model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    assert {"acc", "AUC", "mse", "p", "f1_score"} <= set(history.history)
    outputs = model.predict(x, verbose=0)
    auc = metrics.AUC()(torch.from_numpy(y), torch.as_tensor(outputs))
    evaluated = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    assert evaluated["AUC"] == pytest.approx(float(auc), rel=1e-5)


CONFIGURED = [
    metrics.BinaryAccuracy(threshold=0.3, name="b"),
    metrics.SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True),
    metrics.TopKCategoricalAccuracy(k=2, dtype="float64"),
    metrics.Precision(thresholds=[0.2, 0.4], top_k=2, class_id=1),
    metrics.Recall(thresholds=0.7),
    metrics.FalseNegatives(thresholds=[0.1, 0.9]),
    metrics.RecallAtPrecision(0.7, num_thresholds=50, class_id=0),
    metrics.SpecificityAtSensitivity(0.4),
    metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring", from_logits=True),
    metrics.AUC(thresholds=[0.3, 0.6], multi_label=True, num_labels=2, label_weights=[1.0, 2.0]),
    metrics.F1Score(average="macro", threshold=0.4),
    metrics.FBetaScore(average="weighted", beta=2.0),
    metrics.R2Score("variance_weighted_average", 3),
    metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    metrics.CategoricalCrossentropy(label_smoothing=0.2, axis=-1),
    metrics.SparseCategoricalCrossentropy(ignore_class=-1),
    metrics.CosineSimilarity(axis=-1),
    metrics.RootMeanSquaredError(name="rmse"),
    metrics.Mean(name="m"),
]


@pytest.mark.parametrize("metric", CONFIGURED, ids=lambda m: type(m).__name__)
def test_get_config_rebuilds_an_identical_metric(metric):
    import json

    config = json.loads(json.dumps(metric.get_config()))
    rebuilt = type(metric)(**config)
    assert rebuilt.get_config() == metric.get_config()
    assert rebuilt.name == metric.name and rebuilt.dtype == metric.dtype
