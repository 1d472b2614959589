"""Finding summaries quote the numbers a rule measured, each at the epoch it belongs to, so that the words,
the arrows and the percentages beside them agree. Each test is a message once found wrong on the public
logs: an arrow over two epochs read as one, a jump "in one epoch" quoted from five epochs back, a "kept
falling" pair that rose, an "at epoch" attached to nothing, "both curves" of a run with one, "0.0%"."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import diagnose

from . import synthetic

CE = {"loss": "categorical_crossentropy", "num_classes": 10}


def test_a_jump_measured_from_two_epochs_back_names_the_epoch_it_rose_from():
    run = synthetic.healthy(30)
    for epoch in range(5, 30, 4):  # climbs over two epochs: 1.25×, then 1.5× its level
        run["val_loss"][epoch - 1] *= 1.25
        run["val_loss"][epoch] *= 1.5
    finding = diagnose(run, **CE).get("unstable")
    assert finding is not None
    # From 0.1446 two epochs before, not 0.1828 the epoch before: both epochs are named.
    assert "(largest: val_loss 0.1446 at epoch 24 → 0.2133 at epoch 26, +47%)" in finding.summary


def test_a_jump_from_the_previous_epoch_reads_as_one_step():
    run = synthetic.healthy(30)
    for epoch in range(5, 30, 4):
        run["val_loss"][epoch] *= 4.0
    finding = diagnose(run, **CE).get("unstable")
    assert finding is not None
    largest = finding.summary.split("(largest: ")[1]
    assert largest.count("at epoch") == 1, finding.summary


def test_a_one_epoch_explosion_is_quoted_from_the_epoch_before_it_with_a_readable_factor():
    # The lowest loss (0.1, epoch 2) is three epochs before the explosion; the epoch before it is 0.4.
    loss = [1.0, 0.1, 0.3, 0.35, 0.4, 4e6, 0.09, 0.08, 0.07, 0.06]
    finding = diagnose({"loss": loss}).get("diverged")
    assert finding is not None
    assert finding.summary.startswith(
        "loss exploded 1e+07× in one epoch: from 0.4 (epoch 5) to 4e+06 at epoch 6;"
    ), finding.summary


def test_still_making_new_lows_names_the_epoch_of_each_value_it_quotes():
    history = {
        "loss": [0.3, 0.2, 0.18, 0.17, 0.165, 0.16],
        "val_loss": [0.17, 0.1599, 0.1574, 0.1581, 0.1458, 0.1476],
    }
    finding = diagnose(history).get("still_improving")
    assert finding is not None
    assert finding.summary == (
        "val_loss is still making new lows: 0.1458 at epoch 5, in the last 2 epochs, against 0.1574 at "
        "best before them (epoch 3; 7% lower)."
    )


def test_overfitting_quotes_the_training_fall_it_measured_not_a_last_epoch_spike():
    run = synthetic.overfitting(40, best=12)
    run["loss"][-1] = 1.0  # one bad last epoch, above the loss at the best epoch: the level still fell
    finding = diagnose(run).get("overfitting")
    assert finding is not None
    smoothed = np.median(run["loss"][11:14])
    ended = np.median(run["loss"][-10:])
    assert (
        f"while loss kept falling (smoothed {smoothed:.4g} at epoch 13 → {ended:.4g}, the median of its "
        "last 10 epochs)" in finding.summary
    )
    assert "→ 1)" not in finding.summary


def test_underfitting_without_validation_speaks_of_the_training_loss_alone():
    run = synthetic.flat_and_high(40)
    with_validation = diagnose(run, **CE).get("underfitting")
    alone = diagnose({"loss": run["loss"]}, **CE).get("underfitting")
    assert with_validation is not None and "both curves are flat" in with_validation.summary
    assert alone is not None and "the training loss is flat" in alone.summary
    assert "both curves" not in alone.summary and "gap" not in alone.summary


def test_a_loss_that_never_moved_says_it_never_fell_even_a_tenth_of_a_percent():
    finding = diagnose({"loss": [0.487434 - 1e-6 * i for i in range(10)]}).get("not_learning")
    assert finding is not None
    assert finding.summary == "the loss did not move: it never fell even 0.1% below its first value."


def test_an_overfitting_summary_quotes_the_validation_loss_at_its_own_last_epoch(tmp_path):
    # A last epoch cut off before its evaluation (`fz_016`) has no validation loss: the last one
    # quoted is the epoch before's, and named so.
    val = [0.5, 0.42, 0.4, 0.43, 0.47, 0.5, 0.54, 0.57, 0.6, ""]
    rows = [f"{epoch},{1.0 / (1 + epoch):.4f},{v}" for epoch, v in enumerate(val)]
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss,val_loss\n" + "\n".join(rows) + "\n")
    finding = diagnose(str(path)).get("overfitting")
    assert finding is not None and "last 0.6 at epoch 9)" in finding.summary
