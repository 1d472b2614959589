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
            than this many times its best value...
        diverge_lost_share: ...and above its first value, or, climbing steadily since its best
            (up in `diverge_steady_share` of the steps; erratic swings are `unstable`), risen by
            more than this share of the progress made (first value − best; the second epoch's
            where the first stands 100 times above every later one, `divergence._start`:
            `gi_037`, 1.03e13, then 2.2e9, a best of 1.6e8 and a climb to 1.2e10): a loss near
            zero that wiggles from 1e-4 to 5e-4 has lost nothing. A last epoch back above the
            first is `diverged` too, after the loss had at least halved.
        diverge_back_above_start_fall: After a smaller fall, of at least this fraction, a last
            epoch above the first is `diverged` when the end level is above the first too: a
            loss that jumped and stayed there (a published run fell 36%, then jumped 2.6× above
            its start and stayed flat), not one noisy last epoch.
        diverge_steady_share: See `diverge_lost_share`.
        diverge_accuracy_held: Not `diverged` by that growth when the training accuracy,
            recorded at every epoch, never fell below this: a near-perfect model's loss swinging
            by thousandths (0.002 to 0.015 at 99-100% accuracy) lost nothing. Nor is a
            validation loss's jump `diverged` at an epoch whose validation accuracy held at this.
        diverge_above_chance: `diverged` when the training loss ends more than this
            many times above the baseline (or chance level): a confidently wrong model.
        diverge_spike: `diverged` when the training loss of one epoch (or one batch, when
            the batch losses are known) is more than this many times the lowest epoch loss
            before it, and above the first: one catastrophic explosion is enough.
        diverge_spike_above_first: ...how far above the first epoch's loss such an epoch must
            reach when its jump was sudden (this many times the lowest of the three epochs before
            it): a spike back to about where training began, after the loss fell to a tenth of
            it, is one more swing of an unstable run (0.37 at the start, 0.027, then 0.47 for one
            epoch of 300, `fs_009`); a climb over more epochs need only pass the first, and so
            need a sudden jump that cost answers.
        diverge_spike_answers_lost: ...a jump costs answers when the training accuracy at it
            fell by this share of its best before or more (0.99 to 0.62; not 1.0 to 0.88).
        other_scale_fall: A training loss whose first epoch is `diverge_spike` × the baseline (or
            chance) or more and which then fell steadily to this fraction of it or less is on
            another scale than a mean (a sum over the samples): the baseline is not its
            reference, for any rule. (Measured on every stored run: one published run both
            readers call healthy, a loss summed over Iris's training set, gained; none lost.)
        diverge_unbounded_tail: A loss below zero (`diverge_spike` times further from zero than
            its start) is driven without bound only while it still falls over the last third of
            the run by at least this share of its end level; one that settled is a loss with a
            negative floor (a cosine similarity, a correlation, a density's log-likelihood).
        diverge_val_spike: ...or when the validation loss of one epoch is more than this many
            times its lowest before it (three orders of magnitude), and above its first; jumps of
            tens or hundreds of times, repeated, are `unstable`.
        diverge_val_above: `diverged` when the validation loss ends more than this many
            times above the baseline (or chance level).
        diverge_accuracy_lost: `diverged` when the training accuracy's end level is below its
            best by this share of what it had gained over chance (over 0 when unknown)...
        diverge_accuracy_gain: ...having gained at least this much (an accuracy that never
            rose cannot collapse).
        spike_relative: A training-loss spike is a rise by more than this fraction
            of the previous epoch's value...
        spike_of_start: ...and by more than this fraction of the baseline (or chance
            level, else the first epoch's loss; the second's when the first was ten times
            it or more, `counted_jumps.spike_scale`), so that wiggles of an already tiny
            loss do not count.
        val_confirms_spike: With validation recorded, a training-loss spike counts only
            when the validation loss rose more than this fraction at that epoch or the
            next, or when it rose more than `spike_unconfirmed` (75%): a smaller jump of the
            training mean alone, with validation calm, is the noise of the estimate (dropout,
            few batches per epoch), not weights thrown off course.
        spike_unconfirmed: See `val_confirms_spike`.
        spike_near_floor: With validation recorded and not one validation jump, a training-loss
            spike whose top stays below this fraction of the first epoch's loss (and below
            `near_floor_rise` × the lowest loss before it) does not count: a ripple at the
            bottom of a curve that fell fourfold or more, beside a calm validation loss, is not
            what a reader of the plot names unstable (one who sees the validation loss climb
            meanwhile names the overfitting). Without a validation loss, a validation accuracy
            that did not fall at the spike (by more than `not_learning_accuracy_margin` below its
            better neighbour) stands in for the calm validation loss. (Measured on every stored
            run: `ci_008`, healthy to both readers, gained; none lost.)
        near_floor_rise: See `spike_near_floor`.
        val_spike_relative: A validation spike: a value more than this fraction above
            both its neighbours, or a jump up by more than this fraction that comes back
            down by as much within two epochs (up and back; a steady rise is not
            erratic), relative to the values around it and not to the first value, so
            late spikes after the loss fell 100× are seen...
        val_accuracy_noise: A validation-loss jump counts only when the validation accuracy
            (if recorded, on a set whose size its steps show) fell at that epoch by more than
            this many standard errors of a difference of two accuracies on that many samples:
            on a small set scored nearly perfectly, one more confident mistake doubles the
            loss, and that is the set's noise. Only on a set with fewer than
            `val_few_mistakes` mistakes at the jump (estimated from its size and accuracy).
        val_few_mistakes: See `val_accuracy_noise`. (30: a published run with 25 mistakes of
            1,282 at its jumps' tops was read healthy by both its readers; the unstable runs of
            the corpora have more than 30 there.)
        val_nearly_perfect: ...and only on a set scored nearly perfectly at the jump: an
            accuracy at its top below this (more than a tenth of the set wrong: 10 of 16 images
            right) is not a loss resting on a handful of mistakes, and the jump counts however
            small the set.
        val_jump_accuracy_held: A validation-loss jump does not count, whatever the set's size,
            when the validation accuracy at its top is still at least this: a model right on 98
            of 100 samples at its worst epoch was not thrown off course (as
            `diverge_accuracy_held`). (Measured on every stored run: `d_019`, healthy to both
            readers, clear, and `ac_016`, overfitting to both, gained; none lost; at 0.97 a run
            both readers call unstable is lost, at 0.99 nothing is gained.) Only a jump to at most
            `val_jump_held_most` × the value before it, on an accuracy that is not a top-k one (a
            top-5 accuracy sits near 1 whatever the model does): a loss thrown 24× while the
            accuracy moved by half a point rests on mistakes made with a confidence a model on
            course does not have.
        val_jump_held_most: See `val_jump_accuracy_held`.
        val_spike_of_start: ...at a level above this fraction of the baseline (or chance
            level; without either, above a twentieth of it × the first validation loss).
        unstable_spike_share: `unstable` when at least this share of epoch-to-epoch
            steps are spikes (and at least `unstable_min_spikes`)...
        unstable_min_spikes: One spike is never enough: noise happens.
        unstable_enough_spikes: ...but this many sharp validation peaks (above both
            neighbours) are always enough, however long the run (a validation loss that jumps
            up and back down in one epoch five times is erratic).
        unstable_severe_spikes: ...and this many severe excursions (a loss that doubles
            and halves again: training ones confirmed by validation, and validation ones) are
            enough too, however long the run.
        unstable_settled_epochs: Not `unstable` when the jumps stopped this many epochs before
            the end...
        unstable_settled_share: ...and this share of the run (a calm last third): the run
            settled, and readers judge a run by how it ends. (Measured on all labelled runs:
            two published runs both readers called healthy and two more read healthy or
            overfitting by their first reader are right; one published run both readers
            called unstable, ambiguously, and one synthetic run whose jumps ended when its
            training loss reached 0 are lost.)
        unstable_settled_new_low: ...or `unstable_settled_epochs` calm epochs alone, when in them
            the validation loss came down to a low at most this fraction of the lowest value
            before the last jump...
        unstable_settled_end: ...and ended within this factor of that low: the jumps stopped
            and the curve went on to a level it had never reached, where it stayed. (Measured
            on every stored run: two published runs both readers call healthy, `af_013` and
            `ay_018`, no longer `unstable`; no other finding changed.)
        unstable_settled_deep_low: ...or at least `unstable_settled_deep_epochs` calm epochs and
            `unstable_settled_deep_share` of the run, when in them the validation loss came down to
            at most this fraction of every value before the last jump and ended near that low (as
            `unstable_settled_end` asks): a step down to a level the jumps never came near.
            (Measured on every stored run: `bb_016`, healthy to both readers, gained; none lost,
            also at 0.7 or with a share of 0.15.)
        unstable_settled_deep_epochs: See `unstable_settled_deep_low`.
        unstable_settled_deep_share: See `unstable_settled_deep_low`.
        unstable_fell_through: Not `unstable` either when at most `unstable_min_spikes`
            validation jumps, none doubling the curve, came before an end at its lowest value and
            at most this fraction of every value before the first jump: noise on a curve still
            falling fast (`dk_035`, `dm_025`; measured on every stored run: the same at 0.7 and
            0.8; 0 turns it off).
        unstable_stall_noise: `unstable` too, with too few jumps, when the validation loss stopped
            improving while the training loss fell and the metric's gap grew (the only ground
            `overfitting` has there: no rise after its minimum) and its epoch-to-epoch noise (a
            robust deviation) is at least this fraction of its median level, swings of about
            20% between neighbouring epochs: whether it stalled cannot be told within such
            swings, and readers name them. (Measured on every stored run: four published runs
            both readers call unstable gained, none lost; of the runs found `overfitting` by the
            stall alone, every one both readers call unstable swings by 8.7% or more, every one
            a reader calls overfitting by 6.2% or less.)
        unstable_stall_rise: ...but not when the validation loss's median since the stall sits
            this many times that noise (absolute) above the stall's low: a rise beyond its swings,
            judged by `overfitting` (`dl_005`: 0.285 at the first of 4 epochs, then 0.679, 1.093,
            0.756 at a noise of 0.23; `ck_012`; measured on every stored run: +2 at 1.5, +2 −1 at
            1, +1 at 2).
        unstable_stall_gap: ...nor when the accuracy-like metric ended at least this much (absolute)
            higher on the training data than on the validation data: the stall of a model that
            fits its training data so far beyond the validation data is overfitting to a reader,
            swings or not (`fl_009`: 0.93 against 0.75, clear to both; measured on every stored
            run: +3 −0 at 0.15, +3 −2 at 0.1, +2 at 0.2).
        val_swing_relative: `unstable` too, with too few jumps, from validation swings of more
            than this fraction up and back (within two epochs, beyond the set's sampling noise)...
        val_swing_of_progress: ...each rise at least this share of the validation loss's fall
            from its first value to its lowest (as plain on a plot as the learning itself)...
        val_swing_train_noise: ...while the validation loss's relative epoch-to-epoch noise is at
            least this many times the training loss's (a smooth training curve beside an erratic
            validation one); as many as jumps need, not settled, and not when `overfitting` is
            found (a rise that jitters is the gap growing). (Measured on every stored run: nine
            published runs gained, eight of them both readers' label, `k_005` clear; none lost.
            Without the training-noise test one run both readers call healthy is lost; with rises
            of a fifth of the fall instead of 30%, another.)
        val_swing_min_noise: ...and at least this fraction of its level, whatever the training
            loss does: a validation loss with 1-2% noise beside a smoother training loss has one
            blip, not swings (every published run the rule finds swings by 8.7% or more).
        batch_spread_unstable: `unstable` from inside the epochs (when the batch losses
            are known): the largest batch loss is more than this many robust deviations
            above the epoch's median batch loss...
        batch_spread_share: ...in at least this share of the epochs after the first.
        overfit_min_rise: `overfitting` when validation loss ends this fraction above
            its (smoothed) minimum...
        overfit_noise_multiple: ...by more than this many times its epoch-to-epoch noise...
        overfit_min_epochs_after: ...at least this many epochs after the minimum
            (or `recent_fraction` of the run, if more)...
        overfit_train_drop: ...while the training loss fell by at least this fraction
            after the minimum.
        overfit_steady_epochs: `overfitting` too from a smaller rise that is consistent: the
            validation loss went up in at least `overfit_steady_share` of at least this many
            epoch steps since its lowest value...
        overfit_steady_share: ...see `overfit_steady_epochs`...
        overfit_steady_rise: ...ending at least this fraction above that low (and more than
            `overfit_steady_noise_multiple` × its noise above it), while the training loss fell.
        overfit_steady_noise_multiple: See `overfit_steady_rise`.
        overfit_unbroken_epochs: `overfitting` too, however small the rise, when the validation
            loss went up at every one of at least this many epoch steps since its lowest value,
            by more than `overfit_steady_noise_multiple` × the noise around that low, while the
            training loss (smoothed, at the end) fell `overfit_train_drop` since: an unbroken
            climb is a trend, not noise (a language model's token loss climbs by tenths of a
            percent per epoch).
        overfit_metric_gap: The train/validation gap of the metric (e.g. accuracy 0.98 vs
            0.93) that is evidence of overfitting on its own terms (healthy runs of the corpora
            with such a gap have a validation loss within 2% of its low)...
        overfit_accuracy_fall: A validation accuracy that fell this far from a best in the first
            half of the run (smoothed, to its end level) while the training accuracy rose and
            ended ahead of it parts the two as the gap does: a smaller rise of the validation
            loss is enough then too (`fh_025`: 0.78 → 0.73 while training went 0.74 → 0.76).
        overfit_min_rise_with_gap: ...with which a smaller rise of the validation loss is
            enough; or, with the gap grown since, validation that stopped improving
            (no new low of 1% over the last `tail_fraction` of the run) while the
            training loss fell `overfit_stall_train_drop` over that window.
        overfit_stall_train_drop: See `overfit_min_rise_with_gap`.
        overfit_gap_alone: `overfitting` from the metric's gap alone, however the validation loss
            moved, when training ends this far above validation (0.99 against 0.74): the model fits
            what it saw and not what it did not. (Measured on 4,779 published runs: 0.25 gained
            seven over 0.35 and lost one the readers call unstable; 0.2 gained eleven, lost four.)
        overfit_clean_rise: `overfitting` too, whatever the gap, when the validation loss rose at
            least this fraction from its minimum...
        overfit_clean_noise_multiple: ...by more than this many times its epoch-to-epoch noise:
            on a smooth curve (a long run, a large validation set) a climb of 6% that no noise
            explains is the model getting worse, not chance.
        overfit_held_train_rise: `overfitting` too, though the training loss did not fall, when the
            validation loss rose at least this fraction above its minimum (clearly and lastingly,
            as `overfit_min_rise` asks) while the training loss, which fell `overfit_train_drop`
            before that minimum, ended where it was there (within half of `overfit_train_drop`,
            at the end window's median and at its last epoch) or lower: the gap opened by
            validation alone. (Measured on all labelled runs: one
            published run both readers call overfitting gained, none lost; a tolerance of 10% for
            a training loss that rose lost a run whose loss changed its definition late.)
        overfit_lasting_noise_multiple: `overfitting` too from a rise of `overfit_min_rise` that is
            only this many times the noise, when it lasted `overfit_lasting_epochs` epochs...
        overfit_lasting_epochs: ...after the minimum while the training loss fell
            `overfit_lasting_train_drop` from it: the end level is a median over several epochs,
            steadier than the one-epoch noise. (Measured on all labelled runs: two published runs
            both readers call overfitting gained, one of them clear, none lost; at one deviation
            instead of 1.5, two that both readers call healthy were lost. The next batch, scored
            once, gained one more that both readers call clear.)
        overfit_lasting_train_drop: See `overfit_lasting_epochs`.
        never_improved_memorised_drop: A training loss that fell this share of its first epoch
            or more beside a validation loss that never improved has memorised its data: the
            validation loss's best then counts as no improvement within
            `never_improved_memorised_margin` of its first value, not `not_learning_margin`.
            (Measured on all 4,155 labelled public runs: six runs both readers call overfitting
            gained, none lost; at 15%, two both readers call healthy were lost.)
        never_improved_memorised_margin: See `never_improved_memorised_drop`.
        overfit_receded_share: The rises measured to the end level (a median over the end
            window: above the noise, lasting, opening the gap) do not count when the last epoch
            fell back more than this share of the way from that level to the low, and to within
            the minimum rise of the low: the window's median holds a bump the curve has come
            down from. (Measured on all labelled runs: two
            published runs both readers call healthy gained, one of them clear, none lost; the
            margin is thin: at 0.6 a run both call overfitting, whose last epoch fell back 52%, is
            lost.)
        overfit_metric_noise: Without a validation loss, a validation accuracy-like score
            (between 0 and 1) must fall from its best to its end by more than this many
            standard errors of a difference of two scores on a set of its size (estimated from
            the score's steps) to be `overfitting`: a few samples of a small set changing their
            answer are noise.
        overfit_gap_rise: `overfitting` too from a smaller rise that opened the gap: the validation
            loss ended at least this fraction above its minimum (by more than
            `overfit_noise_multiple` × its noise, at least `overfit_min_epochs_after` epochs (or
            `recent_fraction` of the run, when more) after it, while the training loss fell
            `overfit_train_drop`)...
        overfit_gap_growth: ...and the amount by which it exceeds the training loss, positive
            already at the minimum, grew by at least this fraction of the validation loss since
            (a validation loss under the training loss, as dropout or augmentation leave it, opens
            no gap; nor does a training accuracy at or below the validation accuracy at the end).
            A slow drift of a converged run leaves the gap as it was. (Measured on every stored
            run: six published runs both readers call overfitting gained, three of them clear,
            one lost that its second reader calls overfitting.)
        not_learning_margin: With a known baseline (or chance level), `not_learning` when
            the best (smoothed) validation loss (training loss without validation) never
            got more than this fraction below it, unless the validation accuracy (smoothed)
            rose `not_learning_accuracy_margin` above chance at its best on balanced classes:
            then the model learned, and its confident mistakes keep the loss high (not when the
            training accuracy stayed within that margin of chance and the training loss at the
            reference: a model near a uniform guess on its own data makes no confident mistakes).
        not_learning_accuracy_margin: See `not_learning_margin`. Also: `not_learning` when the
            validation accuracy (training accuracy without validation) is one and the same value
            at every epoch (at least 4; at a level not known to be good, at every epoch after
            the first few, over at least `not_learning_frozen_epochs` and three quarters of the
            run) while the training accuracy never got this much above it: the predictions never
            changed class; and when a ROC AUC stays, smoothed, this much below 0.5 at every epoch
            (at least 4) beside no accuracy at a good value: the model ranks the samples against
            their labels...
        not_learning_auc_margin: ...or when an AUC stays within this of 0.5 at every epoch;
            either over at least 4 epochs, or `not_learning_frozen_epochs` when the training loss
            fell `not_learning_frozen_drop` below its first value (learning the class frequencies
            alone can do that).
        not_learning_frozen_drop: See `not_learning_auc_margin`.
        not_learning_frozen_epochs: See `not_learning_auc_margin`.
        not_learning_frozen_val: `not_learning` when the validation loss stayed within this
            fraction of its level (max − min over the median) at every epoch, at least 4: the
            predictions on the validation data never changed (a regressor collapsed to one value);
            and when the training loss stayed within it over its last epochs (at least 5, and a
            tenth of the run), 5% above its best before, or at exactly one value to the last
            digit logged, a digit fine enough to show a change of this size: the outputs stopped
            changing. A learning model's loss moves more than that from epoch to epoch, if only by
            noise: no run of any labelled set that a reader calls anything but not learning,
            diverged or leaking stays within 0.5%. A validation loss held so over its last epochs
            (at least `not_learning_frozen_epochs` and three quarters of them) while the training
            loss fell `not_learning_frozen_drop` over the same epochs is `suspicious_validation`
            instead: the model changed and its validation loss did not.
        not_learning_accuracy_noise: An accuracy measured on a set so small that its steps
            count its samples (`stats.exact_sample_count`) rose above chance only by more than
            this many standard errors of an accuracy at chance on that many samples, when that
            asks more than `not_learning_accuracy_margin` (18 of 30 on two classes is 1.1
            standard errors above a coin).
        balanced_baseline: Classes count as balanced when the baseline is at least this
            fraction of `ln C` (or unknown).
        flat_total_drop: Without a chance level, `not_learning` when neither loss ever
            fell more than this fraction below its first value.
        flat_after_first_drop: Also `not_learning` (without a chance level) when, after the
            first epoch, the training loss (smoothed) fell no more than this fraction below
            its second epoch over at least 5 epochs (the validation loss is not asked), and no
            accuracy-like metric improved by `metric_improved` (absolute; relative for a
            metric where lower is better), at a level not known to be good: the model learned
            the label frequencies in its first epoch and nothing after.
        metric_improved: See `flat_after_first_drop`.
        crawl_min_straightness: `lr_too_low` needs a near-straight descent: the
            second half of the run fell at least this fraction as much as the first...
        crawl_max_rate: ...at a mean rate below this fraction per epoch...
        crawl_min_decreasing: ...going down in at least this share of epochs (of steps of
            `n // 20` epochs in long runs)...
        crawl_min_total_drop: ...and by at least this fraction in total (less is flat), or a
            fifth of it for a line that goes down in at least `crawl_monotone` of its steps
            and is straight to `crawl_straight_line` (a converged curve bends; a rate too
            small to move the loss draws a straight line however short).
        crawl_monotone: See `crawl_min_total_drop`.
        crawl_straight_line: See `crawl_min_total_drop`.
        crawl_val_bent: Not `lr_too_low` when the validation loss (smoothed) fell less than this
            fraction as much in the second half of the run as in the first: it bent towards its
            level (it converges), which a rate too low would not let it do.
        good_chance_fraction: A training loss above this fraction of the baseline (or
            chance level) is not a good value (for `plateau` and `underfitting`).
        off_scale_chance: A training loss that never came within this many times the chance
            level, while an accuracy rose `off_scale_accuracy_rise` or more (smoothed, above its
            first value), is on another scale (summed over batches, or with a penalty term
            added): it is judged without the chance level.
        off_scale_accuracy_rise: See `off_scale_chance`.
        good_accuracy: A training accuracy below this is not a good value (the validation
            accuracy when only it was logged; an F1 score when no accuracy was).
        good_auc: A ROC AUC (the validation one when logged) below this is not a good value; when
            one is logged, it judges the level instead of the loss against chance: on a noisy
            binary outcome (a game's winner, a diagnosis from weak signs) an honest model's
            cross-entropy stays well above `good_chance_fraction` × `ln 2` while it ranks well.
            (0.7: "acceptable discrimination" by the usual reading of an AUC. Measured on all
            labelled runs: one published run both readers call clearly healthy gained, none
            lost.)
        plateau_max_tail_drop: A curve is flat when the smoothed training loss fell less
            than this fraction over the end window. Flat and far from a good value is
            `plateau` when the training loss still jitters from epoch to epoch (the rate
            keeps it from settling) and `underfitting` when it is smooth (converged: a
            high-bias model), or when the rate was already lowered without effect. Not flat when
            the raw last epoch is the lowest by more than this fraction below every epoch before
            (the smoothing holds the end at the epoch before).
        flat_per_10_epochs: A long end window is flat too when the smoothed training loss
            fell less than this fraction per 10 epochs over it (a 125-epoch window that fell
            5% is converged for all it matters).
        plateau_noise: The jitter that makes a flat curve a `plateau`: the training
            loss's epoch-to-epoch noise over the end window, relative to its level; not of a
            loss that is a few batches' (`Curves.sampled_loss`): its jitter is the sample's.
        underfit_max_rate: `underfitting` from a curve still creeping down needs a slow
            fall: at most this fraction per epoch over the end window (faster is
            `still_improving`).
        underfit_max_gap: `underfitting` needs no real gap: validation loss at most
            this fraction above the training loss.
        still_improving_drop: `still_improving` when, over the recent window, the
            validation loss reached new lows at least this fraction below the best before
            (both smoothed and raw).
        steady_new_lows: `still_improving` too when the validation loss (training loss without
            validation) set a new low in at least this share of the end window's epochs (at
            least 4), the last epoch among them, falling at least `still_improving_drop` per 10
            epochs over the window (and more than twice its noise): still going down epoch after
            epoch. Such a curve is not flat, so it is not `underfitting` or `plateau` either.
        steady_min_share: ...unless it bends flat: those new lows, on a log scale, bring less
            than this share of what a power-law decline brings over the window
            (`ln(n / (n - window)) / ln(n)` of the curve's whole fall)...
        steady_bend: ...and the window's second half fell, per step, less than this share of
            what its first half fell (ever smaller steps at the end of a long fall).
        still_improving_noise_multiple: ...by more than this many times the curve's
            epoch-to-epoch noise...
        still_improving_late_noise: ...and, on an end window of 8 epochs or more, ends below the
            best before its second half by this many times that noise (not a drop early in it).
        last_epoch_best: `still_improving` too when the run's last epoch is its best by at
            least this fraction (below the lowest value before it): a run that ends on a clear
            new best was stopped while it still improved, however noisy the epochs before.
        schedule_finished: Only that clear new best counts as `still_improving` when the logged
            learning rate ended at most this fraction of its peak while still annealing (lower at
            the last epoch than two epochs before): a schedule run to its end (cosine,
            one-cycle) creeps down to the last epoch, and more epochs at that rate add next to
            nothing. A rate that steps down and then holds (a second phase at 1e-5, or
            ReduceLROnPlateau) is not finished: a curve still setting new lows at it gains from
            more epochs.
        still_improving_floor: ...and it is still above this fraction of the baseline
            (or chance level): a loss near zero has nothing left to gain...
        near_zero_new_best: ...unless its last epoch is its best by at least this fraction
            (a validation loss halving from 0.084 to 0.040 in its last epoch, or falling 13% to
            0.069 on MNIST after 5 epochs, still gains).
        still_improving_accuracy_gain: When the watched curve is a validation accuracy (no
            validation loss), a new best counts for `still_improving` only when it gained at
            least this much over the best before it, in absolute terms: half a percentage point.
            The relative tests above read its error, which magnifies a gain near the top (0.9792
            to 0.9798 is 2.9% fewer errors: 6 of 10,000 test images changing their answer).
            (Measured on every stored run: three published runs the first reader calls healthy
            gained, none lost; an AUC, F1 or IoU is not a count of samples and is left out.)
        still_improving_min_fall: The power-law test of `still_improving` (a curve still falling,
            on a log scale, by the share of its whole fall that a power-law decline brings to the
            end window) also asks the window to fall at least this fraction: a curve that fell
            0.3% in the whole run has no fall to share out.
        short_run_epochs: Runs of at most this many epochs are too short to judge
            plateaus, crawls or underfitting; still falling, they are `still_improving`.
        leak_accuracy: `suspicious_validation` when validation accuracy is perfect
            (at or above this) over the end window, at least one epoch of which missed no
            sample (within half a sample of 1), on a validation set that is not
            tiny (`leak_min_samples`), and either large (`leak_perfect_samples`) or
            beaten by it in loss too (validation loss below `leak_beats_training_ratio`
            × the training loss)...
        leak_min_samples: ...a validation set of at least this many samples (estimated
            from the steps of its accuracy; honest tiny sets often score 100%)... Both
            accuracies at or above `leak_accuracy` at the first epoch, on a set this large, with
            a training loss under 0.1 already, are `suspicious_validation` too (`do_008`)...
        leak_perfect_samples: ...perfect on this many samples is suspicious by itself (an
            honest model with 0.5% error reaches 100% on 600 samples only 5% of the time)...
        leak_beats_training_ratio: ...below it, validation beating training in loss counts.
        leak_loss_ratio: ...or when the validation loss stays below this fraction of
            the training loss over the second half of the run (more than dropout or
            augmentation explain), on a validation set that is not tiny...
        leak_error_ratio: ...and, when accuracy is recorded, with a validation error rate at
            most this fraction of the training error rate (augmentation and dropout leave
            honest runs near a third of it; leaked samples far below).
        leak_val_accuracy_least: ...and, with a validation accuracy but no training one, with the
            validation accuracy ending at least this high: a set far easier than training is not
            answered wrongly half of the time (`ee_005`: 10-17% on 10 classes beside a test
            loss averaged over samples, not batches, at 5% of the training loss).
        close_call_new_low: A healthy run is close to `still_improving` when the watched
            curve's best in the end window is this fraction below its best before it (and the
            smoothed curve fell by more than twice its noise).
        close_call_stall: ...close to `overfitting` when the validation loss made its last new
            low at least this fraction of the run before the end, and either the training loss
            fell `close_call_train_drop` since, or the validation loss's last three epochs sit
            `close_call_rise` above that low while the training loss fell `overfit_train_drop`.
        close_call_train_drop: See `close_call_stall`.
        close_call_rise: See `close_call_stall`.
        close_call_jumps: ...close to `unstable` with at least this many jumps of the training
            or validation loss (counted as for `unstable`), too few for it.
    """

    tail_fraction: float = 0.25
    recent_fraction: float = 0.1
    diverge_growth: float = 3.0
    diverge_lost_share: float = 0.1
    diverge_back_above_start_fall: float = 0.2
    diverge_steady_share: float = 0.75
    diverge_accuracy_held: float = 0.98
    diverge_above_chance: float = 1.5
    diverge_spike: float = 10.0
    diverge_spike_above_first: float = 2.0
    diverge_spike_answers_lost: float = 0.25
    other_scale_fall: float = 0.1
    diverge_unbounded_tail: float = 0.1
    diverge_val_spike: float = 1000.0
    diverge_val_above: float = 10.0
    diverge_accuracy_lost: float = 0.5
    diverge_accuracy_gain: float = 0.1
    spike_relative: float = 0.25
    spike_of_start: float = 0.02
    val_confirms_spike: float = 0.05
    spike_unconfirmed: float = 0.75
    spike_near_floor: float = 0.25
    near_floor_rise: float = 5.0
    val_spike_relative: float = 0.3
    val_accuracy_noise: float = 3.0
    val_few_mistakes: int = 30
    val_nearly_perfect: float = 0.9
    val_jump_accuracy_held: float = 0.98
    val_jump_held_most: float = 2.0
    val_spike_of_start: float = 0.02
    unstable_spike_share: float = 0.1
    unstable_min_spikes: int = 2
    unstable_enough_spikes: int = 5
    unstable_severe_spikes: int = 3
    unstable_settled_epochs: int = 9
    unstable_settled_share: float = 1 / 3
    unstable_settled_new_low: float = 0.9
    unstable_settled_end: float = 1.1
    unstable_settled_deep_low: float = 0.5
    unstable_settled_deep_epochs: int = 3
    unstable_settled_deep_share: float = 0.25
    unstable_fell_through: float = 0.75
    unstable_stall_noise: float = 0.08
    unstable_stall_rise: float = 1.5
    unstable_stall_gap: float = 0.15
    val_swing_relative: float = 0.15
    val_swing_of_progress: float = 0.3
    val_swing_train_noise: float = 2.0
    val_swing_min_noise: float = 0.05
    batch_spread_unstable: float = 20.0
    batch_spread_share: float = 0.25
    overfit_min_rise: float = 0.1
    overfit_noise_multiple: float = 2.0
    overfit_min_epochs_after: int = 2
    overfit_train_drop: float = 0.05
    overfit_steady_epochs: int = 3
    overfit_steady_share: float = 2 / 3
    overfit_steady_rise: float = 0.01
    overfit_steady_noise_multiple: float = 3.0
    overfit_unbroken_epochs: int = 5
    overfit_metric_gap: float = 0.05
    overfit_accuracy_fall: float = 0.03
    overfit_gap_alone: float = 0.25
    overfit_min_rise_with_gap: float = 0.05
    overfit_clean_rise: float = 0.05
    overfit_held_train_rise: float = 0.5
    overfit_clean_noise_multiple: float = 8.0
    overfit_stall_train_drop: float = 0.15
    overfit_lasting_noise_multiple: float = 1.5
    overfit_lasting_epochs: int = 5
    overfit_lasting_train_drop: float = 0.3
    never_improved_memorised_drop: float = 0.5
    never_improved_memorised_margin: float = 0.1
    overfit_receded_share: float = 0.5
    overfit_metric_noise: float = 2.0
    overfit_gap_rise: float = 0.03
    overfit_gap_growth: float = 0.1
    not_learning_margin: float = 0.05
    not_learning_accuracy_margin: float = 0.1
    not_learning_auc_margin: float = 0.01
    not_learning_frozen_drop: float = 0.5
    not_learning_frozen_epochs: int = 10
    not_learning_frozen_val: float = 0.002
    not_learning_accuracy_noise: float = 3.0
    balanced_baseline: float = 0.9
    flat_total_drop: float = 0.01
    flat_after_first_drop: float = 0.035
    metric_improved: float = 0.05
    crawl_min_straightness: float = 0.4
    crawl_max_rate: float = 0.03
    crawl_min_decreasing: float = 0.8
    crawl_min_total_drop: float = 0.01
    crawl_monotone: float = 0.95
    crawl_val_bent: float = 1 / 3
    crawl_straight_line: float = 0.7
    good_chance_fraction: float = 0.3
    off_scale_chance: float = 3.0
    off_scale_accuracy_rise: float = 0.15
    good_accuracy: float = 0.85
    good_auc: float = 0.7
    plateau_max_tail_drop: float = 0.025
    flat_per_10_epochs: float = 0.01
    plateau_noise: float = 0.015
    underfit_max_rate: float = 0.01
    underfit_max_gap: float = 0.25
    still_improving_drop: float = 0.025
    steady_new_lows: float = 0.75
    steady_min_share: float = 0.5
    steady_bend: float = 0.5
    still_improving_noise_multiple: float = 2.0
    still_improving_late_noise: float = 0.5
    last_epoch_best: float = 0.02
    schedule_finished: float = 0.05
    still_improving_floor: float = 0.05
    near_zero_new_best: float = 0.1
    still_improving_accuracy_gain: float = 0.005
    still_improving_min_fall: float = 0.01
    short_run_epochs: int = 3
    leak_accuracy: float = 0.9995
    leak_min_samples: int = 100
    leak_perfect_samples: int = 600
    leak_beats_training_ratio: float = 0.7
    leak_loss_ratio: float = 0.3
    leak_error_ratio: float = 0.2
    leak_val_accuracy_least: float = 0.5
    close_call_new_low: float = 0.02
    close_call_stall: float = 0.25
    close_call_train_drop: float = 0.2
    close_call_jumps: int = 3
    close_call_rise: float = 0.03


DEFAULT_THRESHOLDS = Thresholds()
