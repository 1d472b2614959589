"""Drawing History curves and learning-rate sweeps, headless."""

from __future__ import annotations

import pytest

from conftest import make_classifier
from diagnosis import synthetic
from fitwell.diagnosis import diagnose
from fitwell.plotting import plot_history, plot_lr_sweep

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

PNG_MAGIC = b"\x89PNG"


def _lines_at(axes, x: float) -> int:
    return sum(1 for line in axes.get_lines() if list(line.get_xdata()) == [x, x])


def test_two_panels_training_against_validation_with_the_best_epoch():
    run = synthetic.overfitting(30, best=10)
    run["accuracy"] = [0.5 + 0.01 * i for i in range(30)]
    run["val_accuracy"] = [0.6] * 10 + [0.7] + [0.6] * 19
    figure = plot_history(run)
    assert isinstance(figure, Figure)
    loss_axes, metric_axes = figure.axes
    assert (loss_axes.get_ylabel(), metric_axes.get_ylabel()) == ("loss", "accuracy")
    labels = [line.get_label() for line in loss_axes.get_lines()]
    assert labels[:2] == ["training", "validation"]
    best = diagnose(run).primary.evidence["best_epoch"] + 1
    assert f"best (epoch {best})" in labels
    assert "best (epoch 11)" in [line.get_label() for line in metric_axes.get_lines()]  # max for accuracy


def test_the_findings_are_written_on_the_loss_panel():
    figure = plot_history(synthetic.overfitting(30, best=10))
    title = figure.axes[0].get_title(loc="left")
    assert title.startswith("overfitting: val_loss was lowest at epoch 11")


def test_learning_rate_changes_are_marked():
    run = synthetic.healthy(20)
    run["learning_rate"] = [1e-3] * 8 + [5e-4] * 12
    axes = plot_history(run).axes[0]
    assert _lines_at(axes, 9) == 1
    assert any(text.get_text() == "lr=0.0005" for text in axes.texts)


def test_only_loss_recorded_gives_one_panel():
    figure = plot_history({"loss": [1.0, 0.5, 0.4]})
    assert [axes.get_ylabel() for axes in figure.axes] == ["loss"]


def test_any_metric_name_and_val_prefix_are_accepted():
    run = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "my_f1": [0.2, 0.4], "val_my_f1": [0.3, 0.5]}
    assert plot_history(run, "val_my_f1").axes[1].get_ylabel() == "my_f1"
    assert [a.get_ylabel() for a in plot_history(run, "loss").axes] == ["loss"]


def test_unknown_metric_lists_the_available_ones():
    with pytest.raises(ValueError, match="no metric 'acc'.*Available: \\['accuracy', 'loss'\\]"):
        plot_history({"loss": [1.0], "accuracy": [0.5]}, "acc")


def test_path_saves_an_image(tmp_path):
    path = tmp_path / "curves.png"
    figure = plot_history(synthetic.healthy(10), path=path)
    assert path.read_bytes()[:4] == PNG_MAGIC and isinstance(figure, Figure)


def test_drawing_into_given_axes():
    figure = Figure()
    one = figure.add_subplot(1, 3, 1)
    two = [figure.add_subplot(1, 3, 2), figure.add_subplot(1, 3, 3)]
    run = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}
    assert plot_history(run, ax=one) is figure and one.get_ylabel() == "loss"
    plot_history(run, "accuracy", ax=two[0])
    assert two[0].get_ylabel() == "accuracy"
    plot_history(run, ax=two)
    assert two[1].get_ylabel() == "accuracy"


def test_history_plot_delegates(blobs, tmp_path):
    x, y = blobs
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0)
    figure = history.plot("accuracy", path=tmp_path / "h.png")
    assert [axes.get_ylabel() for axes in figure.axes] == ["loss", "accuracy"]
    assert (tmp_path / "h.png").exists()


def test_diagnosis_false_draws_no_findings():
    assert (
        plot_history(synthetic.overfitting(30, best=10), diagnosis=False).axes[0].get_title(loc="left") == ""
    )


def test_lr_sweep_is_drawn_on_a_log_axis_with_the_suggestion(tmp_path):
    figure = plot_lr_sweep(
        [1e-4, 1e-3, 1e-2, 1e-1],
        [2.3, 2.0, float("nan"), 5.0],
        suggestion=1e-3,
        smoothed=[2.3, 2.1, 1.9],
        path=tmp_path / "lr.png",
    )
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    assert "suggested 0.001" in [line.get_label() for line in axes.get_lines()]
    assert (tmp_path / "lr.png").read_bytes()[:4] == PNG_MAGIC
