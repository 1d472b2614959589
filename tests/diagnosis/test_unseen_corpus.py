"""The score on the unseen corpus: runs from other sources than the development corpus, labelled
from their plots before the rules ran; unseen until its first score (59/73), the rules were then
revised on the kinds of its misses (see docs/diagnosis.md). The fresh corpus
(test_fresh_corpus.py) and the public logs' held-out split (test_public_logs.py) are the sets the
rules were never revised on."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from fitwell.diagnosis import diagnose

from . import unseen

#: The kinds of cases the corpus must hold at least three of, by run.
CASE_KINDS = {
    "one-epoch explosion": [
        "digits_schedule_one_epoch_at_lr1",
        "friedman_sgd_one_epoch_at_lr0.05",
        "cancer_sgd_lr3",
        "digits_adam_lr0.2",
        "classif3_adam_cosine_restarts_0.5",
    ],
    "overfitting with a train/validation metric gap and a small rise": [
        "classif_noisy_dropout",
        "classif4_rmsprop_es",
        "iris_adam_tinyval",
        "classif6_sgd_15_epochs",
    ],
    "honest near-perfect validation or validation below training": [
        "wine_adam_tinyval",
        "circles_adam",
        "cancer_30_validation_samples",
        "moons_clean_es",
        "digits_mlp_heavy_dropout",
        "cancer_bn_dropout",
        "digits_cnn_shift_noise_augmentation",
    ],
    "erratic validation, also late in a run": [
        "digits_cnn_bn_nadam_es",
        "friedman_rmsprop_lr0.1",
        "digits_bn_adam0.03_batch8",
        "friedman_noiseless_adam0.01",
        "friedman_adam0.05_batch8",
        "digits_cnn_adam0.02_batch16",
    ],
    "converged high-bias model": [
        "moons_logistic_regression",
        "classif3_clusters_linear",
        "circles_2_hidden_units",
        "friedman_linear_regression",
        "digits_2_hidden_units",
    ],
    "still improving, or too short to judge": [
        "digits_mlp_2_epochs",
        "cancer_3_epochs",
        "digits_cnn_1_epoch",
        "friedman_20_epochs",
        "friedman_appended_three",
    ],
    "no validation data (advice must not name val_ keys)": [
        "digits_no_validation",
        "wine_no_validation",
        "moons_no_validation_sgd_2e-3",
        "diabetes_no_validation_5_epochs",
    ],
    "several runs appended in one CSVLogger file": [
        "digits_appended_retry",
        "moons_appended_longer",
        "friedman_appended_three",
    ],
}


@pytest.fixture(scope="module")
def runs():
    return unseen.load()


@pytest.fixture(scope="module")
def results(runs):
    return unseen.score(runs)


def test_the_corpus_covers_every_case_kind_three_times_and_every_run_has_a_reason(runs):
    by_name = {run.name: run for run in runs}
    for kind, names in CASE_KINDS.items():
        assert len(names) >= 3 and set(names) <= set(by_name), kind
    assert all(run.reason.strip() for run in runs)
    formats = Counter(run.path.suffix for run in runs)
    titled = [run for run in runs if run.path.read_text().startswith("Training log")]
    assert formats[".json"] >= 3 and len(titled) >= 3 and len(runs) >= 70


def test_the_score_on_the_unseen_corpus(results):
    right = sum(run.label == found[0] for run, found in results)
    print(f"\n{unseen.confusion_markdown(results)}\nright primary finding: {right}/{len(results)}")
    # Measured 64/73 (87.7%) after the rules were revised on its misses (59/73 when it was unseen),
    # 65/73 after the revision on every set; before this work 44/73 on the curves and 25/73 on the
    # files.
    assert right >= 65


@pytest.mark.xfail(strict=True, reason="the 95% target is not reached on this corpus (89.0%)")
def test_the_target_of_95_percent_on_the_unseen_corpus(results):
    right = sum(run.label == found[0] for run, found in results)
    assert right / len(results) >= 0.95


def test_healthy_runs_get_no_problem_finding(results):
    flagged = unseen.flagged_healthy(results)
    assert flagged == []


def test_every_file_is_read_and_appended_or_titled_files_say_how(runs):
    for run in runs:
        diagnosis = unseen.diagnose_run(run)
        text = run.path.read_text()
        if text.startswith("Training log"):
            assert any("before the header" in note for note in diagnosis.notes), run.name
        if run.name in CASE_KINDS["several runs appended in one CSVLogger file"]:
            assert any("runs appended" in note for note in diagnosis.notes), run.name


def test_damaged_files_are_refused_naming_their_line_and_column():
    folder = unseen.UNSEEN / "refused"
    with open(folder / "expected.csv", newline="") as handle:
        expected = list(csv.DictReader(handle))
    assert len(expected) >= 3
    for row in expected:
        with pytest.raises(ValueError) as raised:
            diagnose(str(folder / row["file"]))
        message = str(raised.value)
        assert f"Line {row['line']} of" in message, message
        if row["column"]:
            assert f"'{row['column']}'" in message, message
