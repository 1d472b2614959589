"""Every number the diagnosis rules compare against, named and documented in one place.

Windows are fractions of the run's length (with small minimums), so the same
rules read a 5-epoch run and a 500-epoch run. Levels are relative (to the
first epoch, to the best value, to chance), so they hold for any loss scale.
docs/diagnosis.md explains each rule with these names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_THRESHOLDS", "Thresholds"]


@dataclass(frozen=True)
class Thresholds:
    """The diagnosis rules' thresholds; pass a modified copy to `diagnose(thresholds=...)`.

    Attributes:
        tail_fraction: Share of the run that forms its "end" (at least 2 epochs):
            end levels are medians over it, and flatness is judged over it.
        recent_fraction: Share of the run (at least 2 epochs) over which
            `still_improving` looks for continuing progress.
        diverge_growth: `diverged` when the end level of the training loss is more
            than this many times its best value (and above its first value).
        diverge_above_chance: `diverged` when the training loss ends more than this
            many times above chance level (a confidently wrong model).
        spike_relative: A training-loss spike is a rise by more than this fraction
            of the previous epoch's value...
        spike_of_start: ...and by more than this fraction of the first epoch's loss
            (so that wiggles of an already tiny loss do not count).
        val_spike_relative: A validation spike: a rise by more than this fraction
            of the previous value (validation is noisier, hence a larger bar)...
        val_spike_of_start: ...and by more than this fraction of the first validation loss.
        unstable_spike_share: `unstable` when at least this share of epoch-to-epoch
            steps are spikes (and at least `unstable_min_spikes`).
        unstable_min_spikes: One spike is never enough: noise happens.
        overfit_min_rise: `overfitting` when validation loss ends this fraction above
            its (smoothed) minimum...
        overfit_noise_multiple: ...by more than this many times its epoch-to-epoch noise...
        overfit_min_epochs_after: ...at least this many epochs after the minimum
            (or `recent_fraction` of the run, if more)...
        overfit_train_drop: ...while the training loss fell by at least this fraction
            after the minimum.
        not_learning_margin: With a known chance level, `not_learning` when the best
            (smoothed) validation loss (training loss without validation) never got
            more than this fraction below chance.
        flat_total_drop: Without a chance level, `not_learning` when neither loss ever
            fell more than this fraction below its first value.
        crawl_min_straightness: `lr_too_low` needs a near-straight descent: the
            second half of the run fell at least this fraction as much as the first...
        crawl_max_rate: ...at a mean rate below this fraction per epoch...
        crawl_min_decreasing: ...going down in at least this share of epochs (of steps of
            `n // 20` epochs in long runs)...
        crawl_min_total_drop: ...and by at least this fraction in total (less is flat).
        good_chance_fraction: A training loss above this fraction of chance level is
            not a good value (for `plateau` and `underfitting`).
        good_accuracy: A training accuracy below this is not a good value.
        plateau_max_tail_drop: `plateau` when the smoothed training loss fell less
            than this fraction over the end window (else, if still high, `underfitting`).
        underfit_max_rate: `underfitting` needs a slow fall: at most this fraction per
            epoch over the end window (faster is `still_improving`).
        underfit_max_gap: `underfitting` needs no real gap: validation loss at most
            this fraction above the training loss.
        still_improving_drop: `still_improving` when, over the recent window, the
            validation loss reached new lows at least this fraction below the best before
            (both smoothed and raw).
        still_improving_noise_multiple: ...by more than this many times the curve's
            epoch-to-epoch noise.
        leak_accuracy: `suspicious_validation` when validation accuracy stays at or
            above this over the end window (near-perfect)...
        leak_loss_ratio: ...or when validation loss stays below this fraction of the
            training loss over the second half of the run.
    """

    tail_fraction: float = 0.25
    recent_fraction: float = 0.1
    diverge_growth: float = 3.0
    diverge_above_chance: float = 1.5
    spike_relative: float = 0.25
    spike_of_start: float = 0.02
    val_spike_relative: float = 0.5
    val_spike_of_start: float = 0.05
    unstable_spike_share: float = 0.1
    unstable_min_spikes: int = 2
    overfit_min_rise: float = 0.1
    overfit_noise_multiple: float = 2.0
    overfit_min_epochs_after: int = 2
    overfit_train_drop: float = 0.05
    not_learning_margin: float = 0.03
    flat_total_drop: float = 0.01
    crawl_min_straightness: float = 0.4
    crawl_max_rate: float = 0.03
    crawl_min_decreasing: float = 0.8
    crawl_min_total_drop: float = 0.01
    good_chance_fraction: float = 0.3
    good_accuracy: float = 0.85
    plateau_max_tail_drop: float = 0.025
    underfit_max_rate: float = 0.05
    underfit_max_gap: float = 0.25
    still_improving_drop: float = 0.025
    still_improving_noise_multiple: float = 2.0
    leak_accuracy: float = 0.995
    leak_loss_ratio: float = 0.3


DEFAULT_THRESHOLDS = Thresholds()
