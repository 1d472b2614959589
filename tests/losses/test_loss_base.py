"""The Loss protocol: per-sample values from `call`, weighting and reduction in one place."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import losses
from fitwell.losses import Loss, LossFunctionWrapper, TorchLoss, align_ranks, reduce_weighted

Y_TRUE = torch.tensor([[0.0], [0.0]])
Y_PRED = torch.tensor([[1.0], [3.0]])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [("sum_over_batch_size", 0.5), ("mean", 0.5), ("sum", 1.0), ("mean_with_sample_weight", 1.0)],
)
def test_zero_weights_count_in_the_denominator_except_for_mean_with_sample_weight(reduction, expected):
    # Keras: MSE(y=[[0],[0]], p=[[1],[3]], sw=[1, 0]) is 0.5, and 1.0 with mean_with_sample_weight.
    loss = losses.MeanSquaredError(reduction=reduction)
    assert loss(Y_TRUE, Y_PRED, torch.tensor([1.0, 0.0])).item() == pytest.approx(expected)


def test_column_weights_weigh_like_flat_weights():
    loss = losses.MeanSquaredError(reduction="sum")
    flat = loss(Y_TRUE, Y_PRED, torch.tensor([2.0, 0.5]))
    assert loss(Y_TRUE, Y_PRED, torch.tensor([[2.0], [0.5]])).item() == flat.item() == pytest.approx(6.5)


def test_reduction_none_returns_one_value_per_sample():
    values = losses.MeanSquaredError(reduction="none")(Y_TRUE, Y_PRED)
    assert values.shape == (2,) and values.tolist() == [1.0, 9.0]
    assert losses.MeanSquaredError(reduction=None)(Y_TRUE, Y_PRED).shape == (2,)


def test_unknown_reduction_is_rejected_with_the_choices():
    with pytest.raises(
        ValueError, match=r"`reduction` must be one of .*'sum_over_batch_size'.*Received: reduction='auto'"
    ):
        losses.MeanSquaredError(reduction="auto")


def test_flat_labels_against_column_predictions_do_not_broadcast():
    values = losses.MeanAbsoluteError(reduction="none")(
        torch.tensor([0.0, 0.0, 0.0]), torch.tensor([[1.0], [2.0], [3.0]])
    )
    assert values.tolist() == [1.0, 2.0, 3.0]
    a, b = align_ranks(torch.zeros(3, 1), torch.zeros(3))
    assert a.shape == b.shape == (3, 1)


def test_all_zero_weights_give_zero_and_finite_gradients():
    y_pred = Y_PRED.clone().requires_grad_(True)
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")(Y_TRUE, y_pred, torch.zeros(2))
    loss.backward()
    assert loss.item() == 0.0 and torch.isfinite(y_pred.grad).all()


def test_mask_averages_over_kept_entries_only():
    values = torch.tensor([2.0, 4.0, 100.0])
    keep = torch.tensor([True, True, False])
    assert reduce_weighted(values, None, "sum_over_batch_size", mask=keep).item() == pytest.approx(3.0)
    assert reduce_weighted(values, None, "sum", mask=keep).item() == pytest.approx(6.0)
    assert reduce_weighted(
        values, torch.tensor([1.0, 3.0, 1.0]), "mean_with_sample_weight", mask=keep
    ).item() == (pytest.approx((2.0 + 12.0) / 4.0))
    assert reduce_weighted(values, None, "mean", mask=torch.zeros(3, dtype=torch.bool)).item() == 0.0


def test_arrays_and_lists_are_accepted_for_standalone_use():
    assert losses.MeanSquaredError()(np.zeros((2, 1)), [[1.0], [3.0]]).item() == pytest.approx(5.0)


def test_half_precision_predictions_are_reduced_in_float32():
    value = losses.BinaryCrossentropy()(torch.ones(4, 1), torch.full((4, 1), 0.5, dtype=torch.float16))
    assert value.dtype == torch.float32 and value.item() == pytest.approx(np.log(2.0), rel=1e-6)


def test_float64_inputs_stay_float64():
    value = losses.Huber()(Y_TRUE.double(), Y_PRED.double())
    assert value.dtype == torch.float64


def test_the_fast_path_equals_the_general_reduction():
    rng = torch.Generator().manual_seed(0)
    y_true, y_pred = torch.rand(16, 3, generator=rng), torch.rand(16, 3, generator=rng)
    loss = losses.LogCosh()
    assert loss(y_true, y_pred).item() == pytest.approx(
        reduce_weighted(loss.call(y_true, y_pred), None, "sum_over_batch_size").item()
    )
    assert loss(y_true, y_pred).item() == pytest.approx(loss(y_true, y_pred, torch.ones(16)).item())


def test_a_subclass_only_implements_call():
    class Cubed(Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 3).mean(dim=-1)

    loss = Cubed(reduction="sum")
    assert loss.name == "cubed"
    assert loss(Y_TRUE, Y_PRED).item() == pytest.approx(28.0)
    with pytest.raises(NotImplementedError, match="must implement `call"):
        Loss()(Y_TRUE, Y_PRED)


def test_function_wrapper_aligns_ranks_and_passes_arguments():
    def scaled_error(y_true, y_pred, *, scale):
        return scale * (y_pred - y_true).abs().mean(dim=-1)

    loss = LossFunctionWrapper(scaled_error, scale=2.0)
    assert loss.name == "scaled_error"
    assert loss(torch.zeros(2), Y_PRED).item() == pytest.approx(4.0)
    assert loss.get_config()["scale"] == 2.0


def test_torch_losses_are_called_in_torch_order_and_take_weights_when_unreduced():
    logits = torch.tensor([[2.0, 0.0], [0.0, 3.0]])
    labels = torch.tensor([0, 1])
    expected = torch.nn.functional.cross_entropy(logits, labels)
    assert TorchLoss(torch.nn.CrossEntropyLoss())(labels, logits).item() == pytest.approx(expected.item())
    weighted = TorchLoss(torch.nn.CrossEntropyLoss(reduction="none"))(
        labels, logits, torch.tensor([1.0, 0.0])
    )
    per_sample = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    assert weighted.item() == pytest.approx(per_sample[0].item() / 2)
    with pytest.raises(
        ValueError, match=r"reduced them already. Create it with reduction='none'. Received: reduction='mean'"
    ):
        TorchLoss(torch.nn.CrossEntropyLoss())(labels, logits, torch.ones(2))


@pytest.mark.parametrize(
    "loss",
    [
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=-1, reduction="sum", name="b"),
        losses.BinaryFocalCrossentropy(True, 0.3, gamma=1.0, from_logits=True),
        losses.CategoricalCrossentropy(label_smoothing=0.2),
        losses.CategoricalFocalCrossentropy(alpha=[0.2, 0.8], gamma=3.0),
        losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1),
        losses.Huber(delta=0.5),
        losses.CosineSimilarity(axis=0),
        losses.MeanSquaredLogarithmicError(reduction="none"),
    ],
)
def test_get_config_round_trips(loss):
    clone = type(loss).from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA to detect device syncs")
@pytest.mark.parametrize(
    "name",
    [
        name
        for name in losses.__all__
        if name[0].isupper() and name not in ("Loss", "LossFunctionWrapper", "TorchLoss")
    ],
)
def test_no_loss_reads_the_device_back(name):
    cls = getattr(losses, name)
    kwargs = {"ignore_class": -1} if name == "SparseCategoricalCrossentropy" else {}
    kwargs = {"alpha": [0.1, 0.2, 0.7]} if name == "CategoricalFocalCrossentropy" else kwargs
    device = torch.device("cuda")
    y_pred = torch.rand(8, 3, device=device).softmax(-1)
    labels = torch.randint(0, 3, (8,), device=device)
    y_true = labels if name.startswith("Sparse") else torch.nn.functional.one_hot(labels, 3).float()
    weight = torch.rand(8, device=device)
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight", "none"):
        loss = cls(**kwargs, reduction=reduction)
        loss(y_true, y_pred, weight)  # warm-up: cached constants move to the device here
        torch.cuda.synchronize()
        torch.cuda.set_sync_debug_mode("error")
        try:
            loss(y_true, y_pred)
            loss(y_true, y_pred, weight)
        finally:
            torch.cuda.set_sync_debug_mode("default")
