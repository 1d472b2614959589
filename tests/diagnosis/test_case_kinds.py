"""Synthetic development examples of the kinds of cases that real runs showed the rules missing.

Each builds the curve shape from its description (not from any stored run) and checks the
finding, its evidence and that its advice fits the run.
"""

from __future__ import annotations

import numpy as np
import pytest

from fitwell.diagnosis import diagnose, stats

from . import synthetic

CE = {"loss": "sparse_categorical_crossentropy", "num_classes": 10}


# -- one catastrophic epoch -------------------------------------------------------------------
@pytest.mark.parametrize("recovers", [False, True])
def test_one_epoch_explosion_is_divergence(recovers):
    loss = synthetic.decay(30, 2.0, 0.3).tolist()
    loss[12] = 3000.0
    if not recovers:
        loss[13:] = [14.0] * 17  # sits above where it started
    finding = diagnose({"loss": loss, "learning_rate": [0.01] * 30}, **CE).primary
    assert finding.kind == "diverged" and finding.epochs == [12]
    assert "exploded" in finding.summary and "3000" in finding.summary and "0.001–0.003" in finding.advice


def test_validation_far_above_the_baseline_is_divergence():
    loss = synthetic.decay(20, 2.0, 0.5).tolist()
    finding = diagnose({"loss": loss, "val_loss": [400.0] * 20}, **CE).primary
    assert finding.kind == "diverged" and "val_loss ended at 400" in finding.summary


# -- overfitting seen in the metric gap ----------------------------------------------------------
def _gap_run(n=60, rise=0.10, stall=False, noise=0.002):
    t = np.arange(n)
    loss = synthetic.decay(n, 0.7, 0.1, speed=3.0)
    best = n // 2
    if stall:
        val = np.where(t < best, 0.6 - 0.15 * t / best, 0.45)
    else:
        val = np.where(t < best, 0.6 - 0.15 * t / best, 0.45 * (1 + rise * (t - best) / (n - 1 - best)))
    accuracy = 0.6 + 0.37 * (1 - np.exp(-3 * t / n))
    val_accuracy = np.minimum(0.6 + 0.2 * t / best, 0.8)
    return {
        "loss": loss.tolist(),
        "val_loss": synthetic.noisy(val, noise).tolist(),
        "accuracy": accuracy.tolist(),
        "val_accuracy": val_accuracy.tolist(),
    }


def test_a_small_rise_with_a_large_accuracy_gap_is_overfitting():
    finding = diagnose(_gap_run(rise=0.08), loss="binary_crossentropy").primary
    assert finding.kind == "overfitting"
    assert finding.evidence["metric_end"] - finding.evidence["val_metric_end"] > 0.1
    assert "val_accuracy" in finding.summary
    # Without the gap, the same small rise hidden in epoch-to-epoch noise is not enough...
    no_gap = _gap_run(rise=0.08, noise=0.03)
    no_gap["accuracy"] = no_gap["val_accuracy"]
    assert diagnose(no_gap, loss="binary_crossentropy").primary.kind != "overfitting"


def test_a_small_rise_that_goes_on_epoch_after_epoch_is_overfitting():
    # A published text classifier: val_loss lowest at epoch 6 (0.465), then up four epochs in a
    # row to 0.505 (+9%) while the training loss keeps falling; accuracy 0.86 against 0.80.
    run = {
        "loss": [0.517, 0.476, 0.455, 0.44, 0.421, 0.404, 0.38, 0.367, 0.339, 0.316],
        "accuracy": [0.758, 0.788, 0.795, 0.808, 0.816, 0.822, 0.833, 0.842, 0.854, 0.862],
        "val_loss": [0.512, 0.477, 0.472, 0.477, 0.475, 0.465, 0.484, 0.49, 0.498, 0.505],
        "val_accuracy": [0.781, 0.786, 0.795, 0.799, 0.798, 0.8, 0.795, 0.797, 0.798, 0.8],
    }
    finding = diagnose(run, loss="binary_crossentropy").primary
    assert finding.kind == "overfitting" and finding.evidence["best_epoch"] == 5
    # The same values in a jumbled order after the low are noise, not a climb (without the
    # accuracy gap, which is evidence of its own).
    jumbled = {
        "loss": run["loss"],
        "val_loss": [0.512, 0.477, 0.472, 0.477, 0.475, 0.465, 0.49, 0.484, 0.505, 0.469],
    }
    assert diagnose(jumbled, loss="binary_crossentropy").primary.kind != "overfitting"


def test_a_climb_over_the_last_epochs_counts_where_the_curve_ends():
    # A published run: val_loss lowest 0.1405 at epoch 18, flat for six epochs, then 0.151, 0.162,
    # 0.160, 0.168 (+19%) while the training loss keeps falling. The median of the last quarter
    # (0.151) hides the climb; the last three epochs show where the curve ended.
    run = {
        "loss": [0.976, 0.798, 0.592, 0.498, 0.388, 0.290, 0.235, 0.201, 0.174, 0.153, 0.141, 0.134]
        + [0.129, 0.126, 0.123, 0.120, 0.120, 0.115, 0.114, 0.113, 0.112, 0.111, 0.109, 0.111]
        + [0.108, 0.108, 0.105, 0.105],
        "val_loss": [1.020, 0.767, 0.652, 0.582, 0.511, 0.456, 0.428, 0.393, 0.345, 0.275, 0.225, 0.194]
        + [0.176, 0.164, 0.157, 0.151, 0.144, 0.1405, 0.144, 0.143, 0.144, 0.146, 0.146, 0.144]
        + [0.151, 0.162, 0.160, 0.168],
    }
    finding = diagnose(run, loss="mse").primary
    assert finding.kind == "overfitting" and finding.evidence["best_epoch"] == 17
    assert finding.evidence["end_val_loss"] == pytest.approx(0.162)
    # One high epoch at the end that the last value does not confirm is not where the curve ended.
    blip = {"loss": run["loss"], "val_loss": run["val_loss"][:-4] + [0.146, 0.168, 0.145, 0.144]}
    assert diagnose(blip, loss="mse").primary.kind != "overfitting"


def test_a_few_steps_up_from_the_bottom_of_a_noisy_flat_band_are_not_overfitting():
    # A published regression run (mse): val_loss flat in a 0.0067-0.0080 band from epoch 5; its
    # lowest point comes late and the last epochs wander back into the band. Four of five steps
    # up, 2.1 noise deviations above the low: chance, not a climb.
    run = {
        "loss": [0.093042, 0.015236, 0.0092661, 0.0092821, 0.0077909, 0.0072703, 0.0068401, 0.0069418]
        + [0.0076451, 0.0069126, 0.006331, 0.0062068, 0.0055136, 0.0053456, 0.0056735],
        "val_loss": [0.028325, 0.010313, 0.0085667, 0.010019, 0.0070977, 0.0077747, 0.0080224, 0.0076731]
        + [0.0071923, 0.0066506, 0.0067798, 0.007476, 0.0078203, 0.0072815, 0.0076103],
    }
    assert diagnose(run, loss="mse").kinds == ["healthy"]


def test_validation_jumps_that_the_accuracy_does_not_confirm_are_the_sets_noise():
    # Like a published run: 1,282 validation images scored 98-99%; val_loss jumps to twice its
    # level now and then while the accuracy moves by about ten images (under 3 standard errors).
    rng = np.random.default_rng(0)
    n = 60
    loss = np.maximum(1.2 * np.exp(-np.arange(n) / 6), 0.02) * (1 + 0.1 * rng.standard_normal(n))
    val_loss = np.maximum(1.0 * np.exp(-np.arange(n) / 6), 0.04) * (1 + 0.05 * rng.standard_normal(n))
    mistakes = np.maximum(np.round(600 * np.exp(-np.arange(n) / 5)), 15) + rng.integers(0, 3, n)
    for top in range(20, n - 2, 8):
        val_loss[top] *= 2.2
        mistakes[top] += 10
    run = {
        "loss": loss.tolist(),
        "accuracy": (1 - 0.5 * mistakes / 1282).tolist(),
        "val_loss": val_loss.tolist(),
        "val_accuracy": (1 - mistakes / 1282).tolist(),
    }
    assert diagnose(run, **CE).kinds == ["healthy"]
    # Without the accuracy to weigh them, the same jumps are instability.
    del run["val_accuracy"]
    assert diagnose(run, **CE).primary.kind == "unstable"


def test_validation_that_stalls_while_the_gap_grows_is_overfitting():
    finding = diagnose(_gap_run(stall=True), loss="binary_crossentropy").primary
    assert finding.kind == "overfitting" and "stopped improving" in finding.summary


def test_the_advice_names_the_metric_when_validation_accuracy_peaks_later():
    run = _gap_run(rise=0.3)
    n = len(run["loss"])
    run["val_loss"][3] = 0.3  # val_loss lowest at epoch 4, while accuracy keeps improving
    run["val_accuracy"] = np.minimum(0.6 + 0.3 * np.arange(n) / (n - 10), 0.88).tolist()
    finding = diagnose(run, loss="binary_crossentropy").get("overfitting")
    assert finding is not None
    assert (
        "val_accuracy was highest at epoch" in finding.advice
        and "monitor='val_accuracy', mode='max'" in finding.advice
    )


# -- honest near-perfect validation ---------------------------------------------------------------
def _honest(n, val_accuracy_end, samples, ratio):
    loss = synthetic.decay(n, 2.2, 0.06, speed=6.0)
    val_loss = loss * ratio
    t = np.arange(n)
    val_accuracy = np.round((val_accuracy_end - 0.3 * np.exp(-t)) * samples) / samples
    val_accuracy[1] = val_accuracy[2] - 1.0 / samples
    return {
        "loss": loss.tolist(),
        "accuracy": (1 - loss / 3).tolist(),
        "val_loss": val_loss.tolist(),
        "val_accuracy": val_accuracy.tolist(),
    }


@pytest.mark.parametrize(
    ("accuracy", "samples", "ratio"),
    [(0.995, 10000, 0.5), (0.996, 12000, 0.8), (1.0, 36, 0.3), (1.0, 30, 0.9), (1.0, 300, 0.9)],
)
def test_honest_near_perfect_validation_is_not_suspicious(accuracy, samples, ratio):
    """MNIST-class 99.5%, validation loss below training (dropout), tiny sets at 100%."""
    kinds = diagnose(_honest(30, accuracy, samples, ratio), **CE).kinds
    assert "suspicious_validation" not in kinds


@pytest.mark.parametrize(("samples", "ratio"), [(1000, 0.9), (300, 0.5)])
def test_perfect_validation_on_many_samples_or_beating_training_is_suspicious(samples, ratio):
    assert diagnose(_honest(30, 1.0, samples, ratio), **CE).primary.kind == "suspicious_validation"


def test_a_validation_accuracy_that_misses_a_sample_at_every_epoch_is_not_a_perfect_score():
    """0.99975 on 4,000 samples at every epoch of the end window (one miss each time) is a very good
    honest model, not a perfect score; the same run scored 1 at its last epoch is suspicious."""
    near = _honest(30, 1 - 1 / 4000, 4000, 0.5)
    assert "suspicious_validation" not in diagnose(near, **CE).kinds
    near["val_accuracy"][-1] = 1.0
    assert diagnose(near, **CE).primary.kind == "suspicious_validation"


# -- erratic validation ---------------------------------------------------------------------------
@pytest.mark.parametrize("late", [False, True])
def test_validation_jumping_up_and_down_while_training_is_smooth_is_unstable(late):
    n = 60
    loss = synthetic.decay(n, 50.0, 0.1, speed=8.0) if late else synthetic.decay(n, 2.0, 0.2)
    val = loss * 1.3
    jumps = np.arange(n) % 7 == 3
    if late:
        jumps &= np.arange(n) > 30  # after the losses fell 100x
    val = np.where(jumps, val * 2.0, val)
    finding = diagnose({"loss": loss.tolist(), "val_loss": val.tolist()}, **({} if late else CE)).get(
        "unstable"
    )
    assert finding is not None and finding.evidence["curve"] == "val_loss"


def test_a_validation_loss_rising_steadily_is_not_erratic():
    run = synthetic.overfitting(80, best=20)
    assert "unstable" not in diagnose(run).kinds


# -- converged high bias vs. a plateau the rate causes --------------------------------------------
def test_a_linear_model_on_a_nonlinear_task_is_underfitting_not_a_plateau():
    loss = synthetic.decay(60, 0.69, 0.36, speed=10.0)
    run = {
        "loss": loss.tolist(),
        "val_loss": (loss * 0.98).tolist(),
        "accuracy": (0.5 + 0.33 * (1 - np.exp(-np.arange(60) / 5))).tolist(),
        "val_accuracy": (0.5 + 0.34 * (1 - np.exp(-np.arange(60) / 5))).tolist(),
        "learning_rate": [0.01] * 60,
    }
    finding = diagnose(run, loss="binary_crossentropy").primary
    assert finding.kind == "underfitting" and "high bias" in finding.summary
    assert "capacity" in finding.advice and "ReduceLROnPlateau" not in finding.advice


# -- still improving, too short --------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3])
def test_runs_of_one_to_three_epochs_still_falling_are_too_short_to_judge(n):
    losses = [2.2, 1.8, 1.5][:n]
    finding = diagnose({"loss": losses, "val_loss": [v * 0.9 for v in losses]}, **CE).primary
    assert finding.kind == "still_improving" and "too short to judge" in finding.summary


def test_a_three_epoch_run_whose_last_epoch_barely_moved_is_still_too_short_to_judge():
    # Published runs: 0.830 → 0.469 → 0.464, and a validation loss up at the last of 3 epochs.
    finding = diagnose({"loss": [0.830, 0.469, 0.464]}).primary
    assert finding.kind == "still_improving"
    assert finding.summary == (
        "only 3 epochs, and loss went 0.83 → 0.464 (0.469 → 0.464 in the last): too short to judge "
        "whether it converged."
    )
    run = {"loss": [0.185, 0.176, 0.171], "val_loss": [0.180, 0.175, 0.196]}
    assert diagnose(run).primary.kind == "still_improving"
    # Already near zero, nothing is left to judge.
    assert diagnose({"loss": [2.3, 0.002, 0.001]}, **CE).primary.kind == "healthy"


def test_a_two_epoch_run_is_judged_by_its_validation_loss_too():
    # A published run (cp_020, both readers: clearly still improving): a fine-tuning phase of 2
    # epochs, the training loss near zero (0.085, under 5% of ln 8) but the validation loss still
    # falling 41% in the last epoch. Two validation losses are no curve for the other rules; the
    # run was read as healthy by its training loss alone.
    run = {"loss": [0.2067, 0.085], "val_loss": [0.1979, 0.1175]}
    finding = diagnose(run, loss="sparse_categorical_crossentropy", num_classes=8).primary
    assert finding.kind == "still_improving"
    assert finding.summary.startswith("only 2 epochs, and val_loss still fell 41% in the last one")
    assert "EarlyStopping(monitor='val_loss'" in finding.advice
    # A validation loss not recorded at the first epoch leaves two to judge by.
    gap = {"loss": [0.3, 0.2067, 0.085], "val_loss": [float("nan"), 0.1979, 0.1175]}
    finding = diagnose(gap, loss="sparse_categorical_crossentropy", num_classes=8).primary
    assert finding.summary.startswith("only 3 epochs, and val_loss still fell 41% in the last one")
    # Both near zero: nothing left to judge.
    done = {"loss": [0.2067, 0.085], "val_loss": [0.09, 0.085]}
    assert diagnose(done, loss="sparse_categorical_crossentropy", num_classes=8).primary.kind == "healthy"


def test_a_run_still_improving_steadily_at_a_high_level_is_still_improving():
    loss = 8.0 + 200.0 * np.exp(-np.arange(20) / 1.5) - 0.15 * np.arange(20)  # 2-3% per epoch at the end
    val = loss * 1.2
    finding = diagnose({"loss": loss.tolist(), "val_loss": val.tolist()}, loss="mse", baseline=23.5).primary
    assert finding.kind == "still_improving"


def test_a_loss_near_zero_still_easing_down_is_healthy():
    loss = synthetic.decay(40, 2.0, 0.0, speed=6.0) + 0.01
    assert diagnose({"loss": loss.tolist(), "accuracy": [0.99] * 40}, **CE).primary.kind == "healthy"


# -- advice that fits the run's own columns --------------------------------------------------------
@pytest.mark.parametrize(
    "run",
    [
        {"loss": synthetic.decay(40, 2.3, 0.9, speed=12.0).tolist()},  # flat, no validation
        {"loss": [2.3, 2.0]},  # too short, no validation
        {"loss": synthetic.decay(40, 2.3, 0.1).tolist()},
        {"loss": synthetic.flat_and_jittery(40)["loss"]},
    ],
)
def test_advice_for_a_run_without_validation_never_names_a_validation_key(run):
    for finding in diagnose(run, **CE):
        assert "val_" not in finding.advice and "val_" not in finding.summary, finding


# -- logs with validation metrics but no validation loss -------------------------------------------
def test_a_validation_accuracy_that_peaks_and_falls_without_a_validation_loss_is_overfitting():
    # A hand-written loop that logs train_loss and val_acc only (like a published log, on a
    # validation set of about 700 samples: the accuracy moves in steps of 0.0014).
    run = {
        "epoch": list(range(1, 13)),
        "train_loss": [0.69, 0.63, 0.5, 0.41, 0.34, 0.25, 0.22, 0.18, 0.15, 0.13, 0.11, 0.1],
        "val_acc": [0.677, 0.839, 0.8376, 0.806, 0.8074, 0.806, 0.8046, 0.742, 0.7434, 0.774, 0.7754, 0.774],
    }
    finding = diagnose(run).primary
    assert finding.kind == "overfitting" and finding.evidence["metric"] == "val_acc"
    assert finding.summary.startswith("val_acc was best at epoch 2 (0.839), then fell")
    assert "monitor='val_acc', mode='max'" in finding.advice
    # On 31 samples (the published log's set), the same fall is two answers: noise.
    small = {
        **run,
        "val_acc": [0.677, 0.839, 0.839, 0.806, 0.806, 0.806, 0.806, 0.742, 0.742, 0.774, 0.774, 0.774],
    }
    assert "overfitting" not in diagnose(small).kinds
    # Without the validation metric, the same training loss says only that it still falls.
    assert diagnose({"loss": run["train_loss"]}).primary.kind == "still_improving"


def test_a_validation_metric_decides_between_still_improving_and_healthy_without_a_validation_loss():
    n = 60
    loss = (1.9 * np.exp(-np.arange(n) / 25) + 0.3).tolist()  # still falling at the end
    flat = np.minimum(0.3 + 0.62 * (1 - np.exp(-np.arange(n) / 6)), 0.92)  # converged long ago
    diagnosis = diagnose({"loss": loss, "val_acc": flat.round(4).tolist()})
    assert diagnosis.kinds == ["healthy"] and "val_acc at 0.92" in diagnosis.primary.summary
    assert "monitor='val_acc', mode='max'" in diagnosis.primary.advice
    rising = 0.3 + 0.6 * (1 - np.exp(-np.arange(n) / 30))  # still rising epoch after epoch
    finding = diagnose({"loss": loss, "val_acc": rising.round(4).tolist()}).primary
    assert finding.kind == "still_improving" and finding.summary.startswith("val_acc set a new high")
    # A validation metric where lower is better stands in as it is.
    mse = {  # a published regression log
        "loss": [0.804635, 0.506493, 0.424517, 0.389091, 0.371088, 0.359089, 0.349144],
        "val_mse": [0.717934, 0.649194, 0.683988, 0.733272, 0.741737, 0.746661, 0.713689],
    }
    finding = diagnose(mse).primary
    assert (
        finding.kind == "overfitting" and "val_mse was best at epoch 2 (0.6492), then rose" in finding.summary
    )


def test_an_auc_stands_in_before_an_accuracy_that_rewards_the_majority_class():
    # A published log of an imbalanced task: validation accuracy starts at the majority share
    # (0.936, nothing predicted positive) and falls as the model learns to find positives, while
    # the validation AUC rises and settles.
    n = 30
    run = {
        "train_loss": (0.02 + 0.06 * np.exp(-np.arange(n) / 5)).tolist(),
        "val_accuracy": np.linspace(0.936, 0.877, n).round(4).tolist(),
        "val_auc": np.minimum(0.75 + 0.04 * (1 - np.exp(-np.arange(n) / 3)), 0.79).round(4).tolist(),
    }
    diagnosis = diagnose(run)
    assert diagnosis.kinds == ["healthy"] and "val_auc at 0.79" in diagnosis.primary.summary
    assert "monitor='val_auc', mode='max'" in diagnosis.primary.advice


def test_a_validation_score_of_exactly_1_from_the_first_epoch_is_suspicious():
    # A published Mask R-CNN run: val_mask_AP 1.0 at all 50 epochs while the loss fell 0.98 -> 0.11.
    loss = (0.11 + 0.87 * np.exp(-np.arange(50) / 4)).tolist()
    run = {"loss": loss, "val_mask_ap": [1.0] * 50}
    finding = diagnose(run).primary
    assert finding.kind == "suspicious_validation" and finding.evidence["metric"] == "val_mask_ap"
    assert "val_mask_ap is exactly 1 at every epoch from the first on" in finding.summary
    # Reaching 1 later is a model that learned the validation set.
    later = {"loss": loss, "val_mask_ap": [0.6, 0.8, 0.9, *[1.0] * 47]}
    assert "suspicious_validation" not in diagnose(later).kinds


def test_a_validation_loss_of_exactly_0_at_every_epoch_is_suspicious():
    # A published waypoint regressor (az_017, both readers: suspicious_validation): the validation
    # loader gave no targets, so val_loss was 0.0 at all 16 epochs (and EarlyStopping stopped on it)
    # while the training loss fell 0.156 -> 0.008.
    loss = (0.008 + 0.148 * np.exp(-np.arange(16) / 2)).tolist()
    run = {"loss": loss, "val_loss": [0.0] * 16}
    finding = diagnose(run).primary
    assert finding.kind == "suspicious_validation" and finding.evidence["epochs"] == 16
    assert "val_loss is exactly 0 at all 16 epochs while loss fell from 0.156 to 0.008" in finding.summary
    assert "EarlyStopping and ModelCheckpoint monitoring val_loss see nothing" in finding.advice
    # A training loss that did not fall by half, near 0: not a model still learning (judged
    # otherwise).
    flat = {"loss": [0.02 - 0.0001 * e for e in range(16)], "val_loss": [0.0] * 16}
    assert "suspicious_validation" not in diagnose(flat).kinds
    # One that stayed far from 0 is no model exact on every validation sample (di_002: a
    # placeholder 0.0 beside a binary cross-entropy of 0.33 -> 0.26).
    placeholder = {"loss": [0.3261, 0.2824, 0.2703, 0.262, 0.2607], "val_loss": [0.0] * 5}
    finding = diagnose(placeholder, loss="binary_crossentropy").primary
    assert finding.kind == "suspicious_validation" and "loss fell from 0.3261 to 0.2607" in finding.summary
    # A validation loss that reaches 0 later is a model that learned the set.
    later = {"loss": loss, "val_loss": [0.3, 0.1, *[0.0] * 14]}
    assert diagnose(later).primary.evidence.get("epochs") != 16


def test_a_training_loss_frozen_above_its_best_is_not_learning():
    # A published regression run: the MSE reached 0.0256, jumped, then stayed at exactly 0.0281
    # for 67 epochs: the model's outputs stopped changing.
    loss = [26.42, 0.0285, 0.0283, 0.0281, 0.028, 0.0279, 0.0277, 0.0272, 0.0256, 0.0415] + [0.0281] * 67
    val_loss = [0.0293, 0.027, 0.0269, 0.0268, 0.0267, 0.0266, 0.0264, 0.0258, 0.0243, 0.0268] + [0.0268] * 67
    finding = diagnose({"loss": loss, "val_loss": val_loss}, loss="mse").primary
    assert finding.kind == "not_learning" and finding.evidence["frozen_value"] == 0.0281
    assert "loss was exactly 0.0281 at each of the last" in finding.summary
    # A loss that settles at its best, printed to few digits, is converged, not dead.
    settled = loss[:8] + [0.0256] * 69
    assert "not_learning" not in diagnose({"loss": settled, "val_loss": val_loss}, loss="mse").kinds


def test_a_training_loss_held_within_a_fifth_of_a_percent_above_its_best_is_not_learning():
    # A published forecasting run (scaled MSE): 10 epochs of slow progress, a jump at epoch 11, then
    # the loss moved only in its fourth digit (the batches' order) for 9 epochs: the outputs stopped
    # changing, though not to the last digit.
    loss = [3.25, 2.88, 2.80, 2.78, 2.75, 2.75, 2.73, 2.69, 2.67, 2.68, 3.039]
    loss += [3.1027, 3.1017, 3.1040, 3.1005, 3.1033, 3.1045, 3.1045, 3.0988, 3.1030]
    val_loss = [3.15, 3.04, 2.90, 2.89, 2.96, 2.96, 3.12, 2.87, 2.91, 2.83] + [3.35, 3.38, 3.34] * 3 + [3.35]
    history = {"loss": [v * 1e-4 for v in loss], "val_loss": [v * 1e-4 for v in val_loss]}
    finding = diagnose(history).primary
    assert finding.kind == "not_learning"
    assert "loss was within 0.18% of 0.0003103 at each of the last 5 epochs" in finding.summary
    # A tail that differs only past the four digits a message shows says so, not "within 3e-05%".
    tiny = {"loss": [v * 1e-4 for v in loss[:11]] + [3.1027e-4 + 1e-12 * (e % 2) for e in range(9)]}
    assert "loss was 0.0003103 to four digits at each of the last 5 epochs" in diagnose(tiny).primary.summary
    # The same wobble at the loss's best is a converged run, not a dead one.
    converged = {"loss": [v * 1e-4 for v in loss[:10] + [2.6702, 2.6690, 2.6711] * 3 + [2.67]]}
    assert "not_learning" not in diagnose(converged).kinds


def test_an_error_rate_of_100_percent_at_every_epoch_is_not_learning_though_the_loss_crawls():
    # A published speech recognizer (ci_005) trained to overfit 20 utterances: its CTC loss fell
    # 3.34 -> 2.64 in a nearly straight line while its character error rate stayed 100.00%: it
    # emits blanks only. The crawl alone would say the rate is too low.
    loss = [3.3394, 3.1415, 3.0872, 2.9744, 2.8666, 2.7679, 2.6855, 2.6484, 2.6418]
    finding = diagnose({"loss": loss, "cer": [100.0] * 9}).primary
    assert finding.kind == "not_learning" and finding.evidence == {"metric": "cer", "constant_value": 100.0}
    assert "cer was 100% (every unit wrong) at each of its 9 epochs" in finding.summary
    val_loss = [value * 1.05 for value in loss]
    assert diagnose({"loss": loss, "val_loss": val_loss, "val_wer": [1.0] * 9}).primary.kind == "not_learning"
    # An error rate that moved, or a training one beside a validation loss, is no such evidence.
    assert (
        diagnose({"loss": loss, "cer": [100.0] * 5 + [97.0, 90.0, 85.0, 80.0]}).primary.kind == "lr_too_low"
    )
    assert "not_learning" not in diagnose({"loss": loss, "val_loss": val_loss, "wer": [1.0] * 9}).kinds
    # A word error rate of 100% beside a character error rate that fell is a model that emits no
    # spaces yet, learning; so is a training rate stuck at 100% beside a validation one that fell.
    falling = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35]
    spaces = {"loss": loss, "val_loss": val_loss, "val_cer": falling, "val_wer": [1.0] * 9}
    assert "not_learning" not in diagnose(spaces).kinds
    assert "not_learning" not in diagnose({"loss": loss, "val_cer": falling, "cer": [100.0] * 9}).kinds
    # A published recognizer (dc_016): the character error rate over 100% at first (insertions on
    # top of every character wrong), then exactly 100% (blanks only), beside a word error rate at
    # 100% throughout, while the CTC loss halved: nothing was ever right.
    ctc = {
        "loss": [10.07, 10.06, 9.61, 5.61, 5.24],
        "val_loss": [11.76, 11.76, 5.23, 6.31, 5.72],
        "val_cer": [2.637, 2.637, 1.0, 1.0, 1.0],
        "val_wer": [1.0] * 5,
    }
    finding = diagnose(ctc).primary
    assert finding.kind == "not_learning" and finding.evidence == {"metric": "val_cer", "best_value": 1.0}
    assert "val_cer never went under 100% (every unit wrong; 264% → 100%) in its 5 epochs" in finding.summary
    # One epoch under 100% is a unit right: no such evidence. Nor is a good rate logged in
    # percent (8.1% → 3.9%), or a count of errors.
    assert "not_learning" not in diagnose({**ctc, "val_cer": [2.637, 2.637, 1.0, 0.97, 1.0]}).kinds
    good = {**ctc, "val_loss": [11.7, 9.0, 7.0, 6.0, 5.5], "val_cer": [60.0, 12.0, 4.0, 2.0, 1.0]}
    assert "not_learning" not in diagnose({**good, "val_wer": [19.0, 15.0, 12.0, 11.0, 10.2]}).kinds
    assert "not_learning" not in diagnose({**good, "val_wer": [5230.0, 4100.0, 3000.0, 2500.0, 2050.0]}).kinds


def test_a_validation_r2_never_above_0_is_not_learning():
    # A published regression (dg_007, both readers: not learning, clear): its validation R² was
    # -0.23 to -0.01 over 10 epochs, no better than predicting the targets' mean, while both
    # losses sat at the targets' variance (1.33).
    r2 = [-0.2323, -0.0098, -0.0196, -0.1077, -0.1156, -0.0468, -0.0151, -0.0174, -0.0128, -0.0372]
    run = {
        "loss": [1.924, 1.816, 1.49, 1.272, 1.354, 1.345, 1.32, 1.304, 1.538, 1.342],
        "val_loss": [1.64, 1.344, 1.357, 1.475, 1.485, 1.393, 1.351, 1.354, 1.348, 1.381],
        "val_r2": r2,
    }
    finding = diagnose(run).primary
    assert finding.kind == "not_learning" and finding.evidence == {"metric": "val_r2", "best": -0.0151}
    assert "val_r2 never got clearly above 0, what predicting the targets' mean scores" in finding.summary
    # An R² that rose above 0.1 learned something; so did one still climbing at the end (-3 to
    # 0.085), or a model's other output; a loss named after it is no R² (a review's cases).
    assert "not_learning" not in diagnose({**run, "val_r2": [*r2[:7], 0.05, 0.12, 0.2]}).kinds
    falling = [4 * 0.9**e for e in range(10)]
    rising = {"loss": [v * 0.9 for v in falling], "val_loss": falling, "val_r2": [1 - v for v in falling]}
    assert "not_learning" not in diagnose(rising).kinds
    assert "not_learning" not in diagnose({**run, "val_a_r2": [0.3 + 0.06 * e for e in range(10)]}).kinds
    small = [0.08 * 0.8**e for e in range(10)]
    assert "not_learning" not in diagnose({"loss": small, "val_loss": small, "val_loss_r2": small}).kinds


def test_a_validation_iou_or_recall_of_0_at_every_epoch_is_not_learning_whatever_the_loss_did():
    # A published segmentation run: val_iou 0 at all 25 epochs (background predicted everywhere)
    # while both losses kept creeping down by growing surer of the background.
    loss = (0.066 + 0.25 * np.exp(-np.arange(25) / 3)).tolist()
    val_loss = (0.067 + 0.1 * np.exp(-np.arange(25) / 4)).tolist()
    run = {"loss": loss, "val_loss": val_loss, "val_acc": [0.98446] * 25, "val_iou": [0.0] * 25}
    finding = diagnose(run).primary
    assert finding.kind == "not_learning" and finding.evidence == {"metric": "val_iou", "constant_value": 0.0}
    assert "val_iou was 0 at each of its 25 epochs: the model never found a positive" in finding.summary
    # The validation score is read before the training one, and F1, Dice and recall count too.
    for name in ("val_recall", "val_f1_score", "val_dice_coef", "val_mean_iou"):
        both = {"loss": loss, "val_loss": val_loss, "recall": [0.5] * 25, name: [0.0] * 25}
        assert diagnose(both).primary.evidence["metric"] == name
    # Not a score that found positives later, nor one of 3 epochs, nor a name only containing one.
    for name, values in (
        ("val_iou", [0.0] * 5 + [0.2] * 20),
        ("pct_fg_iou_lt_0_05", [0.0] * 25),
    ):
        assert "not_learning" not in diagnose({"loss": loss, "val_loss": val_loss, name: values}).kinds
    short = {"loss": loss[:3], "val_loss": val_loss[:3], "val_iou": [0.0] * 3}
    assert "not_learning" not in diagnose(short).kinds
    # A hand-written metric divides by its count plus an epsilon: 7.8e-12 when no positive was found
    # (dq_028, both readers: not learning); that is 0, and the message says what it was.
    smoothed = {"loss": loss, "val_loss": val_loss, "val_recall_metric": [7.761865802868861e-12] * 25}
    finding = diagnose(smoothed).primary
    assert finding.kind == "not_learning" and finding.evidence["metric"] == "val_recall_metric"
    assert "val_recall_metric was 0 (to within a metric's epsilon) at each of its 25" in finding.summary
    assert "not_learning" not in diagnose({**smoothed, "val_recall_metric": [1e-3] * 25}).kinds
    # Keras's Recall() on a softmax of many classes counts outputs above 0.5 only: 0 while the
    # validation accuracy climbs is a model learning, not stuck.
    climbing = {"loss": loss, "val_loss": val_loss, "val_accuracy": np.linspace(0.3, 0.6, 25).tolist()}
    assert "not_learning" not in diagnose({**climbing, "val_recall": [0.0] * 25}).kinds


def test_a_score_logged_without_a_set_is_watched_for_progress_when_no_validation_curve_is():
    # A published spaCy run (ch_016): its summed training loss keeps falling while the F1 its
    # evaluation pass logs, with no set's name, stands at 0.845-0.851 for 17 iterations. Judged on
    # the training loss it was still improving; on the score it converged.
    n = 29
    loss = np.geomspace(22854, 2354, n).tolist()
    f1 = np.concatenate([np.linspace(0.741, 0.847, 12), 0.848 + 0.003 * np.sin(np.arange(n - 12))]).tolist()
    assert "still_improving" not in diagnose({"loss": loss, "f1": f1}).kinds
    # A score still climbing at the end says so.
    climbing = np.linspace(0.6, 0.85, n).tolist()
    assert diagnose({"loss": loss, "f1": climbing}).primary.kind == "still_improving"
    # An accuracy without a set's name is Keras's training accuracy, and so are the names Keras
    # gives its other metrics: the training loss is watched.
    for name in ("accuracy", "auc", "auc_1", "f1_score", "mean_io_u"):
        assert diagnose({"loss": loss, name: f1}).primary.kind == "still_improving", name


def test_a_roc_auc_below_what_a_coin_scores_at_every_epoch_is_not_learning_whatever_the_loss_did():
    # A published log (`eo_003`): the training loss fell 96% while the ROC AUC on 185 held-out
    # samples stayed between 0.0 and 0.19: the model ranks them against their labels.
    loss = [0.465 * 0.82**epoch for epoch in range(20)]
    auc = [0.0, 0.03, 0.17, 0.19, 0.11, 0.15, 0.07, 0.06, 0.12, 0.07] * 2
    found = diagnose({"loss": loss, "roc_auc": auc})
    assert found.primary.kind == "not_learning"
    assert "roc_auc stayed below what a coin scores" in found.primary.summary
    assert "`1 - p`" in found.primary.summary
    # Near a coin (0.45), or at 0.6, it is no evidence of learning backwards.
    assert (
        "not_learning"
        not in diagnose({"loss": loss, "roc_auc": [0.45 + 0.01 * (e % 3) for e in range(20)]}).kinds
    )
    # Beside an accuracy of 0.999, an AUC near 0 is the metric given the other class's column
    # (`do_011`), not a model that learned backwards.
    accuracy = [0.975 + 0.0012 * epoch for epoch in range(20)]
    assert "not_learning" not in diagnose({"loss": loss, "accuracy": accuracy, "auc_roc": [1e-4] * 20}).kinds
    # Keras names an `AUC(curve="PR")` `auc_1` beside a ROC `auc`: a low precision-recall AUC on
    # rare positives beside a ROC AUC that learned, or one rising from 0.09 to 0.33, is no ranking
    # against the labels.
    pr = [0.09 + 0.012 * epoch for epoch in range(20)]
    roc = [0.74 + 0.009 * epoch for epoch in range(20)]
    val_loss = [0.6 * 0.9**epoch for epoch in range(20)]
    assert (
        "not_learning"
        not in diagnose({"loss": loss, "val_loss": val_loss, "val_auc": roc, "val_auc_1": pr}).kinds
    )
    assert "not_learning" not in diagnose({"loss": loss, "val_loss": val_loss, "val_auc": pr}).kinds
    advice = found.primary.advice
    assert "`1 - p`" in advice and "label frequencies" not in advice


def test_an_accuracy_held_at_one_value_after_its_first_epochs_is_predictions_that_never_change():
    # A published log (`ep_009`): three epochs of huge losses, then 0.58 and an accuracy of
    # 0.6667 (the majority class of a tiny set) from epoch 4 to 50.
    rng = np.random.default_rng(3)
    loss = [55.2, 48.0, 24.5, *(0.58 + 0.004 * rng.standard_normal(47))]
    accuracy = [0.3333, 0.6667, 0.3333, *[0.6667] * 47]
    found = diagnose({"loss": loss, "accuracy": accuracy})
    assert found.primary.kind == "not_learning"
    assert "accuracy was 0.6667 from epoch 4 on" in found.primary.summary
    # Held over fewer than three quarters of the run, it may be a model that learned first.
    late = [0.3 + 0.01 * epoch for epoch in range(30)] + [0.6667] * 20
    assert "not_learning" not in diagnose({"loss": loss, "accuracy": late}).kinds
    # An accuracy that rose for epochs, then held while the loss went on falling, is a model still
    # learning on a set too small to show it (20 images: steps of 0.05).
    n = 40
    run = {
        "loss": np.linspace(0.69, 0.26, n).tolist(),
        "accuracy": np.linspace(0.5, 0.84, n).tolist(),
        "val_loss": np.linspace(0.7, 0.45, n).tolist(),
        "val_accuracy": [0.55, 0.65, 0.70, 0.75, *[0.8] * (n - 4)],
    }
    assert "not_learning" not in diagnose(run).kinds
    # At a good value, one held accuracy is a converged model on a small set.
    assert "not_learning" not in diagnose({"loss": loss, "accuracy": [0.6, 0.8, 0.9, *[0.96] * 47]}).kinds


def test_a_training_loss_that_fell_at_its_last_epoch_is_no_plateau():
    # A published log (`es_004`): the median of three holds the end at 0.0045 while the last
    # epoch fell to 0.0031, the run's lowest by far.
    run = {
        "loss": [0.0198, 0.0144, 0.0112, 0.009, 0.0071, 0.0053, 0.0041, 0.0048, 0.0045, 0.0031],
        "val_loss": [0.0161, 0.0126, 0.0102, 0.0082, 0.0074, 0.0071, 0.0068, 0.0069, 0.0068, 0.0068],
        "f1_macro": [0.1587, 0.3827, 0.4632, 0.519, 0.6116, 0.6972, 0.7472, 0.759, 0.756, 0.7675],
    }
    assert "plateau" not in diagnose(run).kinds
    # Ending where it was, the same curve is flat and jittering short of a good value.
    assert diagnose({**run, "loss": [*run["loss"][:-1], 0.0046]}).primary.kind == "plateau"
    # Below zero, a last epoch above the lowest is no fall (-2.963 after -3.0 is higher).
    assert not stats.new_low_at_the_end(np.array([-2.0, -2.9, -3.0, -2.963]), 0.025)
    assert stats.new_low_at_the_end(np.array([-2.0, -2.9, -3.0, -3.2]), 0.025)
