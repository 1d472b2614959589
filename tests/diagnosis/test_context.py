"""Chance levels from the loss and the number of classes."""

from __future__ import annotations

import math

import pytest
import torch

import fitwell
from conftest import make_classifier
from fitwell.diagnosis.context import context_from_model, make_context


@pytest.mark.parametrize(
    ("loss", "classes", "chance"),
    [
        ("sparse_categorical_crossentropy", 10, math.log(10)),
        ("categorical_crossentropy", 4, math.log(4)),
        ("SparseCategoricalCrossentropy", 3, math.log(3)),
        (fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), 5, math.log(5)),
        (torch.nn.CrossEntropyLoss(), 7, math.log(7)),
        (torch.nn.NLLLoss, 7, math.log(7)),
        ("binary_crossentropy", None, math.log(2)),
        (torch.nn.BCEWithLogitsLoss(), None, math.log(2)),
        ("crossentropy", 2, math.log(2)),
    ],
)
def test_cross_entropy_losses_know_their_chance_level(loss, classes, chance):
    context = make_context(loss, classes)
    assert context.chance_loss == pytest.approx(chance)
    assert context.chance_accuracy == pytest.approx(1 / (classes or 2))


def test_other_losses_or_an_unknown_class_count_have_no_chance_level():
    assert make_context("mse").chance_loss is None
    assert make_context("sparse_categorical_crossentropy").chance_loss is None
    assert make_context(None, 10).chance_accuracy == pytest.approx(0.1)


def test_num_classes_below_two_is_rejected():
    with pytest.raises(ValueError, match="`num_classes` must be an int >= 2. Received: num_classes=1"):
        make_context("categorical_crossentropy", 1)
    # One sigmoid output is how Keras users count a binary classifier (a published segmentation
    # log, bb_018, gave 1 with binary cross-entropy): read as 2 classes.
    binary = make_context("binary_crossentropy", 1)
    assert binary.num_classes == 2 and binary.chance_loss == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="num_classes=0"):
        make_context("binary_crossentropy", 0)


def test_the_context_is_read_from_a_compiled_model():
    model = make_classifier(features=10, classes=3)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu")
    context = context_from_model(model)
    assert context.num_classes == 3 and context.chance_loss == pytest.approx(math.log(3))
    regression = fitwell.Sequential([fitwell.Input(shape=(2,)), fitwell.layers.Dense(1)])
    regression.compile(optimizer="sgd", loss="mse", device="cpu")
    assert context_from_model(regression).chance_loss is None
