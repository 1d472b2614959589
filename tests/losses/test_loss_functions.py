"""Loss classes and functions against torch oracles, argument checks and numerical stability."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from fitwell import losses


@pytest.fixture
def pair():
    rng = torch.Generator().manual_seed(0)
    return torch.randn(8, 3, generator=rng, dtype=torch.float64), torch.randn(
        8, 3, generator=rng, dtype=torch.float64
    )


def test_regression_losses_match_torch(pair):
    y_true, y_pred = pair
    assert losses.MeanSquaredError()(y_true, y_pred).item() == pytest.approx(
        F.mse_loss(y_pred, y_true).item()
    )
    assert losses.MeanAbsoluteError()(y_true, y_pred).item() == pytest.approx(
        F.l1_loss(y_pred, y_true).item()
    )
    for delta in (0.3, 1.0, 2.5):
        expected = F.huber_loss(y_pred, y_true, delta=delta).item()
        assert losses.Huber(delta=delta)(y_true, y_pred).item() == pytest.approx(expected)
    log_cosh = torch.log(torch.cosh(y_pred - y_true)).mean().item()
    assert losses.LogCosh()(y_true, y_pred).item() == pytest.approx(log_cosh)
    cosine = -F.cosine_similarity(y_true, y_pred, dim=-1).mean().item()
    assert losses.CosineSimilarity()(y_true, y_pred).item() == pytest.approx(cosine)


def test_probabilistic_losses_match_torch(pair):
    y_true, y_pred = pair[0].softmax(-1), pair[1].softmax(-1)
    kl = F.kl_div(y_pred.log(), y_true, reduction="none").sum(-1).mean().item()
    assert losses.KLDivergence()(y_true, y_pred).item() == pytest.approx(kl)
    counts, rates = torch.poisson(torch.full((8, 3), 3.0, dtype=torch.float64)), pair[1].exp()
    expected = F.poisson_nll_loss(rates, counts, log_input=False, eps=1e-7).item()
    assert losses.Poisson()(counts, rates).item() == pytest.approx(expected)


def test_cross_entropies_match_torch(pair):
    logits = pair[1]
    labels = pair[0].argmax(-1)
    expected = F.cross_entropy(logits, labels).item()
    assert losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits).item() == pytest.approx(
        expected
    )
    assert losses.CategoricalCrossentropy(from_logits=True)(
        F.one_hot(labels, 3), logits
    ).item() == pytest.approx(expected)
    smoothed = F.cross_entropy(logits, labels, label_smoothing=0.2).item()
    assert losses.CategoricalCrossentropy(True, 0.2)(F.one_hot(labels, 3), logits).item() == pytest.approx(
        smoothed
    )
    targets = (pair[0] > 0).double()
    bce = F.binary_cross_entropy_with_logits(logits, targets).item()
    assert losses.BinaryCrossentropy(from_logits=True)(targets, logits).item() == pytest.approx(bce)


def test_hinge_converts_zero_one_labels_only_when_all_labels_are_zero_or_one():
    scores = torch.tensor([[0.5, -0.5]])
    assert losses.hinge(torch.tensor([[1.0, 0.0]]), scores).item() == pytest.approx(0.5)  # as +1/-1
    assert losses.hinge(torch.tensor([[1.0, -1.0]]), scores).item() == pytest.approx(0.5)
    # A -1 among the labels: no conversion, so the 0 label stays 0 (loss 1 there).
    assert losses.hinge(torch.tensor([[-1.0, 0.0]]), scores).item() == pytest.approx((1.5 + 1.0) / 2)


@pytest.mark.parametrize(
    "loss", [losses.BinaryCrossentropy(from_logits=True), losses.BinaryFocalCrossentropy(from_logits=True)]
)
def test_binary_logits_path_is_stable_for_huge_logits(loss):
    logits = torch.tensor([[-1e4], [1e4], [-60.0]], requires_grad=True)
    targets = torch.tensor([[1.0], [0.0], [1.0]])
    value = loss(targets, logits)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(logits.grad).all()
    # Confidently wrong samples keep a gradient (a clipped probability would give none).
    assert (logits.grad.abs() > 0).all()


def test_binary_focal_from_logits_equals_the_exact_formula_where_keras_would_clip():
    logits = torch.tensor([[-40.0], [25.0], [3.0]], dtype=torch.float64)
    targets = torch.tensor([[1.0], [1.0], [0.0]], dtype=torch.float64)
    p = torch.sigmoid(logits)
    p_t = targets * p + (1 - targets) * (1 - p)
    cross_entropy = -(targets * F.logsigmoid(logits) + (1 - targets) * F.logsigmoid(-logits))
    expected = ((1 - p_t) ** 2 * cross_entropy).squeeze(-1)
    got = losses.binary_focal_crossentropy(targets, logits, from_logits=True)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=0)
    assert got[0].item() == pytest.approx(40.0, rel=1e-9)  # Keras's clipped path gives 16.1


def test_categorical_logits_path_is_stable_for_huge_logits():
    logits = torch.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
    for loss in (
        losses.CategoricalCrossentropy(from_logits=True),
        losses.CategoricalFocalCrossentropy(from_logits=True),
    ):
        value = loss(torch.tensor([[0.0, 1.0, 0.0]]), logits)
        assert torch.isfinite(value)
        assert value.item() == pytest.approx(
            2e4 * (0.25 if "Focal" in type(loss).__name__ else 1.0), rel=1e-6
        )


def test_probability_path_clips_like_keras():
    assert losses.binary_crossentropy(
        torch.tensor([[1.0]]),
        torch.tensor([[0.0]]),
    ).item() == pytest.approx(-math.log(1e-7), rel=1e-6)
    # Rows are renormalised before clipping: [0.2, 0.2] counts as [0.5, 0.5].
    assert losses.categorical_crossentropy(
        torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.2]])
    ).item() == pytest.approx(math.log(2))


def test_sparse_ignore_class_leaves_samples_out_of_the_mean_and_never_gives_nan():
    scores = torch.tensor([[0.2, 0.8], [0.0, 0.0], [0.5, 0.5]])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert loss(torch.tensor([1, -1, -1]), scores).item() == pytest.approx(-math.log(0.8))
    assert loss(torch.tensor([-1, -1, -1]), scores).item() == 0.0
    weighted = loss(torch.tensor([1, -1, 0]), scores, torch.tensor([2.0, 5.0, 0.0]))
    assert weighted.item() == pytest.approx(2 * -math.log(0.8) / 2)


def test_sparse_labels_with_the_class_axis_first():
    scores = torch.tensor([[[0.9, 0.2], [0.1, 0.8]]])  # (N=1, C=2, T=2)
    values = losses.SparseCategoricalCrossentropy(axis=1, reduction="none")(torch.tensor([[0, 1]]), scores)
    assert values.shape == (1, 2)
    torch.testing.assert_close(values, -torch.log(torch.tensor([[0.9 / 1.0, 0.8 / 1.0]])))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: losses.BinaryCrossentropy(label_smoothing=1.5),
            r"`label_smoothing` must be a float in \[0, 1\].*Received: label_smoothing=1.5",
        ),
        (lambda: losses.CategoricalCrossentropy(axis=True), r"`axis` must be an int.*Received: axis=True"),
        (lambda: losses.BinaryFocalCrossentropy(gamma=-1.0), r"`gamma` must be >= 0.*Received: gamma=-1.0"),
        (lambda: losses.CategoricalFocalCrossentropy(gamma=-2.0), r"Received: gamma=-2.0"),
        (
            lambda: losses.SparseCategoricalCrossentropy(ignore_class=0.5),
            r"`ignore_class` must be an int.*Received: ignore_class=0.5",
        ),
        (lambda: losses.Huber(delta=0.0), r"`delta` must be a positive number. Received: delta=0.0"),
        (lambda: losses.CosineSimilarity(axis="last"), r"Received: axis='last'"),
    ],
)
def test_bad_arguments_fail_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_default_names_are_kerass():
    assert losses.Huber().name == "huber_loss"
    assert losses.KLDivergence().name == "kl_divergence"
    assert losses.BinaryFocalCrossentropy(name="focal").name == "focal"
