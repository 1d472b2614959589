"""The score on real training logs that other people published (tests/diagnosis/public.py):
every file read or refused clearly, and the measured scores on the split the rules were revised
on (`dev`) and on the split they never were (`heldout`), each kept from falling."""

from __future__ import annotations

import csv

import pytest

from fitwell.diagnosis import KINDS

from . import public
from .unseen import FORBIDDEN_FOR_HEALTHY


@pytest.fixture(scope="module")
def results():
    return public.score(public.load())


def _right(results, split):
    chosen = [(run, found) for run, found in results if run.split == split]
    return sum(run.first == found for run, found in chosen), len(chosen)


def test_every_file_has_a_source_a_split_and_two_labels_from_the_kinds():
    files = sorted(path.name for path in (public.PUBLIC / "logs").iterdir())
    with open(public.PUBLIC / "split.csv", newline="") as handle:
        split = {row["file"]: row["split"] for row in csv.DictReader(handle)}
    assert sorted(split) == files and set(split.values()) == set(SPLITS)
    assert public.batches() == sorted({name.split("_")[0] for name in files})
    for name in public.batches():
        with open(public.PUBLIC / f"sources_{name}.csv", newline="") as handle:
            sources = list(csv.DictReader(handle))
        assert all(row["repo"] and len(row["commit"]) == 40 for row in sources)
        assert sorted(row["file"] for row in sources) == [
            file for file in files if file.startswith(name + "_")
        ]
        for reader in ("first", "second"):
            with open(public.PUBLIC / f"labels_{name}_{reader}.csv", newline="") as handle:
                labels = list(csv.DictReader(handle))
            assert sorted(row["file"] for row in labels) == sorted(row["file"] for row in sources)
            assert all(row["label"] in (*KINDS, "unusable") and row["reason"] for row in labels)
    repositories = [
        row["repo"].lower()
        for name in public.batches()
        for row in public.read_rows(public.PUBLIC / f"sources_{name}.csv")
    ]
    assert len(repositories) == len(set(repositories)) == len(files)  # one file per repository


def _refusal(path, labelled) -> str | None:
    """The message of the file's refusal, as its user meets it (`public.judgement`, for a labelled
    run), or None when it is read."""
    if path.name in labelled:
        return public.judgement(labelled[path.name])[1]
    try:
        public.diagnose_file(path, columns=public.NAMED_COLUMNS.get(path.name))
    except ValueError as error:
        return str(error)
    return None


def test_every_file_is_read_or_refused_saying_what_was_expected():
    refused = []
    labelled = {run.name: run for run in public.load()}
    for path in sorted((public.PUBLIC / "logs").iterdir()):
        message = _refusal(path, labelled)
        if message is not None:
            said = (
                ("Line " in message and "column" in message)  # a damaged row, named
                or "No header row" in message  # numbers without names, or lines it cannot parse
                or "no 'loss' curve" in message  # names, none of them a loss
                or "holds text, not numbers" in message  # a loss column of text, named
                or "numbers in one cell" in message  # whole curves as lists, one row per set
                or "is empty on every line" in message  # a loss never written (NaN, by pandas)
                or "not the training loss" in message  # a TensorBoard export of another curve
                or ("looks like JSON but cannot be read" in message and "column" in message)  # cut off
                or "holds a JSON list, not" in message  # a list of bare numbers, named by nothing
                or "unresolved git merge conflict" in message  # two versions of the log, with markers
                or "values but" in message  # lists of unequal lengths, each named with its length
                or "numbers without a header" in message  # one line of numbers, named by nothing
                or "is a Python pickle" in message  # never unpickled: loading runs no code
            )
            assert said and ("Expected" in message or "Pass the" in message), (path.name, message)
            refused.append(path.name)
    # The files refused before were read once their formats were understood (trials after title
    # lines, a table turned on its side, other loggers' names, printed logs, tensors, Python
    # literals); those left are damaged, or say nothing a reader can trust is the loss.
    assert tuple(refused) == public.REFUSED


def test_the_score_on_the_dev_split(results):
    right, total = _right(results, "dev")
    # 30/52 before the rules were revised on this split's misses; 40/52 after; 41/52 after the
    # revision on every earlier set's misses; 40/52 once a training loss still falling while the
    # validation loss stalls is no longer `still_improving` (four files gained elsewhere).
    assert right >= 40 and total == 52


def test_the_score_on_the_held_out_split(results):
    right, total = _right(results, "heldout")
    # 34/51 before the dev revision, 33/51 after it: that revision did not carry over. Then the
    # rules were revised on every earlier set, this split included (docs/diagnosis.md): 37/51; 38/51
    # after the third revision (a run that ends on a clear new best is still improving).
    assert right >= 38 and total == 51


#: Each later batch: `(first reader right, runs, right or defensible)` kept from falling, and the
#: history of its score.
LATER_BATCHES = {
    # Scored once each before any revision on it: 21/45 and 19/45 (first reader); then revised on.
    # 31/45 once a climb at every epoch is overfitting (`d_016`); 32/45 once an unconfirmed
    # training-loss jump on a training set its accuracy counts is noise (`d_042`: healthy).
    "heldout2": (32, 45, 41),
    "heldout3": (31, 45, 41),
    # 25/45 when scored; 26/45 after the validation metric stood in for a missing validation loss.
    "heldout4": (32, 45, 39),
    # Collected after that: 19/44 when scored (one file unusable to both readers); 25/44 after the
    # changes it prompted (runs of 3 epochs, a thousandfold validation spike, NaN validation
    # epochs left out); 28/44 after the third revision.
    "heldout5": (30, 44, 34),
    # Collected after the second revision (printed logs among them): 17/31 (13/31 with the rules
    # of before the second revision); 20/31 once its four printed logs that were refused are
    # read; 22/31 after the revision on every batch up to `h`; 23/31 later, 22/31 once `unstable`
    # asks for jumps that go on into the end (`g_022`: validation jumps until epoch 18 of 40, calm
    # after the rate was cut; both readers call it unstable, with healthy as their second label).
    "heldout6": (22, 31, 29),
    # Collected after the rules' first changes of the third revision: 27/44 with the rules of
    # before it, 29/44 when first scored, 30/44 once a loop's plural names (`train_losses`) are
    # read; then revised on (with `a`-`g`): 33/44. Later 35/44; then a curve still falling as a
    # power law falls is still improving (`h_027`: healthy to one reader, still improving to the
    # other): 34/44.
    "heldout7": (34, 44, 39),
    # Collected and scored after the whole third revision, never revised on: 23/46 when first
    # scored (24/46 with the rules of before the revision); 28/46 once its formats are read
    # (columns named `train`/`val` or `error`, a one-epoch last run before a repeated header).
    "heldout8": (34, 46, 41),
    # Collected with it: 17/29 when first scored (16/29 with the rules of before the revision; one
    # file both readers call unusable); 18/29 once a file of one loss column is read; 19/29, then
    # 18/29 once a validation AUC of 0.79 counts as learning (`j_027`: a fraud detector flat at its
    # first epoch's loss, which both readers call not learning; two files gained elsewhere).
    "heldout9": (18, 29, 24),
    # Collected and scored once with the rules as they were then: 7/10 and 26/41 (27/41 once
    # TensorFlow's printed tensors are read); with the rules of before the third revision, 7/10
    # and 27/41; 30/41 after later revisions, 31/41 once a validation IoU of 0 at every epoch is
    # `not_learning` (`l_025`).
    "heldout10": (7, 10, 7),
    "heldout11": (31, 41, 35),
    # Collected after the last rule change and scored once: 9/25 and 11/25 (20/50, as with the
    # rules of before the third revision), 13 of the 50 files refused; 12/25 and 12/25 once a
    # printed Python dict, pandas' to_json(), records under `history` and a printed log starting
    # with `[time]` are read.
    "heldout12": (16, 25, 21),
    "heldout13": (16, 25, 23),
    # Collected after this revision's first changes (a climb over the last epochs, validation
    # perfect from the first epoch, a training loss flat after its first epoch, the reader's
    # measure-named losses, phases side by side, TensorBoard): 18/30 and 13/25 when first scored,
    # the same as with the rules and reader of before; then revised on: 19/30 and 15/25 (a
    # validation score of exactly 1 throughout, a loss frozen above its best, a validation
    # accuracy's fall within its set's sampling noise); 21/30 after the fifth revision; 22/30 once
    # an unconfirmed training-loss jump on a training set its accuracy counts is noise (`o_012`).
    "heldout14": (22, 30, 29),
    # 19 defensible once `unstable` asks for jumps into the end (`p_025`: early validation jumps, read
    # overfitting or unstable, is now healthy).
    "heldout15": (17, 25, 19),
    # Collected after this stop's first changes (close calls; predictions unchanged while the loss
    # fell by learning the class prior): 20/30 and 21/31 when first scored (17/30 and 21/31 with
    # the rules and reader of before: three files of one bare column of numbers were refused);
    # then revised on: 21/30 and 22/31 (a steady climb of the validation loss up in two steps of
    # three, 1% above its low); 22/30 after the revision on `s` and `t`.
    "heldout16": (22, 30, 25),
    "heldout17": (23, 31, 28),  # 23/31 once a climb at every epoch is overfitting (`r_022`)
    # Collected after that revision: 9/20 and 16/30 when first scored (9/20 and 15/30 with the
    # rules and reader of the session's start); then revised on: 10/20 and 16/30 (with validation,
    # a training loss still falling is not `still_improving`; a long run's validation minimum is
    # that of a running median over a thirtieth of it; a thousandfold validation spike is measured
    # from the lowest of its 3-epoch running median: 11/20; two distinct accuracies tell the
    # validation set's size: 12/20).
    "heldout18": (12, 20, 18),
    "heldout19": (18, 30, 25),
    # Collected after those changes: 15/19 and 15/26 when first scored (one file both readers call
    # unusable; 15/19 and 14/26 with the rules and reader of the session's start); then revised on:
    # 15/19 and 16/26 (a loss that goes negative is not compared as a ratio).
    "heldout20": (15, 19, 18),
    "heldout21": (17, 26, 24),
    # Collected after the sixth revision's first changes (a rate that stepped down and held is not a
    # finished schedule; a clean 5% climb is overfitting; `columns=` for tables without a header; a
    # history saved as one JSON string): 23/29 and 18/28 when first scored (22/29 and 15/28 with
    # the rules and reader of the session's start, which refused six of them); then revised on:
    # 23/29 and 19/28 (a second phase under a prefix after the first; a crawl needs validation
    # still improving at the end).
    "heldout22": (23, 29, 27),
    "heldout23": (19, 28, 25),
    # Collected after that revision (the set named after the curve, `Current Epoch`, pandas'
    # to_json() with an empty column read before scoring): 11/18 and 15/28 when first scored (10/18
    # and 15/28 with the rules and reader of the session's start, which refused three); then
    # revised on: 12/18 and 16/28 (a loss near zero that beats its best by a tenth in the last
    # epoch still gains; a near-perfect model's tiny loss swinging is not `diverged`).
    "heldout24": (12, 18, 16),
    "heldout25": (17, 28, 24),
    # Collected after that (batches named `aa`, `ab`; the reader learned PyTorch Lightning's
    # CSVLogger rows, a long table with a set column, a sentence after the table, JSON Lines and
    # `loss_history` first): 13/20 and 12/20 when first scored (10/20 and 11/20 with the rules and
    # reader of the session's start); then a multi-task `total` beside `val_total` is read as the
    # loss (one more file read, no score changed).
    "heldout26": (13, 20, 17),
    "heldout27": (12, 20, 15),
    # Collected after the advice's rate fixes (batches `ac`: CSV and text logs, `ad`: JSON; the
    # reader learned Ultralytics' results.csv with the loss as the sum of its parts, Lightning's
    # per-step rows and `_step`/`_epoch` copies, `name value` tokens and a labelled printed dict
    # before `ac` was scored; a file from a repository used before was dropped from `ad`): 11/22
    # and 9/21 when first scored (9/22 and 9/21 with the rules and reader of the session's start,
    # which refused eight of `ac`); then revised on: 12/22 and 10/21 (an AUC or an overlap score
    # that a constant cannot reach shows learning; a near-perfect model's loss jumping while its
    # accuracy held is not `diverged`); 13/22 once a noisy rise that lasted is overfitting; 12/22 and
    # 12/21 once validation swings rank before overfitting (`ac_016`, read overfitting by both
    # readers, who name unstable second; seven runs read unstable gained over all batches).
    "heldout28": (12, 22, 17),
    "heldout29": (12, 21, 16),
    # Collected after that revision (`ae`: 20 CSV and text logs, `af`: 20 JSON histories; the reader
    # learned a validation line after an `[Epoch: 05]` marker, two-word phase names and a first
    # record whose `Epoch 1/50` was cut off before they were scored): 13/20 and 15/20 when first
    # scored (12/20 and 14/20 with the rules and reader of the session's start, which refused four);
    # then revised on: 14/20 and 16/20 (`unstable` asks for jumps that go on into the end).
    "heldout30": (14, 20, 19),
    "heldout31": (16, 20, 18),
    # Collected after that revision (`ag`: 20 CSV and text logs, `ah`: 20 JSON histories; the reader
    # learned a logger's start and summary rows, a bare `loss` beside `train_loss` as the
    # evaluation's, and runs written into one file at once before they were scored): 15/20 and 13/20
    # when first scored (14/20 and 13/20 with the rules and reader of the session's start); then
    # revised on: 15/20 and 14/20 (a training accuracy 0.35 above validation's at the end is
    # overfitting whatever the validation loss did); 16/20 once a validation recall of 0 at every
    # epoch is `not_learning` (`ag_018`). One file is refused (`ag_008`).
    "heldout32": (16, 20, 18),
    "heldout33": (14, 20, 19),
    # Collected after that revision (`ai`: 20 CSV and text logs, `aj`: 20 JSON histories; the reader
    # learned a printed cross-validation, read fold by fold, before they were scored): 14/20 and
    # 10/20 when first scored (the same with the rules and reader of the session's start); then
    # revised on: 15/20 (a noisy rise that lasted while the training loss fell is overfitting).
    "heldout34": (15, 20, 19),
    "heldout35": (10, 20, 15),
    # Collected after a noisy rise that lasted became overfitting (`ak`: 20 CSV and text logs, `al`:
    # 20 JSON histories; the reader learned a run resumed from checkpoints, a model's name before
    # `train_`/`val_`, `Valid. Loss`, `name is value` lines, and JSON records of appended runs before
    # they were scored; `ak_006` has no header and is read with its columns named): 11/20 and
    # 13/20 when first scored (8/20 and 13/20 with the rules and reader of the session's start,
    # which refused one); not revised on.
    "heldout36": (11, 20, 19),
    "heldout37": (13, 20, 16),
    # Collected after this revision's changes (`am`: 20 CSV and text logs; the reader learned
    # Hugging Face Trainer's per-step log before it was scored; `am_002` has no header and is read
    # with its columns named): 11/20 when first scored (10/20 with the rules and reader of the
    # session's start, which read the Trainer's log as 30 epochs); not revised on.
    "heldout38": (11, 20, 18),
    # Collected with it (`an`: 20 JSON histories; the reader learned a record's numbers nested
    # under `metrics` before they were scored): 13/20 when first scored (12/20 with the rules and
    # reader of the session's start, which refused one); 14/20 since an `auroc` counts as an AUC.
    "heldout39": (14, 20, 15),
    # Collected after the eleventh revision's changes (`ao`: 20 CSV and text logs; before they
    # were scored the reader learned a long table with a metric column, a Lightning table whose
    # learning-rate rows miss an epoch, and a printed line naming its sets once): 16/20 when first
    # scored (16/20 with the rules and reader of the session's start, which refused two); not
    # revised on.
    "heldout40": (16, 20, 16),
    # Collected with it (`ap`: 20 JSON histories; the reader learned a Trainer log written once per
    # epoch before they were scored): 12/20 when first scored (11/20 with the rules and reader of
    # the session's start, which refused one); 13/20 since a logged ROC AUC judges the level.
    "heldout41": (13, 20, 17),
    # Collected after the twelfth revision's changes (`aq`: 20 CSV and text logs; before they
    # were scored the reader learned a table set out with spaces and `val_log_loss` as the
    # validation loss): 12/20 when first scored (10/20 with the rules and reader of the session's
    # start, which refused two); not revised on.
    "heldout42": (12, 20, 18),
    # Collected with it (`ar`: 20 JSON histories; the reader learned a Trainer log whose training
    # loss is logged less often than its evaluations before they were scored): 14/20 when first
    # scored (13/20 with the rules and reader of the session's start); not revised on (one more
    # defensible since an accuracy back at its best in the last epoch is no collapse).
    "heldout43": (14, 20, 18),
    # Collected after the thirteenth revision's changes (`as`: 20 CSV and text logs; before they
    # were scored the reader learned a validation metric named `validation_mae` beside Keras's own
    # `loss`): 11/20 when first scored (11/20 with the rules and reader of the session's start).
    # Defensible 15 since an F1 score judges the level: `as_020` (a macro F1 of 0.58, its training
    # loss still falling) reads `still_improving`; the readers: overfitting, healthy second.
    "heldout44": (11, 20, 15),
    # Collected with it (`at`: 20 JSON histories): 14/20 when first scored (14/20 with the rules and
    # reader of the session's start).
    "heldout45": (14, 20, 18),
    # Collected with them, scored after them (`au`: 20 CSV and text logs): 15/20 (15/20 with the
    # rules and reader of the session's start); not revised on. A reader that skipped one torn row
    # in a long table read `au_002` too (16/20); it was withdrawn: a damaged row is refused.
    "heldout46": (15, 20, 17),
    # Collected with it (`av`: 20 JSON histories): 16/20 when first scored (16/20 with the rules and
    # reader of the session's start); not revised on. 15/20 since a line that bent after its first
    # epoch is no crawl: `av_007` (lr_too_low to both readers: 10% in the first epoch, then 1.5%
    # per epoch for 29) reads healthy.
    "heldout47": (15, 20, 17),
    # Collected after a climb at every epoch became overfitting and the reader learned records under
    # a key and phases named with a set word (`aw`: 20 CSV logs): 10/20 when first scored (10/20 with
    # the rules and reader of the session's start); then revised on: 12/20 (a validation loss that
    # never moved is `not_learning`, `aw_011`; a training accuracy written as 0 and never computed is
    # left out, `aw_001`).
    "heldout48": (12, 20, 15),
    # Collected with it (`ax`: 20 JSON histories): 11/20 when first scored (11/20 with the rules and
    # reader of the session's start, which refused `ax_002`); revised on after round 2: 12/20 (a
    # validation accuracy with one value at every epoch never rose above chance, `ax_016`). One
    # defensible label fewer since a stall within swings of 8% is `unstable` (`ax_002`, both readers
    # not learning, overfitting second: its validation loss swings 0.94-2.04). One more since
    # validation swings large against the curve's fall are `unstable` (`ax_004`: overfitting and
    # healthy to its readers; its swings of 30-40% stopped 14 epochs before the end of 45, one short
    # of a calm last third).
    "heldout49": (12, 20, 16),
    # Collected after the revision on `aw` (`ay`: 20 CSV logs): 10/20 when first scored (10/20 with
    # the rules and reader of the session's start); not revised on. Then a curve still falling as
    # a power law falls is still improving: `ay_014`, a cosine schedule whose rate is not logged,
    # healthy to both readers, reads still improving (its last 50 of 200 epochs brought a fifth of
    # its fall on a log scale): 14 defensible.
    "heldout50": (10, 20, 14),
    # Collected with it (`az`: 20 JSON histories): 9/20 when first scored (8/20 with the rules and
    # reader of the session's start, which refused `az_014`: one history nested beside an
    # evaluation); then revised on: 10/20 (a validation loss of exactly 0 at every epoch is
    # `suspicious_validation`, `az_017`). `az_018` is cut off in its repository, and refused.
    "heldout51": (10, 20, 16),
    # Collected after the revisions on `az` and `ax` (`ba`: 17 CSV and 3 text logs): 5/20 when first
    # scored (5/20 with the rules and reader of the session's start); three GAN logs are refused,
    # saying so. Not revised on.
    "heldout52": (5, 20, 13),
    # Collected with it (`bb`: 20 JSON histories): 10/20 when first scored (10/20 with the rules and
    # reader of the session's start); `bb_018` failed on `num_classes=1` with binary cross-entropy,
    # which is now read as one sigmoid output (it reads `underfitting`, the readers' second label).
    # Then 11/20 once an unconfirmed training-loss jump on a training set its accuracy counts is
    # noise (`bb_003`: overfitting, both readers' clear label).
    "heldout53": (11, 20, 15),
    # Collected after the fourteenth revision (`bc`: 12 text logs, 8 CSV; before it was scored the
    # reader learned a validation total beside a training total, `val_total_loss`, a hyphen inside
    # a printed name, `Multi-class Loss`, and two printed losses without a total, read as their
    # sum): 11/18 when first scored (11/18 with the rules and reader of the session's start; two
    # normalizing-flow logs whose objective is re-weighted as training goes are unusable to one
    # reader; a YOLOv5 console log was refused). Then revised on: that console log is read (`bc_003`,
    # its losses summed, its mAP watched: `still_improving`, the first reader's label): 12/18.
    "heldout54": (12, 18, 17),
    # Collected with it (`bd`: 20 JSON histories): 13/20 when first scored (13/20 with the rules and
    # reader of the session's start), the readers agreeing on 19; then revised on: a
    # training loss held within 0.2% of one value above its best is frozen too (`bd_019`, 0.18%
    # over its last 9 epochs: `not_learning`, the readers' second label after `diverged`).
    "heldout55": (13, 20, 18),
    # Collected after the revision on `bd` (`be`: 20 JSON histories): 15/20 when first scored (15/20
    # with the rules and reader of the session's start), the readers agreeing on all 20, clear 5/5;
    # then revised on: a level is judged by the validation loss when it ends below a training loss
    # raised by mixup and label smoothing (`be_003`, read `plateau`, is healthy): 16/20.
    "heldout56": (16, 20, 18),
    # Collected after the revision on `be` (`bf`: 16 CSV, 2 text logs): 7/18 when first scored (7/18
    # with the rules and reader of the session's start), the readers agreeing on 16; a VAE's ELBO
    # and a GAN are refused. Then revised on: a regression's MAE no better on validation than on
    # training clears a validation loss far below a training loss that adds a weight penalty
    # (`bf_006`, read `suspicious_validation`, is healthy; both readers: unstable).
    # Then a line that bent after its first epoch is no crawl (`bf_016`, lr_too_low, reads healthy,
    # the readers' second label).
    "heldout57": (7, 18, 12),
    # Collected with it (`bg`: 20 JSON histories; before it was scored the reader learned a list of
    # one-epoch histories, `bg_020`): 14/20 when first scored (13/20 with the rules and reader of
    # the session's start); two GANs are refused. Not revised on. 13/20 since an `acc` that falls
    # in step with the loss is read as an error rate and left out (`bg_009`, a regression's `acc`
    # 0.043 → 0.009, meaningless to both readers: now healthy, one reader's label; underfitting
    # before, the other's).
    "heldout58": (13, 20, 17),
    # Collected after the fifteenth revision (`bh`: 20 JSON histories; before it was scored the
    # reader learned the direction of ranking and image scores, `val_mrr`, `val_ssim`): 16/20 when
    # first scored (15/20 with the rules and reader of the session's start, which failed on a
    # validation loss of exactly 0 at its lowest, `bh_012`). Then revised on: a validation
    # accuracy perfect from the first epoch on 2 images of a 5-image training set is no leak
    # (`bh_005`: unstable), and a validation loss often exactly 0 at 100% on 100 images is one
    # (`bh_012`, after its jump at 98% accuracy was no longer `diverged`): 18/20.
    "heldout59": (18, 20, 18),
    # Collected with it (`bj`: 20 JSON histories): 10/20 when first scored (10/20 with the rules and
    # reader of the session's start); a WGAN is refused. Then revised on: a validation accuracy of
    # 15/16 at every epoch is no frozen prediction while the validation loss sets a new low at the
    # last epoch (`bj_008`: still_improving, both readers' label): 11/20.
    "heldout60": (11, 20, 18),
    # Collected with them (`bi`: 17 CSV logs, 15 of them runs of one course exercise, each a fork's
    # own run): 17/17 when first scored (17/17 with the rules and reader of the session's start).
    "heldout61": (17, 17, 17),
    # Collected with them (`bk`: 14 text logs; before it was scored the reader learned a Trainer's
    # console output of printed dicts, a name printed after its epoch number and an average before
    # its set's name, three logs it had refused): 5/14 when first scored (5/14 with the rules and
    # reader of the session's start); a log of the batches' losses alone is refused. Then a
    # training loss of exactly 0 from the first epoch is `not_learning` (`bk_001`, the second
    # reader's label).
    "heldout62": (5, 14, 10),
    # Collected after the sixteenth revision, scored once each before anything was revised on
    # them, with the reader as it stood once it read their formats (in brackets: with the rules
    # and reader of the session's start). `bl` (10 printed logs; before it was scored the reader
    # learned a set named alone, `train 0.52  val 0.61`, `Evaluation` lines as validation, and
    # folds named after the last epoch, on which it had crashed): 5/10 (3/10). Then a validation
    # loss thrown 10× above its start and the training loss is `diverged` without a chance level
    # (`bl_005`, both readers' label): 6/10.
    "heldout63": (6, 10, 6),
    # `bm` (3 Flair console logs; the reader learned that a `DEV :` line is validation and a
    # `TEST :` line a test set, both read over the training loss before): 1/3 (0/3). Then a
    # validation score that is a share of its samples stands in for the accuracy that tells the
    # small set's noise (`bm_003`: healthy, both readers' label): 2/3.
    "heldout64": (2, 3, 2),
    # `bn` (20 JSON histories; the reader learned a history cut off at its end and per-sample
    # labels saved beside the curves, two files it had refused): 9/20 (9/20). Then a summed loss
    # far above the chance level while the accuracy rose is judged by its course (`bn_013`:
    # still_improving, both readers' clear label): 10/20. Then a training-loss jump the validation
    # loss does not show, on a training set its accuracy counts (56 images), is noise (`bn_012`:
    # healthy, both readers' label): 11/20.
    "heldout65": (11, 20, 16),
    # `bo` (7 printed logs): 4/7 (4/7); a log of `Loss 1.24/0.84` pairs (`bo_003`) is refused.
    "heldout66": (4, 7, 5),
    # `bp` (14 printed logs; the reader learned `ep N` epoch markers and that a `Test Loss` beside
    # the loss is a set, not a later phase): 5/14 (5/14); a WGAN, a loss named `total` and a log
    # in Chinese are refused.
    "heldout67": (5, 14, 7),
    # `bq` (15 Flair `loss.tsv` files and 4 logs; the reader learned the empty cell Flair writes
    # beyond its header, in four files it had refused): 10/19 (9/19). Then a test set's accuracy
    # is not the training accuracy (`bq_007`), and training and validation losses both exactly 0
    # throughout are `suspicious_validation` (`bq_010`), both readers' clear labels: 12/19. Then
    # validation jumps on 31 documents within the set's noise are not `unstable` (`bq_005`, healthy
    # to both readers, unstable their second label; it reads still_improving): 13 defensible.
    "heldout68": (12, 19, 13),
    # Collected after the seventeenth revision, scored once each before anything was revised on
    # them, with the reader as it stood once it read their formats (in brackets: with the rules and
    # reader of the session's start). `br` (11 printed logs; the reader learned that bookkeeping
    # tokens, `epoch 1 … time 0.56`, do not outnumber a line's one `loss:`): 3/11 (3/11); two
    # columns no code explains and a batch log without a total loss are refused. Then a straight
    # line at the chance level that fell under 1% in 50 epochs is `not_learning`, not a crawl
    # (`br_004`, both readers' clear label): 4/11.
    "heldout69": (4, 11, 7),
    # `bs` (8 printed logs; the reader learned that a progress bar's percent, count and `v_num`
    # are not metrics): 4/8 (4/8); a GAN and a table printed through `logging` are refused. Then a
    # curve still falling as a power law falls is still improving: `bs_001`, a cosine schedule
    # whose rate is not logged (healthy to both readers, still improving their second label): 3/8.
    "heldout70": (3, 8, 5),
    # `bt` (12 `loss.txt` files; the reader learned `Epoch: 1<tab>Loss 1.94` lines): 4/12 (3/12);
    # five are refused (lines newest first, a Rust list, tuples, tensor reprs). Then named columns
    # split `epoch: loss` lines (`bt_010`): 5/12. Then a last epoch above the first after a fall of
    # a fifth is `diverged` (`bt_012`, a summed loss that jumped 2.6× and stayed, both readers'
    # clear label): 6/12. Then a list of numbers is read as the training loss (`bt_003`, both
    # readers: still improving, as found): 7/12.
    "heldout71": (7, 12, 9),
    # `bu` (19 JSON histories): 13/19 (13/19); a GAN is refused.
    "heldout72": (13, 19, 15),
    # `bv` (19 JSON histories): 5/19 (5/19); two GANs are refused. Then a validation Matthews
    # correlation at 0 is `not_learning`, also beside a crawl (`bv_013`, both readers' clear
    # label): 6/19.
    "heldout73": (6, 19, 11),
    # `bw` (7 CSV tables): 5/7 (5/7).
    "heldout74": (5, 7, 5),
    # Collected after the eighteenth revision, scored once each before anything was revised on
    # them, with the reader as it stood once it read their formats (in brackets: with the rules and
    # reader of the session's start). `bx` (18 JSON histories): 8/18 (8/18); a GAN is refused.
    # Then a validation accuracy above chance beside a training side at chance is no learning
    # (`bx_011`, 4 classes, both readers' clear label): 9/18.
    "heldout75": (9, 18, 14),
    # `by` (8 CSV tables, five without a header, read with the columns their code writes): 4/8 (4/8).
    "heldout76": (4, 8, 4),
    # `bz` (6 printed logs; the reader learned that `Validation loss decreased a -> b` is a message
    # and `Validation metrics: {'f1': …}` a printed dict): 2/6 (2/6).
    "heldout77": (2, 6, 5),
    # `ca` (6 printed logs; the reader learned `train loss 0.77 val loss 0.56`, whose second loss it
    # read as the training loss): 3/6 (3/6); a VAE's terms without their total are refused.
    "heldout78": (3, 6, 3),
    # `cb` (16 JSON histories): 7/16 (7/16). Then the scoring leaves out a class count of 1 beside a
    # cross-entropy, which `diagnose` refuses (`cb_007`, a set of one class, both readers:
    # suspicious_validation, which it is found): 8/16.
    "heldout79": (8, 16, 11),
    # `cc` (3 printed logs): 3/3 (3/3).
    "heldout80": (3, 3, 3),
    # Batches `cd` to `ci`, collected after the nineteenth revision and scored once before anything
    # was revised on them, with the reader as it stood once it read their formats (in brackets:
    # with the rules and reader of the session's start). `cd` (20 JSON histories): 13/20 (13/20).
    # Then a JSON list of numbers is the training loss and `loss_x` the only loss (`cd_014`,
    # `cd_001`, both readers: still improving, as found): 15/20.
    "heldout81": (15, 20, 19),
    # `ce` (20 CSV tables): 13/20 (13/20); a loss column empty on every line is refused.
    "heldout82": (13, 20, 17),
    # `cf` (14 printed logs; the reader learned `train=0.36 | val_loss=0.54`): 6/14 (5/14); three
    # GANs are refused.
    "heldout83": (6, 14, 9),
    # `cg` (14 CSV tables; the reader learned a quoted cell over several lines): 6/14 (5/14).
    "heldout84": (6, 14, 11),
    # `ch` (20 JSON histories; the reader learned a set's container, `val_metrics`): 11/20 (11/20).
    "heldout85": (11, 20, 16),
    # `ci` (20 text logs; the reader learned a printed table whose names hold spaces, and one
    # headerless table is read with the columns its code writes): 10/20 (10/20); a log that names
    # no loss is refused.
    "heldout86": (10, 20, 12),
    # Batches `cj` to `co`, collected after the twentieth revision and scored once before anything
    # was revised on them, with the reader as it stood once it read their formats (in brackets:
    # with the rules and reader of the session's start). `cj` (20 JSON histories): 7/20 (7/20).
    # Then an evaluation run under `eval_` with its own `eval_val_loss` is read as a later run
    # (`cj_009`, both readers: overfitting, clear, as found), and a loss at ln 2 without a declared
    # loss is not learning (`cj_019`, both: not learning, clear): 9/20.
    "heldout87": (9, 20, 15),
    # `ck` (20 CSV tables): 12/20 (12/20). (An Ultralytics log's validation columns held at 0 until
    # the last epoch, `ck_005`, are read as not recorded there since: it is no longer
    # suspicious_validation, but healthy; both readers: still improving.)
    "heldout88": (12, 20, 16),
    # `cl` (20 text logs): 13/20 (13/20); two are refused. Then new lows that bend flat are not
    # still improving (`cl_001`, logged every 5 epochs as a cosine schedule ends; both readers:
    # healthy, clear, as found): 14/20.
    "heldout89": (14, 20, 17),
    # `cm` (10 printed logs; the reader learned a table printed below a long preamble): 4/10
    # (3/10); one is refused. Then training-loss ripples near the floor beside a calm validation
    # loss are no jumps (`cm_001`, both readers: overfitting, clear, as found): 5/10.
    "heldout90": (5, 10, 7),
    # `cn` (20 CSV tables): 7/20 (7/20); two GANs are refused. Then a gap grown within a small
    # set's sampling noise is no overfitting (`cn_009`, both readers: healthy, as found), and the
    # epochs before the first training loss a logger wrote are left out (`cn_010`, read diverged
    # from empty cells; both readers: healthy, with still improving second, as found): 8/20.
    "heldout91": (8, 20, 13),
    # `co` (19 JSON histories; the reader learned a history saved in a list of one, two models
    # each with its sets' records, and `train_l1`): 7/19 (6/19); one is refused, and one
    # (`co_019`, a forecaster's summary whose history sits beside lists of names) is read since.
    # Then per-epoch summaries beside each batch's records are read, not the batches (`co_014`,
    # both readers: not learning, clear, as found), and a weighted cross-entropy above chance from
    # its first epoch that fell is no divergence (`co_018`, read not learning, as found): 9/19.
    "heldout92": (9, 19, 14),
    # Batches `cp` to `cu`, collected after the twenty-first revision and scored once before
    # anything was revised on them, with the reader as it stood once it read their formats (in
    # brackets: with the rules and reader of the session's start). `cp` (20 JSON histories): 14/20
    # (14/20). Then a run too short to judge is judged by its validation loss when it logged two
    # (`cp_020`, a fine-tuning phase of 2 epochs whose training loss was near zero; both readers:
    # still improving, clear, as found), and a validation loss half as high again as its low while
    # the training loss held is overfitting (`cp_010`, both readers: overfitting, as found): 16/20.
    "heldout93": (16, 20, 19),
    # `cq` (4 CSV tables): 1/4 (1/4); one is refused, naming the line its stray rows start on.
    "heldout94": (1, 4, 3),
    # `cr` (7 printed logs; the reader learned `Tr`/`Va` for the sets and a reloaded checkpoint's
    # evaluation after the run): 4/7 (4/7); a GAN is refused.
    "heldout95": (4, 7, 5),
    # `cs` (12 CSV tables): 7/12 (7/12).
    "heldout96": (7, 12, 10),
    # `ct` (11 JSON histories; the reader learned a history beside records describing the data):
    # 6/11 (5/11); two are refused. Then a noisy rise of a sixth from a low above the training loss
    # is overfitting (`ct_005`, both readers: overfitting, as found): 7/11.
    "heldout97": (7, 11, 7),
    # `cu` (5 printed logs): 3/5 (3/5). Then a validation score that never improved on its first
    # epoch while the training loss fell a third is overfitting (`cu_002`, a macro-F1 at 0.37-0.40;
    # both readers: overfitting, clear, as found): 4/5.
    "heldout98": (4, 5, 4),
    # Batches `cv` to `cz`, collected after the twenty-second revision and scored once before
    # anything was revised on them (in brackets: with the rules and reader of the session's start).
    # `cv` (3 printed logs): 2/3 (2/3). `cw` (7 CSV tables): 5/7 (5/7).
    "heldout99": (2, 3, 3),
    "heldout100": (5, 7, 6),
    # `cx` (14 JSON histories; the reader learned per-step lists beside the per-epoch ones): 7/14
    # (7/14, one refused). Then a validation side at a uniform guess twice over, its loss at ln C and
    # its accuracy at 1/C, is not learning (`cx_012`, both readers: not learning, clear): 8/14.
    "heldout101": (8, 14, 10),
    # `cy` (10 CSV tables, scored after the revisions on `cv` to `cx`; the reader learned lists of
    # one number, percentages and a total named as the epoch's mean): 4/10 (3/10). Then a noisy
    # loss's one dip is no halving (`cy_009`), and a loss summed over the samples is not judged
    # against chance (`cy_002`; both runs both readers call healthy, read diverged): 6/10. Then
    # a value repeated on every row beside its list by epoch is left out (`cy_006`, read not
    # learning, one reader's second label, by a final evaluation taken for a validation curve that
    # never changed; now unstable): 9 defensible, from 10.
    "heldout102": (6, 10, 9),
    # `cz` (20 JSON histories, scored with `cy`): 13/20 (13/20).
    "heldout103": (13, 20, 16),
    # Batches `da` and `db`, collected after the twenty-third revision and scored once before
    # anything was revised on them. `da` (20 JSON histories): 14/20 (14/20). Then a recommender's
    # ranking metric at a cut-off (`NDCG@10`) is watched for progress where no validation curve is
    # (`da_004`, both readers: healthy, clear, as found): 15/20. `db` (one JSON history): 0/1.
    "heldout104": (15, 20, 17),
    "heldout105": (0, 1, 1),
    # Batches `dc` to `df`, collected after the twenty-fourth revision and scored once before
    # anything was revised on them, with the reader of the day (which had learned a table printed
    # through `logging`, a count per epoch that opens no epoch, a history two levels down): 33/57,
    # as with the rules and reader of the revision before. `dc` (20 JSON histories): 8/20. Then an
    # error rate never under 100% (a character error rate over it with insertions) is not learning
    # (`dc_016`, both readers: not learning, clear): 9/20. `dd` (13 CSV tables): 9/13. `de` (4
    # printed logs): 4/4. `df` (20 JSON histories): 12/20. Then validation swings to the end are
    # unstable though the training loss's jumps settled (`df_003`, both readers: unstable): 13/20.
    "heldout106": (9, 20, 15),
    "heldout107": (9, 13, 10),
    "heldout108": (4, 4, 4),
    "heldout109": (13, 20, 16),
    # Batches `dg` and `dh`, collected after that and scored once before anything was revised on
    # them, with the reader of the day (which had learned LeRobot's `epch`): 13/23 (12/23 with the
    # rules and reader of the revision before). `dg` (20 JSON histories): 11/20. Then a first
    # epoch sets no scale for a loss thrown down in one step (`dg_020`, a VAE's negative ELBO read
    # diverged; both readers: healthy), and a validation R² never above 0 is not learning
    # (`dg_007`, both readers: not learning, clear): 13/20. `dh` (3 printed logs): 2/3.
    "heldout110": (13, 20, 15),
    "heldout111": (2, 3, 2),
    # Batch `di` (20 JSON histories), collected after that and scored once before anything was
    # revised on it: 14/20 (14/20 with the rules and reader of the twenty-fourth revision). Then a
    # validation loss of exactly 0 at every epoch beside a training loss that never got under 0.1
    # measures nothing (`di_002`, a placeholder; both readers: suspicious_validation): 15/20.
    "heldout112": (15, 20, 18),
    # Batch `dj` (10 JSON histories, collected last, scored once): 7/10 (7/10 with the rules and
    # reader of the twenty-fourth revision); all 4 clear.
    "heldout113": (7, 10, 8),
    # Batches `dk` and `dl`, collected after that and scored once before anything was revised on
    # them, with the rules and reader of the start of the twenty-sixth revision: `dk` (36 logs:
    # JSON histories, CSV tables, three printed logs) 23/36, all but one of the 12 clear; `dl` (36,
    # CSV tables and JSON histories) 23/36, 5 of the 9 clear. Then a validation loss that falls
    # through its jumps, each followed within two epochs by a low 10% under every value before it,
    # ending on its best, is no instability (`dk_035`, both readers: still improving, clear): 24/36;
    # a summary row with a word for its epoch is left out (`dl_021`, refused before; both readers:
    # healthy, clear), and a validation loss whose median since its stall sits 1.5 times its noise
    # above the low is a rise, not a stall lost in swings (`dl_005`, both readers: overfitting,
    # clear): 25/36; a lone Inf training loss the next epoch carries on from is left out
    # (`dl_009`, read diverged; both readers: unstable, healthy second): healthy, 29 defensible.
    "heldout114": (24, 36, 27),
    "heldout115": (25, 36, 29),
    # Batch `dm` (36 CSV tables and JSON histories), collected after that and scored once before
    # anything was revised on it, with the rules and reader of the start of the revision: 25/36
    # (the same with those of the end of its first part), 9 of the 10 clear. Then a validation
    # loss that ends on its lowest value, at most 0.75 × every value before its first jump, fell
    # through its jumps (`dm_025`, both readers: still improving): 26/36.
    "heldout116": (26, 36, 30),
    # Batch `dn` (36 CSV tables and JSON histories), collected after that and scored once before
    # anything was revised on it, with the rules and reader of the start of the twenty-seventh
    # revision: 22/36, all 8 clear. Then a variational autoencoder's reconstruction and KL terms
    # logged without their total are read as their sum, the negative ELBO (`dn_029`: its
    # reconstruction term alone, rising through a β warm-up, read as not learning; both readers:
    # healthy): 23/36.
    "heldout117": (23, 36, 32),
    # Batch `do` (32 logs: JSON histories, CSV tables, five printed logs), collected after that and
    # scored once before anything was revised on it, with the rules and reader of that point: 19/32,
    # 9 of the 11 clear. Then `fit()` called again and again on one model, the epoch count starting
    # again at each call and the loss carrying on where the last ended, is one run (`do_018`: 25
    # calls of 5 epochs, its last five flat epochs read as not learning; both readers: healthy), and
    # both accuracies perfect at the first epoch on a validation set of thousands, the loss near 0
    # already, are suspicious (`do_008`, both readers: suspicious_validation, clear): 21/32.
    "heldout118": (21, 32, 27),
    # Batch `dp` (36 logs), collected beside `do`, scored once with the rules and reader of the
    # start of the revision: 17/36, 8 of the 12 clear (a table set out with bars, a report's table
    # under a title that names a loss and an epoch, and one named list a line were refused or
    # misread; read since, 18/36).
    "heldout119": (18, 36, 27),
    # Batch `dq` (36 logs, most of them Keras CSVLogger files written on Windows, `\r\r\n`),
    # collected after that and scored once before anything was revised on it: 21/36, all 10 clear.
    # Then a recall of 7.8e-12 at every epoch (a hand-written metric's epsilon) is 0, no positive
    # found (`dq_028`, both readers: not learning), and an output of three perfect on validation
    # from the first epoch, its validation loss below its training loss, is suspicious (`dq_017`,
    # both readers: suspicious_validation): 23/36.
    "heldout120": (23, 36, 32),
    # Batch `dr` (24 logs: tables under `models/`, one printed log written every 10 epochs),
    # collected last and scored once, not revised on: 11/24, all 5 clear.
    "heldout121": (11, 24, 15),
    # Batch `ds` (29 CSV tables, most under `models/`), collected after that and scored once with
    # the rules and reader of the start of the revision: 12/29, 8 of the 10 clear. Then `vl_`
    # abbreviates the validation set as `va_` does, an epoch written as a label (`P2-7`) is read by
    # the number it ends in (`ds_015`: the two losses summed as one, the two phases as one run;
    # both readers: healthy, clear), a table without epoch numbers starts a second run where the
    # learning rate changes and the loss jumps back near its first value (`ds_011`), and a
    # validation accuracy of exactly 0 at every epoch beside a training accuracy that counts right
    # answers is not learning (`ds_025`): 15/29.
    "heldout122": (15, 29, 23),
    # Batch `dt` (16 printed logs), scored once with the rules and reader of the start of the
    # revision: 8/16, 6 of the 7 clear. Since: an epoch printed again word for word (a console
    # redrawn, `dt_022`) is left out, not read as a new run, and `Эпоха` (with other languages'
    # words for epoch) marks epochs (`dt_002`: three models one after another read as one run; its
    # last is called still improving, where both readers call it healthy): 8/16.
    "heldout123": (8, 16, 10),
    # Batch `du` (10 CSVLogger files of one course exercise, each from another student's
    # repository; ten more were collected and left out, to keep one exercise from weighing on the
    # round), scored once with the rules of the start of the revision: 10/10, all clear.
    "heldout124": (10, 10, 10),
    # Batch `dv` (26 tables: `models/training_history.csv`, `checkpoints/training_log.csv`),
    # collected after that and scored once before anything was revised on it: 15/26, all 8 clear.
    # Then a crawl that left both accuracies at one value each at every epoch is not learning
    # (`dv_016`: the majority class throughout while the loss crept from ln 2 to 0.62; both
    # readers): 16/26.
    "heldout125": (16, 26, 22),
    # Batch `dw` (8 printed logs and JSON lines under `output_dir/`), collected beside `dv`,
    # scored once: 6/8, all 5 clear.
    "heldout126": (6, 8, 7),
    # Batch `dx` (31: tables under `models/` and `artifacts/`, printed logs and JSON lines under
    # `output/` and `outputs/`), collected last and scored once with the rules of the end of the
    # revision, not revised on: 16/31, 6 of the 11 clear.
    "heldout127": (16, 31, 22),
    # Batch `dy` (2 printed logs), collected beside `dx`, scored once, not revised on: 2/2, 1/1 clear.
    "heldout128": (2, 2, 2),
    # Batch `dz` (18: `models/history.csv`, `artifacts/`, two printed logs), collected after the
    # revision and scored once with its rules: 8/18, 4 of the 5 clear (two files refused: a git
    # merge conflict left in a log, and a table of two rows whose cells hold whole curves). Then
    # a banner naming the validation set over a record that names no set (`=====validate epoch
    # 3=====`) names that record's values (`dz_007`: the validation loss read as the training
    # loss, called not learning; both readers: overfitting, clear): 9/18.
    "heldout129": (9, 18, 11),
    # Batches `ea` to `eg` (52: tables under `models/`, `results/`, `logs/`, printed logs and JSON
    # lines under `output/`, `checkpoint/` and `logs/`), collected together and scored once with
    # the rules of the day before: ea 7/15, eb 4/4, ec 2/6, ed 5/7, ee 1/6, ef 3/5, eg 4/9, 26/52,
    # 10 of the 12 clear. Then revised on: a barred table's groups name their columns' sets
    # (`eg_003`: its validation loss had been read as the training loss), an epoch named after a
    # metric is no part of its name (`ed_007`, refused before), a stall measured from the
    # validation loss's low (`ec_004`: unstable, read overfitting), both accuracies at a coin
    # beside losses never under ln 2 (`ea_011`).
    "heldout130": (8, 15, 13),
    "heldout131": (4, 4, 4),
    "heldout132": (3, 6, 6),
    "heldout133": (6, 7, 7),
    "heldout134": (1, 6, 2),
    "heldout135": (3, 5, 4),
    "heldout136": (4, 9, 6),
    # Batches `eh` to `ek` (28: tables under `logs/` and `results/`, JSON lines, printed logs),
    # collected beside `ea` to `eg` and scored once with the rules after that revision: eh 4/8,
    # ei 2/4, ej 3/8, ek 5/8, 14/28, all 5 clear. Then revised on: `-` in a CSV cell is a value not
    # recorded (`ej_006`, refused before); `EP0` marks an epoch (`eh_008`: three appended runs read
    # as one, now its last, called not learning; both readers: unstable).
    "heldout137": (4, 8, 4),
    "heldout138": (2, 4, 4),
    "heldout139": (4, 8, 6),
    "heldout140": (5, 8, 8),
    # Batches `el` and `em` (21: `loss_history` tables and JSON under `results/` and `outputs/`,
    # `training_metrics.csv`), collected after `eh` to `ek` and scored once with the rules after
    # that revision: el 7/14, em 3/7, 10/21, 3 of the 6 clear. Then revised on: a `total` beside
    # its parts is the loss (`el_001`, `el_005`, refused before), a history written to CSV
    # sideways (`el_006`, refused before), a Trainer's training and evaluation rows at one step
    # (`em_002`: its validation values had been left out).
    "heldout141": (8, 14, 11),
    "heldout142": (4, 7, 6),
    # Batch `en` (2 tables; a third, whose first row looked typed by hand, was left out before
    # scoring), collected last and scored once with the rules of the end of the revision: 2/2,
    # 1/1 clear.
    "heldout143": (2, 2, 2),
    # Batches `eo` to `et` (61: tables under `results/`, `result/`, `checkpoints/`, `outputs/`,
    # Keras histories, printed logs), scored once with the rules of the end of the last revision:
    # eo 7/10, ep 6/10, eq 8/21, es 3/5, et 9/15, 33/61, 15 of the 17 clear. Then revised on: a ROC
    # AUC below what a coin scores at every epoch is not learning (`eo_003`, labels or scores
    # swapped); an accuracy held at one value after the first epochs, over most of a run at a poor
    # level, is predictions that never change (`ep_009`, `eo_008`); a training loss whose last
    # epoch fell clearly below every other is no plateau (`es_004`); a table's models side by side
    # are read as a dict's phases are (`eq_017`, refused before); a loss column empty beside
    # accuracies frozen is a NaN loss (`eq_016`, refused before; so is `ce_014`); a summary below a
    # table after a blank line is no row (`eq_018`, refused before); `es_005`, two epochs' rows run
    # together on one line, stays refused.
    "heldout144": (9, 10, 10),
    "heldout145": (7, 10, 8),
    "heldout146": (10, 21, 18),
    "heldout147": (4, 5, 4),
    "heldout148": (9, 15, 13),
    # Batches `eu` to `ew` (18: Keras and PyTorch histories as JSON under `models/`, `artifacts/`
    # and `logs/`, printed logs under `models/`), collected after `eo` to `et` and scored once
    # with the rules after that revision: eu 5/10, ev 1/4, ew 2/4, 8/18, 4 of the 5 clear. Then
    # revised on: a percentage after a name set out with spaces (`Train Loss 1.41 Acc 20.31% |
    # Val Loss 2.19 Acc 3.34%`, `ev_001`) is read; no first label moved.
    "heldout149": (5, 10, 8),
    "heldout150": (1, 4, 3),
    "heldout151": (2, 4, 4),
    # Batches `ey` to `fa` (37: JSON histories and records under `logs/`, `results/`, `outputs/`,
    # Keras tables under `model/`), collected after `eu` to `ew` and scored once with the rules
    # after that revision: ey 8/11, ez 2/4, fa 12/22, 22/37, all 9 clear (`fa_005`, a loss column
    # empty beside frozen accuracies, was read as the NaN the last revision taught). Then revised
    # on: Keras's history beside a list of the model's layers (`ez_004`, refused before: the layers
    # had been read as the epochs), JSON objects written one after another over several lines
    # (`ey_004`: only its training loss had been read), `accuracy_per_epoch` as `accuracy`, a loss
    # far above a mean's chance level that falls nearly unbroken as on another scale (`fa_021`: a
    # binary cross-entropy summed over pixels had been called diverged); no first label moved.
    "heldout152": (8, 11, 10),
    "heldout153": (2, 4, 2),
    "heldout154": (12, 22, 20),
    # Batch `fb` (6: tables under `checkpoints/`, printed logs under `model/`), collected last and
    # scored once with the rules of the end of the revision: 3/6, 1/1 clear, 6 defensible.
    "heldout155": (3, 6, 6),
    # Batches `fe`, `fc`, `fd`, `ff` (160: Keras tables and JSON histories under `reports/`,
    # `outputs/logs/`, `output/`, `checkpoints/`, `saved_models/`, `weights/`), collected after `fb`
    # and scored once with the rules of its revision: fe 21/40, fc 26/40, fd 20/40, ff 23/40,
    # 90/160, 39 of the 49 clear. Then revised on: two or more runs nested a level deeper than
    # phases (`fe_002`, `fe_040`: refused before) read the last; an absolute error on normalized
    # targets (`mae_norm`, `fc_002`) stands for the loss; a validation accuracy frozen at one value
    # beside no training accuracy, an AUC back at a coin's at the end (`fd_004`), is not_learning;
    # the training loss's fall since the validation loss's best is measured to its last epoch when
    # it fell at every epoch since and the end window's median lags (`fd_008`); models side by side
    # named by a last letter (`fe_023`) read the last; a training `total` beside its parts and a
    # validation loss on another scale is refused (`fc_004`).
    "heldout156": (21, 40, 31),
    "heldout157": (26, 40, 36),
    "heldout158": (20, 40, 33),
    "heldout159": (23, 40, 32),
    # Batches `fg` and `fh` (73: JSON histories and tables under `reports/`, `models/`,
    # `weights/`, `artifacts/`, `outputs/logs/`), collected after `fc` to `ff` and scored once with
    # the rules after that revision: fg 26/40, fh 22/33, 48/73, 22 of the 23 clear. Then revised
    # on: histories listed one per cross-validation fold (`fh_004`, refused before) read the last;
    # a validation accuracy that fell from its best while the training accuracy rose lets a rise
    # of 5% count, as a gap does (`fh_025`, clear to both: overfitting).
    "heldout160": (26, 40, 33),
    "heldout161": (22, 33, 28),
    # Batch `fi` (30: JSON histories under `checkpoints/` and `reports/`, tables under
    # `reports/`), collected last and scored once with the rules after the revision on `fg` and
    # `fh`: 14/30, 10 of the 13 clear. Then revised on: a loss that settled within 0.5% of ln 2 (or
    # ln 3, ln 4) over its last epochs, no loss declared, is not learning (`fi_019`, clear to both).
    "heldout162": (14, 30, 22),
    # Batches `fl`, `fm`, `fj`, `fk` (160: Keras tables and JSON histories under `results/`,
    # `saved_models/`, `plots/`, `assets/`, `training/`, `saved_model/`, `trained_model/`,
    # `checkpoints/`, `reports/`, `models/`), collected last and scored once with the rules after
    # the revision on `fi`: fl 25/40, fm 27/40, fj 20/40, fk 20/40, 92/160, 33 of the 39 clear.
    # Then revised on: a stall within swings is no `unstable` when the training metric ended 15
    # points or more ahead of the validation one (`fl_009`, clear to both: overfitting); a
    # watched score flat from its first epoch is no `overfitting` when another validation score
    # rose 0.1 or more (`fl_022`); a mean written with its spread (`1.46 ± 0.24`) reads as the
    # mean (`fk_024`); `train` beside `eval` are the two losses (`fj_016`); one list of records
    # nested under a model's name (`fj_025`) and runs saved as lists of records under their names
    # (`fk_031`, failed inside `zip()`) are read; a table without a header, named nowhere, is
    # refused (`fl_027`); a balanced accuracy at 1/C at every epoch is one class predicted
    # (`fl_030`, clear to both: not learning); a guess's accuracy on a few samples may stray by
    # two standard errors (`fk_028`).
    "heldout163": (25, 40, 36),
    "heldout164": (27, 40, 36),
    "heldout165": (20, 40, 32),
    "heldout166": (20, 40, 30),
    # Batches `fn`, `fp`, `fo` (81: JSON histories under `models/`, `artifacts/`, `logs/`,
    # `results/`, `checkpoints/`, `training/`, `figures/`, `assets/`, `backend/models/`), collected
    # last and scored once with the rules after the revision on `fl` to `fk`: fn 15/30, fp 6/11,
    # fo 27/40, 48/81, 17 of the 25 clear. Then revised on: one run's record saved in a list of one
    # (`fn_007`), a plot saved as its traces (`fo_011`, with `validate_` for the validation set),
    # `L_total` beside its parts (`fn_025`), a target's measure beside its validation twin
    # (`fp_006`: `train_rul_mse`) and the runs of a grid (`fp_011`; `ct_008`, refused before) are
    # read; losses that took one value at every epoch are not learning, whatever a score says
    # (`fp_006`, clear to both); a spike is measured against the second epoch's loss after an
    # outlying first (`fn_027`, clear to both: unstable); `[epoch, train, val]` triples nothing
    # names are refused (`fp_009`).
    "heldout167": (15, 30, 22),
    "heldout168": (6, 11, 6),
    "heldout169": (27, 40, 34),
    # Batch `fq` (23: Keras histories and tables under `backend/models/`, `backend/model/`,
    # `api/models/`, `backend/`), collected last and scored once with the rules after the
    # revision on `fn` to `fp`: 16/23, 8 of the 9 clear. Then revised on: a matrix beside a
    # history (`confusion_matrix`) no longer hides it, nor does a mapping of settings one level
    # down (`fj_034`); `history_val_loss` is no part of a summed loss (`fq_006`, whose `loss` had
    # been its two losses' sum); an accuracy's collapse is measured from its smoothed best
    # (`fq_006`: one lucky epoch at 1.0), and a near-perfect model's accuracy counts as held from
    # the loss's best on (`fq_004`); both read unstable, as both readers do.
    "heldout170": (16, 23, 19),
    # Batches `fr`, `fs`, `ft`, `fu` (126: Keras and PyTorch histories under `backend/`,
    # `ml/models/`, `metrics/`, `results/`, `logs/`, Ultralytics YOLO `results.csv` files, a
    # Trainer's records dumped to CSV), collected last and scored once with the rules after the
    # revision on `fq`: fr 26/40, fs 14/27, ft 27/36, fu 14/23, 81/126, 33 of the 39 clear. Then
    # revised on: a set named in parentheses (`Loss (Training)`, `fs_011`) and a Trainer's
    # records without their `step` column (`fs_006`, clear to both: healthy) are read; a loss's
    # last rise within its own earlier swings is no divergence (`fs_007`, clear to both:
    # unstable); a one-epoch explosion must reach twice the first epoch's loss (`fs_009`); a loss
    # 10,000 x a mean, down at 8 of 9 steps, is on another scale (`fs_008`); both sets at one
    # guess over 15 classes are not learning (`fs_012`, clear to both); a validation loss frozen
    # while the training loss fell by half is no measure of the model (`fu_008`, `fu_009`: both
    # readers, suspicious validation).
    "heldout171": (26, 40, 37),
    "heldout172": (17, 27, 23),
    "heldout173": (27, 36, 32),
    "heldout174": (16, 23, 16),
    # Batches `fv`, `fw` (44: JSON histories under `ml/artifacts/`, `ml/results/`, `ml/reports/`,
    # `backend/ml/models/`, and tables under `results/`, `lightning_logs/`), collected last and
    # scored once with the rules after the revision on `fr` to `fu`: fv 29/39, fw 1/5, 30/44, 15
    # of the 17 clear. Not revised on: a long table of `#Model,Step,Value` rows, its value named
    # nowhere, is refused (`fw_001`).
    "heldout175": (29, 39, 33),
    "heldout176": (1, 5, 3),
    # Batch `fx` (9: tables and JSON histories under `ml/reports/`, `ml/results/`, `ml/logs/`),
    # collected last and scored once with the rules after the review of the revision on `fr` to
    # `fu`: 3/9, 3 of the 5 clear. Then revised on: a learning rate written per parameter group
    # (`0.00001|0.0001`) is read as the largest (`fx_002`, refused before naming the line).
    "heldout177": (4, 9, 6),
    # Batches `fy`, `fz` (131: Hugging Face Trainer states, PyTorch Lightning CSVLogger files,
    # console output saved as `.out`, tables under `results/<model>/` and `history_<model>.csv`),
    # each scored once with the rules of the day before anything was revised on either: fy 36/59,
    # fz 48/72 (84/131, 41 of the 49 clear). Then revised on `fy` alone: a TensorBoard export is
    # read under its repository's name (`fy_058`, `loss.csv`); YOLOv5's older console print
    # (`box obj cls`, `mAP@.5`) is read (`fy_037`, clear to both: still improving); the sets named
    # alone beside a `cost` are no losses (`fy_036`, called diverged from its accuracies before, now
    # refused naming its keys: a cost may be an epoch's seconds); rows logged within an epoch at
    # the points a `Percentage` column counts are that epoch's steps (`fy_059`); a declared
    # cross-entropy without its class count, and a validation accuracy alone, may show a guess
    # (`fy_022`, both: not learning); a loss at ln 2 is judged smoothed (`fy_029`, clear to both:
    # not learning). `fz` did not move. Then revised on `fz`: `tr_loss` beside a `tr_`/`va_` pair
    # of accuracies names the sets (`fz_066`, clear to both: overfitting, its validation accuracy
    # falling for 25 epochs); Lightning's early `created_at` column stands for its step (`fz_016`,
    # read as nine runs written at once before); an epoch's scores on a line of their own that names
    # it, after its loss's lines, are read (`fz_072`, clear to both: overfitting, a training AUC
    # rising away from a flat validation AUC, now found).
    "heldout178": (39, 59, 48),
    "heldout179": (50, 72, 62),
    # Batch `ga` (16: Trainer states under `checkpoint-*/`, Lightning CSVLogger files), collected
    # last and scored once with the rules after the revision on `fy` and `fz`: 15/16, 7 of the 7
    # clear. Not revised on.
    "heldout180": (15, 16, 15),
    # Batch `gb` (95: Keras histories with numbered names, fastai and Keras `history.csv` files
    # under other folders, U-Net++ `log.csv` files, Trainer states, Lightning CSVLogger files,
    # loss tables of hand-written loops), scored once with the rules of the day: 59/95, 24 of the
    # 28 clear. Revised on it: a melted history (`gb_085`), lines of a name and a value in turns
    # (`gb_035`), percentages beside sets named alone are accuracies (`gb_093`), epoch lines that
    # close their epoch (`gb_095`), a loss empty to the end beside a recorded accuracy went NaN
    # (`gb_027`, both: diverged), a validation score that never improved while its training twin
    # rose is overfitting (`gb_047`, both: overfitting).
    "heldout181": (64, 95, 84),
    # Batch `gc` (51: Trainer states and Lightning files, Keras logs with numbered names, loss
    # tables of loops), scored once with the rules after the revision on `gb`: 25/51, 8 of the 10
    # clear; seven files refused. Then read, not revised on by its rules: a barred table under a
    # `logging` format that names the function (`gc_019`), `Testing - Loss` lines as the test set's
    # (`gc_021`), a best line's numbers as no curve (`gc_027`), and four tables without a header
    # named by what their repositories' code writes (`NAMED_COLUMNS`).
    "heldout182": (28, 51, 41),
    # Batch `gd` (6: Lightning CSVLogger files, a loop's table, Keras histories as JSON; the
    # session's look-ups ran out), scored once with the rules and reader of the day: 4/6, 0 of
    # the 1 clear. Its rules not revised on; then read: a training loss logged every 50 steps, on 6
    # of 100 epochs beside a validation loss of every epoch, is interpolated between its records
    # (`gd_003`, clear to both: unstable, its validation swings left out with 94 epochs before).
    "heldout183": (5, 6, 6),
    # Batch `ge` (89: Trainer states, Lightning CSVLogger files, Keras histories as JSON, console
    # logs of loops and jobs, Markdown reports; four more left out, from repositories `gd` holds),
    # scored once with the rules of the day: 52/89, 16 of the 21 clear. Revised on it: a report of
    # several tables reads its last run (`ge_082`), a barred table's cells without a value
    # (`ge_087`, `ge_088`, `ge_091`), a set named on a line of its own (`ge_083`, PyTorch's
    # tutorial's `Test Error:`), validation scores printed before their epoch's loss (`ge_056`),
    # `Accuracy: 5551/10000` as a share (`ge_057`), a summary after `EARLY STOP` as no epoch
    # (`ge_078`), a pickle refused (`ge_044`), no `lr_too_low` where the validation loss bent
    # towards its level (`ge_087`), and a training loss logged on a step or two an epoch judged as
    # a batch's (`ge_018`, both: healthy, called unstable before).
    "heldout184": (55, 89, 74),
    # Batch `gf` (54: Trainer states at other paths, console logs of loops, Keras histories named
    # for their models), scored once with the rules after the revision on `ge`: 36/54, 17 of the
    # 19 clear; one file refused (`gf_052`: no loss named). Not revised on.
    "heldout185": (36, 54, 46),
    # Batch `gg` (74: Keras histories as JSON, Trainer states, Lightning CSVLogger files, CSVLogger
    # files named for their models, console logs, Markdown reports), scored once with the rules of
    # the day: 42/74, 18 of the 23 clear. Revised on it: an F1 score that stands for the accuracy
    # says a loss floored by label smoothing or a softmax before the cross-entropy is no high bias
    # (`gg_018`, `gg_036`, clear to both: healthy, underfitting before), and an `acc` that falls in
    # step with the loss is an error rate (`gg_052`, healthy, diverged before); then read: a loop's
    # `epoch loss` table without a header named by its code (`gg_045`). Two files refused. (62
    # defensible until an accuracy gap of 0.25 at the end counted as overfitting on its own:
    # `gg_030`, plateau to both readers, underfitting the second's second label, a loss that barely
    # fell beside training accuracy 0.69 against 0.39 on imbalanced classes, is called overfitting.)
    "heldout186": (46, 74, 61),
    # Batch `gh` (52: Keras histories as JSON in other folders, Lightning CSVLogger files there,
    # CSVLogger files named for their models), scored once with the rules after the revision on
    # `gg`: 42/52, 19 of the 20 clear; one file refused (`gh_038`: two lines of numbers without
    # names). Not revised on.
    "heldout187": (42, 52, 50),
    # Batch `gi` (102: Keras histories as JSON named for their models, Lightning CSVLogger files in
    # other folders, per-epoch CSV and JSON tables of hand-written loops, Trainer states beside the
    # final model), scored once with the rules of the day: 55/102, 23 of the 31 clear; eight files
    # refused (four Lightning files with a validation loss and no training loss, among them).
    # Revised on it: spaCy's `losses.ner` read as the loss (`gi_001`), a language model's token
    # accuracy sets no good level (`gi_098`, clear: healthy, underfitting before; `fz_014` too), a
    # loss climbing away from its best is measured from its second epoch where the first stood
    # orders of magnitude above the run (`gi_037`, clear: diverged, unstable before), a dip of one
    # epoch in an erratic start is no level to explode from (`gi_094`: healthy, diverged before),
    # and a mean of a few logged steps as noisy as a sample jumps as one (`gi_090`: healthy,
    # unstable before).
    "heldout188": (59, 102, 80),
    # Batch `gj` (19: Keras histories named for their models in other folders, CSV logs named for
    # the experiment, JSON loss histories of loops), scored once with the rules after the revision
    # on `gi`: 11/19, 3 of the 3 clear; one file refused then (`gj_019`). Not revised on; read
    # since it was scored: `gj_019`, records keyed by their epochs' numbers (unstable, as both say).
    "heldout189": (12, 19, 16),
    # Batch `gk` (142: Keras histories as JSON named for their models and experiments, per-epoch
    # CSVs named for the model, Keras console output and loop prints saved as text, JSON loss
    # histories in run folders), scored once with the rules of the day: 95/142, 34 of the 43
    # clear; six files refused. Revised on it: a validation loss of 0 between its validations read
    # as not run (`gk_090`, clear: still improving, suspicious before), a validation accuracy of 0
    # at every epoch beside a learning model is suspicious (`gk_026`, clear; `gk_062`), a
    # validation loss NaN at every epoch beside validation scores with numbers too (`gk_034`,
    # clear), an evaluation's bare `cross_entropy` beside `train_loss` is the validation loss
    # (`gk_014`, clear: overfitting, healthy before), a training loss that climbed and then fell
    # steadily after its first epoch moved (`gk_131`), a validation recall of 1 beside one
    # precision at every epoch is one class predicted (`gk_111`: overfitting before); read
    # since: `epoch_losses` (`gk_122`, clear), numbers keyed by epoch numbers (`gk_123`), a
    # batch's number before an ellipsis (`gk_073`), a table without a header of epochs and losses
    # given its columns (`gk_094`, clear); later, two frameworks' runs appended under
    # `epoch_one_based` and `loss_mean` beside its spread (`gk_098`).
    "heldout190": (105, 142, 125),
    # Batch `gl` (56: Keras histories named for their models and datasets, loops' metrics in run
    # folders, `CSVLogger` files under other names and folders), scored once with the rules after
    # the revision on `gk` and its review: 37/56, 21 of the 22 clear; two files refused. Later:
    # validation swings in the second half of a run calm at chance for its first (`gl_056`, clear:
    # unstable, healthy before); folds appended, the last one named `Final` (`gl_023`, read).
    "heldout191": (38, 56, 48),
    # Batch `gm` (65: Keras CSVs named for their models, Markdown and text reports, cluster job
    # outputs, loops' loss histories, Lightning `metrics.csv` files, Trainer states), scored once
    # with the rules of the session's start: 33/65, 13 of the 15 clear; two files refused. Revised
    # on it: runs saved under one key beside the settings (`gm_029`, read), a training loss logged
    # at one step every few epochs is a batch's and one outlier batch no explosion (`gm_052`:
    # healthy, diverged before), a validation recall of 1 beside one precision from the second of
    # 12 epochs on (`gm_050`, clear: not_learning, healthy before).
    "heldout192": (35, 65, 51),
    # Batch `gn` (55: histories named for their models under `history/` and `results/`,
    # OpenMMLab's JSON logs, per-epoch logs of PyTorch templates), scored once with the rules of
    # the session's start: 32/55, 15 of the 22 clear; six files refused. Revised on it: OpenMMLab's
    # logs read one row per evaluation (`gn_029`, `gn_037`, `gn_042`, clear: healthy; three more),
    # a top-k accuracy at 100% from the first epoch is no perfect score (`gn_037`); a validation
    # loss whose last epoch is a new low has not stopped improving (`gn_051`: underfitting before).
    # Later 40: a validation loss flat at 0.82-0.83 over the second half of its end window, the
    # training loss still falling, is no longer still improving (`gn_007`; the revision on `gs`
    # that made it so gained six runs and lost two, docs/diagnosis_revisions.md).
    "heldout193": (40, 55, 48),
    # Batch `go` (12: OpenMMLab logs, a course template's `train.log`, histories in run folders;
    # small, the search budget spent), scored once with the rules of the session's start: 7/12, 3
    # of the 4 clear. Revised on it: a validation loss that repeats a validation score value for
    # value is no loss (`go_005`: suspicious_validation, overfitting before).
    "heldout194": (8, 12, 9),
    # Batch `gp` (62: a course template's `train.log` files, Keras CSVs, cluster job outputs,
    # histories in `results/<model>/`, Lightning `metrics.csv` files, detectron2's `metrics.json`
    # and OpenMMLab's logs), scored once with the rules of the session's start: 35/62, 13 of the 19
    # clear; two files refused. Revised on it: detectron2's logs read by their iterations and
    # evaluations, the last of the runs appended (`gp_051` … `gp_061`: one run read as records
    # before, a restart called diverged); a step log without evaluations within one epoch read one
    # row per record (`gp_047`, `gp_048`, `gp_050`); a validation F1 stalled far below a perfect
    # training F1 (`gp_003`, clear: overfitting, underfitting after the F1 pair was read in percent);
    # detectron2's AP a score the rules watch (`gp_052`, clear: healthy, still improving before);
    # one batch's loss an epoch up while the validation loss held (`gp_043`: healthy, diverged).
    "heldout195": (39, 62, 51),
    # Batch `gq` (26: plain-text logs of loops, Keras console output saved to files, histories
    # exported from notebooks), scored once with the rules of the session's start: 16/26, 9 of the
    # 11 clear. Revised on it: a validation accuracy without a miss at most epochs on hundreds of
    # samples, no validation loss logged (`gq_007`, clear: suspicious_validation, healthy before).
    "heldout196": (17, 26, 24),
    # Batch `gr` (7: logs of language and translation models; small, the searches spent), scored
    # once with the rules of the session's start: 3/7, 1 of the 2 clear; two files refused. Later:
    # OpenNMT-py's log read (`gr_001`: healthy); one refused (`gr_004`, in Romanian).
    "heldout197": (4, 7, 5),
    # Batch `gs` (70: Chainer's `LogReport` files, Flair's `loss.tsv`, JSON-line logs of
    # facebookresearch-style trainers, SpeechBrain's `train_log.txt`, Weights & Biases' console
    # copies, Sacred's `metrics.json`, loops' printed logs), scored once with the rules of the
    # session's start: 17/70, 7 of the 16 clear (Chainer's 30 logs and Sacred's were refused then).
    # Revised on it: Chainer's and Sacred's logs read; a tracker's export one row per metric and
    # step (`gs_035`); a report within an epoch left out (`gs_015`); `Train Loss:
    # 2.53 Validate Loss 2.77` read as both (`gs_063`); `Validate:` lines are validation's
    # (`gs_064`); `TrAcc` and `VaAcc` (`gs_061`); a drop early in the end window, jitter since, no
    # curve still falling (`gs_040`, clear: healthy, still improving before).
    "heldout198": (36, 70, 56),
    # Batch `gt` (8: more of Chainer's logs and two plain-text logs named `log`), scored once with
    # the rules of the session's start: 0/8, 0 of the 2 clear (six refused). Later: read (`gt_006`,
    # Chainer's `main/main/loss`; `gt_008`, a printed log under a comment naming a loss).
    "heldout199": (5, 8, 5),
    # Batch `gu` (61: more of Chainer's logs, Ludwig's training statistics, YOLOv5's `results.txt`
    # and Ultralytics' `results.csv`, Trainer states and LLaMA-Factory's `trainer_log.jsonl`,
    # SpeechBrain's and other loops' `train_log.txt`, consoles saved as `log_train.txt`), scored once
    # with the rules of the session's start: 26/61, 11 of the 17 clear (eleven refused). Revised
    # on it: Ludwig's statistics read (`gu_035`, `gu_036`, `gu_041`, `gu_042`, `gu_047`), YOLOv5's
    # `results.txt` (`gu_038`, `gu_045`), LLaMA-Factory's log as the Trainer's records (`gu_030`,
    # `gu_031`); an InfoGAN's table through `logging` refused as a GAN (`gu_012`); and, measured
    # on every labelled run, an accuracy gap of 0.25 at the end is overfitting on its own.
    "heldout200": (31, 61, 49),
    # Batch `gv` (59: Ultralytics' `results.csv` of five tasks, Ludwig's statistics, Trainer states,
    # Chainer's logs, YOLOv5's and YOLOv7's `results.txt`, loops' `train_log.txt`, Markdown reports),
    # scored once with the rules of the session's start: 24/59, 8 of the 17 clear (nineteen
    # refused, Ludwig's and `results.txt` among them). Later: read with the formats learned on `gu`
    # (and Ludwig's `evaluation_frequency`, `gv_015`; YOLOv7-pose's rows, `gv_054`); a Chainer
    # GAN's `gen/loss` and `dis/loss` refused as one (`gv_030`).
    "heldout201": (34, 59, 44),
    # Batch `gw` (15: Ultralytics' `results.csv`, Trainer states saved with checkpoints, YOLOv5's
    # `results.txt`, loops' `log_train.txt`), scored once with the rules of the session's start:
    # 5/15, 1 of the 3 clear (two refused: YOLOv5's `results.txt`). Not revised on; read since
    # with the formats learned on `gu`.
    "heldout202": (6, 15, 11),
    # Batch `gx` (64: Ultralytics' `results.csv` of five tasks, YOLOv5's and YOLOv7's `results.txt`,
    # Trainer states, Lightning's `metrics.csv`, Chainer's logs, Keras's `CSVLogger` files, course
    # reports in Markdown, scripts' own `train_loss.csv` and `loss.json`), scored once with the
    # rules of the session's start: 31/64, 11 of the 17 clear (eight refused). Revised on it:
    # `results.txt` of yolov5-face (a landmark loss) and of a detector with a heading loss
    # (`gx_011`, `gx_015`), a log stopped inside its first epoch read by its batches and too short
    # to judge (`gx_022`), a loss printed beside its batch's index judged as a batch's (`gx_026`),
    # a Trainer state logged at every step judged as batches (`gx_039`); `gx_062`'s columns named.
    "heldout203": (37, 64, 46),
    # Batch `gy` (41: Ultralytics' `results.csv`, YOLOv5's and YOLOv7's `results.txt`, course
    # reports, Lightning's `metrics.csv` of versions 1 and 2, Keras's `CSVLogger` files, Trainer
    # states, scripts' own `train_loss.csv`), scored once with the rules as revised on `gx`: 17/41,
    # 9 of the 11 clear (three refused: pandas Series and one line of numbers in files named
    # `train_loss.csv`). Revised on it: such files read as the loss their name names (`gy_034`,
    # `gy_038`, `gy_040`); a one-batch loss measured from its running median (`gy_026`); a
    # validation loss NaN at several epochs and finite again after them is unstable (`gy_010`).
    "heldout204": (19, 41, 28),
    # Batch `gz` (15: Lightning's `metrics.csv`, Trainer states, YOLOv5's `results.txt`, Keras's
    # `CSVLogger` files), scored once with the rules as revised on `gx` and `gy` and reviewed:
    # 9/15, 3 of the 4 clear (one refused: two networks' losses). Not revised on.
    "heldout205": (9, 15, 10),
}
#: `dev`/`heldout`: the first 103 files, split at random; `heldout2` … `heldout205`: later batches,
#: each scored once with the rules of the day before anything was revised on it
#: (docs/diagnosis_revisions.md).
SPLITS = ("dev", "heldout", *LATER_BATCHES)


@pytest.mark.parametrize("split", LATER_BATCHES)
def test_the_scores_on_the_later_batches(results, split):
    right, total, _ = LATER_BATCHES[split]
    assert _right(results, split) >= (right, total)


@pytest.mark.parametrize(
    ("split", "least"),
    [("dev", 47), ("heldout", 46), *((split, floors[2]) for split, floors in LATER_BATCHES.items())],
)
def test_the_primary_finding_is_one_a_reader_named_on_most_files(results, split, least):
    # Counting a reader's second defensible label too (about two thirds of the labels are ambiguous).
    chosen = [(run, found) for run, found in results if run.split == split]
    assert public.summary(chosen)["defensible"][0] >= least


@pytest.mark.xfail(
    strict=True, reason="95% is not reached on real logs (626/1005 on the last twenty batches)"
)
def test_the_target_of_95_percent_on_the_last_batches_of_real_logs(results):
    scores = [_right(results, split) for split in (f"heldout{n}" for n in range(186, 206))]
    right, total = (sum(column) for column in zip(*scores, strict=True))
    assert right / total >= 0.95


def test_runs_both_readers_call_healthy_get_no_problem_finding_but_seventy_five_known_ones():
    flagged = [
        run.name
        for run in public.load()
        if run.first == run.second == "healthy"
        and run.name not in public.REFUSED
        and set(public.judgement(run)[0]) & set(FORBIDDEN_FOR_HEALTHY)
    ]
    # Both `unstable`: validation-loss jumps of 45-56% on 4,200 digits at 99.4% (the accuracy moves by
    # 15 images); training-loss spikes of 2-4x on 44 training images, with validation jumps of up
    # to 40% on 466 images mid-run that settle as the rate decays. (A third, `h_003`, read a falling
    # validation accuracy on imbalanced classes as overfitting, until its AUC stood in first.) The
    # last batch added two of the first kind, `unstable` on a validation loss near zero: jumps of
    # 0.0004 to 0.0028 on a regression, and of 0.029 to 0.067 at 99.4% validation accuracy. (Batch
    # `p` added `p_006`, validation jumps from 0.001 to 0.10 on 31 samples, until two distinct
    # accuracies were enough to tell the set's size and its sampling noise.) Batch `q` added
    # `q_002`, `unstable`: a log whose every other row is one batch's loss, not the epoch's mean;
    # batch `r` added `r_005`, `suspicious_validation`: a validation accuracy of exactly 1 over the
    # last 50 epochs on about 130 samples with the validation loss at 56% of the training loss,
    # which both readers name as the second label (dropout can explain the loss). Batches `s` and
    # `t` added two `overfitting` that both readers name as their second label: a validation loss
    # that dips once to 0.028 on a set scored 98-99% and settles at 0.075, and a fine-tuning phase
    # whose validation loss was lowest at its first epoch and ended 2% above it. Batches `u` and `v`
    # added three, each with the problem as one reader's second label: a validation loss 14% above
    # a low of 0.19 on 24 samples (`overfitting`); football results flat from the first epoch at
    # 54% (`not_learning`, with no chance level given); MNIST with training-time augmentation, its
    # test loss at 17% of the training loss (`suspicious_validation`). Batches `ac` and `ad` added
    # one, `unstable`, which one reader names as the second label: validation jumps of 0.057 to
    # 0.104 on 151 images mid-run, with the training loss jumping as well, on 300. Batches `ae` and
    # `af` added three of the same kind, `unstable` on validation jumps in the first half of the run
    # that settled by its end (one both readers call clear: 0.0103 to 0.0212 at epochs 4-5 of 35, a
    # segmentation scored 0.99 IoU throughout); readers judge such a run by how it ends. Since
    # `unstable` asks for jumps that go on into the end (a calm last third, at least 9 epochs), two
    # of them are healthy; `af_013` (calm over its last 14 of 50 epochs) was not, until jumps
    # before as many calm epochs in which the validation loss went on to a new low and stayed near
    # it counted as settled too (with `ay_018`, below). Batches `ag` and
    # `ah` added two `overfitting` on a validation loss that hardly rose: 1%
    # (smoothed, 0.300 to 0.304) over the last two of 20 epochs, which the readers call flat (their
    # second label is overfitting); and 0.022 to 0.025 on a detector at 99.5% on both sets, which
    # both readers call clearly healthy. Batches `ak` and `al` added one, `overfitting`, which both
    # readers name as their second label: a captcha model's validation loss flat at 0.040-0.053 for
    # 50 epochs (12% above its low, smoothed, over the last 20) while the training loss fell to
    # 0.003; its validation accuracy was still edging up. Batch `am` added one,
    # `suspicious_validation`, which both readers name as their second label: a steering
    # regression whose validation loss sat at 18% of the training loss over the second half of the
    # run, with dropout on in training only. Batch `an` added one, `overfitting`, which both readers
    # name as their second label: a validation loss 12% above its low of 0.062 (smoothed) over the
    # last four of 8 epochs, at 98.3% validation accuracy. Batch `ao` added one, `unstable`:
    # validation jumps of 67% and 51% at epochs 3 and 6 of 10 during the warm-up of a classifier
    # (about 272 images), calm over the last four epochs, too few for the run to count as settled.
    # Batch `as` added one, `not_learning`, which both readers name as their second label
    # (underfitting): a regression continued from an already trained model, its MSE flat at 0.008
    # on a scaled target from the first epoch (no baseline given, so no level tells it is good).
    # Batch `aw` added one, `unstable` (both readers: healthy, with overfitting as the second
    # label): a validation loss between 0.064 and 0.090 at 97.7% accuracy on 4,050 images over the
    # last third of a 71-epoch run, whose large jumps (up to 0.38) came before epoch 28. Batches `ay`
    # and `az` added three, each with the problem as the readers' second label or none: a traffic-sign
    # classifier at 99.975% on about 4,000 validation images, its validation loss at 13% of a training
    # loss raised by label smoothing (`suspicious_validation`); validation jumps that stopped 13
    # epochs before the end of a 50-epoch cosine schedule, a third being 17 (`unstable`; both readers:
    # clearly healthy); an MNIST model's validation loss 19% above its low over the last two of 10
    # epochs at an unchanged 99.1% (`overfitting`). Batch `bb` added one, `unstable`: validation jumps
    # of 69% and 82% at epochs 4 and 7 of 10, before a step down of the rate, calm over the last
    # three at 99.4% (one reader: clearly healthy; the other: healthy, still improving second).
    # Batches `bl` to `bq` added three, `unstable`, none of them left: a training-loss jump of 10×
    # on 56 images at 98% accuracy while the validation loss fell (`bn_012`, and `d_042` with it)
    # is noise on a training set its accuracy counts; validation jumps of 30-100% on a dev set
    # scored 97-99.5% (`bm_003`) and on 31 documents near a loss of 0.002 (`bq_005`, and `ao_011`
    # with it) are within the set's noise once a score that is a share of its samples tells it.
    # The traffic-sign classifier of batch `ay` (`ay_004`) left the list: its 99.975% on about
    # 4,000 images (0.9997 at every epoch of the end window) missed a sample at each epoch, and a
    # perfect score asks for one epoch that missed none. Batch `cb` added one, `not_learning`
    # (`cb_016`, both readers: healthy, underfitting second): a VAE whose KL weight ramps from 0.05
    # to 1 over 20 epochs, its total loss (a sum over pixels near 6,400) never 0.1% below its
    # second epoch; the KL term fell from 552 to 115 meanwhile, which no column the rules read as a
    # metric shows. Batches `cd` to `ci` added three; two left: a contrastive loss that crossed zero
    # and settled at -0.09 was read as falling without bound (`cf_005`: it must still fall over the
    # last third of the run), and a resumed log (epochs 39 to 80, `ci_003`) as flat after its first
    # epoch, which the log does not hold. One is left, `unstable`: training-loss jumps of up to
    # 270% on about 50 images in batches of 8 (`ci_008`, no training accuracy to count them by).
    # Batches `cj` to `co` added three; two left: a gap between the accuracies grown by two images
    # of 60 (`cn_009`: within the set's sampling noise), and a Trainer log whose first rows hold no
    # training loss yet (`cn_010`: empty cells are no NaN). One is left, `unstable`: validation
    # jumps of 59% and 19% at epochs 9 and 11 of 17 at 99% accuracy, calm over the last four
    # (`ck_020`; too few calm epochs to count as settled). And `ad_013` left: its training-loss
    # jumps (0.060 to 0.124 on about 300 images) stay below a quarter of its first loss while the
    # validation loss is calm: ripples near the floor. Batches `cp` to `cu` added none; two left
    # since, `af_013` and `ay_018` (jumps stopped 13 and 15 epochs before the end of a 50-epoch run,
    # the validation loss at a new low over the calm epochs: settled; `ay_018` is still improving).
    # Then six left with the twenty-third revision: a validation loss 0.0245, 0.0258, 0.0254 and
    # then 0.0233 against a low of 0.0227 (`ah_017`), and a band whose last epoch sits near its low
    # (`ak_001`), came back down (overfitting's rises measured to the end level ask the last epoch
    # to stay up); a lasting rise counts its epochs from the lowest epoch (`an_012`); validation
    # jumps of at most twice the value before, at 98% accuracy or more, are a few mistakes'
    # confidence (`d_019`); jumps before a step down to half of every value before settled
    # (`bb_016`); training-loss ripples near the floor beside a validation accuracy that did not
    # fall are no jumps (`ci_008`). Batches `cv` to `cz` added two, both read diverged, both fixed
    # in the same revision (`cy_002`, a loss summed over the samples; `cy_009`, one noisy dip).
    # Batch `da` added one, `overfitting` (`da_007`, both readers: healthy, clear): a validation
    # loss at 0.022 at epoch 10 of 15, up to 0.044 at epoch 13 and back to 0.026 at the last, on
    # about 30 images scored 97-100%; the last epoch is 14% above the low, more than the rise a
    # recovery may keep (a last epoch still 17% up after a rise of 20 epochs is no recovery).
    # Batches `dc` to `df` added one, `overfitting`, which both readers name as their second label
    # (`df_004`): a summarizer's validation loss at 0.0082 at epoch 12 of 14, then 0.0087 and
    # 0.0095, up at every epoch since its low (a bump of 12% at epoch 11 came back before it) while
    # its ROUGE and BLEU were at their best at the last epoch. Allowing a climb up to 1.2 times
    # such an earlier bump cleared it and lost two runs both readers call overfitting. Batches `dg`
    # and `dh` added one, `diverged`, fixed in the same revision (`dg_020`: a VAE's negative ELBO
    # from -0.40 in its first epoch to -21.9 in its second, then settled at -66; one value sets no
    # scale for a loss thrown down in one step). Batches `dk` and `dl` added two: a validation
    # accuracy of exactly 1 from epoch 57 of 100 on about 192 samples, its loss at 30% of the
    # training loss, the training accuracy at 0.996 (`dk_032`, `suspicious_validation`: both
    # readers call a perfect score reached after a steady climb on a small set plausible; asking
    # that the training error rate make it unlikely, 0.996**192 = 46%, cleared it and lost a
    # validation set that was the training data); and a training loss near zero (0.0036 → 0.0131,
    # +264%, at 99.9% training accuracy) jumping twice while the validation loss fell to its best
    # (`dl_036`, `unstable`; one reader's second label). Batch `dn` added one, `unstable`, which both
    # readers name as their second label (`dn_032`): a fire detector's validation loss stuck for six
    # epochs at one class, then jumping from 0.062 to 0.125 and from 0.099 to 0.198 between epochs 15
    # and 24 at 99% validation accuracy, calm over the last six of 30 epochs. Batches `do` to `dq`
    # added four, each with the problem as a reader's second label or none: a regression's
    # validation loss, printed to four decimals, jumping between 0.0003 and 0.0010 in 58 of 500
    # epochs after falling 150-fold from 0.077 (`do_019`, `unstable`; plain on a log scale, flat on
    # a linear one; counting only jumps of 2% of the fall or more cleared it and lost as many runs
    # both readers call unstable); a validation accuracy of exactly 1 from the first epoch of five
    # while the training accuracy, in steps of 1/120, was 0.725 (`dp_013`, `suspicious_validation`);
    # a fraud detector's validation loss 17% above its low of epoch 5 (smoothed) at 99.4%
    # validation accuracy (`dp_019`, `overfitting`); and a validation loss at 20% of a custom cosine
    # loss over the second half of a 200-epoch run (`dq_035`, `suspicious_validation`). Batches `ds`
    # to `du` added one, `suspicious_validation` (`ds_019`; one reader names a check as worth it): a
    # validation accuracy of exactly 1 over the last 5 of 20 epochs on about 7,200 images, reached
    # after the rate was cut, with the training accuracy at 0.999 (an honest model at that error
    # rate misses none of 7,200 with a chance under 1%, if its training accuracy is its error).
    # Batches `dv` and `dw` added two, each with the problem as both readers' second label or
    # none: a validation loss drifting 3.5% above its low of epoch 67 over the last 30 of 97 epochs
    # at an unchanged 98.6% validation accuracy, after a stepped rate had calmed its early swings
    # (`dv_005`, `overfitting`; asking a small rise to cost validation accuracy cleared it and lost
    # nine runs both readers call overfitting); a validation loss at a seventh of the training
    # loss at every epoch, no accuracy logged (`dv_006`, `suspicious_validation`). Batch `dx` added
    # two: validation-loss jumps of 0.06 to 0.12 and 0.04 to 0.12 at epochs 11 and 22 of 26 at
    # 98% validation accuracy (`dx_005`, `unstable`; both readers' second label), and a vision
    # transformer fine-tuned with the regularization that raises its training loss (the test loss
    # at 29% of it over the second half, no training accuracy logged: `dx_022`,
    # `suspicious_validation`, both readers clearly healthy; without a training accuracy the
    # ratio alone decides, and no bar between 0.15 and 0.3 parts the runs readers call suspicious
    # from the ones they call healthy). Batch `ee` added one: validation-loss swings of 15-31%
    # about 0.11-0.15 on a set of 10,000 images while its accuracy rose 95% -> 98% (`ee_004`,
    # `unstable`; both readers' second label overfitting); asking the accuracy to confirm such
    # swings on large sets too lost twenty-three runs readers call unstable. Batch `ek` added one
    # of `dx_022`'s kind: a test loss at a twentieth of the training loss over 400 epochs, no
    # accuracy logged (`ek_008`, `suspicious_validation`; both readers' second label). Batches `fc`
    # to `ff` added six, each with the problem as a reader's second label: four found when first
    # scored (`fd_025`, validation jumps of 50% at a loss of 0.0003 on a regression scored R² 0.998,
    # `unstable`; `fe_004`, a validation accuracy of 0.998-1 on about 940 samples beside a loss at
    # 4% of the training loss, `suspicious_validation`; `fe_007`, validation jumps up to 301% until
    # epoch 41 of 60, calm after the rate drop at 48, too few calm epochs to count as settled,
    # `unstable`; `fe_039`, a validation loss flat at 0.50-0.56 from epoch 3 of 15 while the
    # training loss fell 0.74 -> 0.51 and the accuracies parted 0.94/0.85, `overfitting`), two read
    # once nested histories were (`fe_002`, a lucky low at epoch 12 of 15 and a climb of 12% from
    # it; `fe_040`, a validation loss up 2% over the last seven of 27 epochs at every step,
    # `overfitting`). Batches `fg` and `fh` added one, found when first scored (`fg_027`, a
    # validation accuracy of 0.993-1 on about 135 leaf images over the last 12 epochs, its loss at
    # 31% of the training loss, `suspicious_validation`; both readers' second label). Batches `fl`,
    # `fm`, `fj`, `fk` added four when first scored; one left with their revision (`fl_022`, a
    # multi-label task's hamming accuracy best at its first epoch while its macro-F1 rose 0.44 ->
    # 0.61). Three are left, each with the problem as a reader's second label: a validation
    # accuracy of exactly 1 over the last five of 10 epochs on about 208 images, its loss at 29% of
    # the training loss, the training accuracy at 0.9996 (`fj_022`, `suspicious_validation`);
    # validation swings of 15-32% about 0.07-0.10 at 97% accuracy (`fk_011`, `unstable`); and one
    # validation jump of 116% at epoch 12 of 20 of a fine-tune at 96% accuracy, with a second swing
    # of 27% (`fm_018`, `unstable`). Batches `fn`, `fp`, `fo` added two, `overfitting`, each with
    # it as both readers' second label: a fine-tuning phase's validation loss up from 0.053 to
    # 0.084 over four of seven epochs on 26 images scored 25/26 throughout (`fo_020`), and one up
    # 26% over the last two of 10 epochs after a spike (`fo_024`). Batches `fr` to `fu` added five
    # when first scored and kept them: three with the problem as a reader's second label (a
    # regression's validation loss at 16% of the training loss over the second half, `fr_015`,
    # `suspicious_validation`; validation jumps of 88% at epoch 4 of 14 at 97% accuracy, `fs_019`,
    # `unstable`; a validation accuracy of 0.992-1 over the last ten of 40 rows on about 2,700
    # images, `fs_011`, `suspicious_validation`) and two without: training-loss rises of 35-40%
    # on 80 images whose validation loss rose beside them (`ft_007`, `unstable`), and a
    # validation accuracy of 0.9985-1 over the last 16 of 64 epochs on about 18,000 windows, its
    # loss at 10% of the training loss (`fu_002`, `suspicious_validation`). Batches `fy` and `fz`
    # added six when first scored; one left with the revision on `fy` (`fy_059`, `unstable`: a
    # minibatch loss logged every 2% of an epoch, read as 50 runs written at once). Five are left,
    # each with the problem as a reader's second label: a validation loss above its low by 12-43%
    # over the last five of ten epochs while its accuracy held (`fy_020`, `overfitting`); MNIST's
    # validation loss up 9% from its low over the last five of 15 epochs while the training loss
    # fell to 0.0013 (`fz_059`, `overfitting`); five epochs of a converged model whose training
    # loss is 15 x below the validation loss (`fz_061`, `overfitting`); validation jumps of 20-40%
    # about 0.1 at 96% accuracy (`fz_029`, `unstable`) and isolated validation spikes of 45-65% in
    # 100 epochs (`fz_062`, `unstable`). Batches `gb` and `gc` added five: a validation loss that
    # stopped improving at epoch 7 of 26 while the training loss fell 40% more (`gc_019`,
    # `overfitting`, both readers' second label); and four without: a training-loss jump of 11x,
    # logged one step an epoch, beside a falling validation loss (`gb_067`, `diverged`: an
    # exemption for a jump the validation loss did not show was measured and not kept, as a
    # review showed it hid an epoch mean's real explosion); a validation loss at 0.004 that rose
    # to 0.014 over the last two of 10 epochs at a validation AUC of 0.9999 (`gb_028`,
    # `overfitting`); validation jumps of 30-125% at 0.003 in 30 of 500 epochs of a regression
    # (`gb_038`, `unstable`); validation jumps of up to 197% in 19 of 99 epochs of a siamese head
    # near 0.02 (`gc_031`, `unstable`). The last two are what the issue that set the target calls
    # erratic validation; the readers, noise. Batch `ge` added three: two training losses that are
    # one batch's each epoch, not the epoch's mean, whose jumps of 200-300% the readers call that
    # batch's noise: Lightning's `train_loss` logged every 50 steps, one row every other epoch and
    # alone (`ge_030`), and a loop's last printed batch loss of each epoch (`ge_076`, `unstable`:
    # the reader cannot tell either from an epoch's mean; `ge_018`, one or two rows an epoch, is
    # told so); and a validation loss 6% up from its low over 38 epochs while the gap in accuracy
    # held (`ge_020`, `overfitting`, both readers' second label). The revision on `gg` read a loop's
    # printed batch losses as their epoch's mean, and `ge_076` is healthy; `gg` added one: an intent
    # classifier's training loss on 49 samples, jumping from 0.03 to 0.16 in 23 of its last epochs
    # (`gg_004`, `unstable`, one reader's second label); `gh` one (not revised on): validation
    # jumps of 30-122% at a low level (0.07 to 0.27) in 7 of 49 epochs at 97% accuracy (`gh_003`,
    # `unstable`, both readers' second label). `gi` added two: spaCy's named-entity loss, summed over
    # each evaluation's interval, jumping by more than 25% in 49 of 200 intervals while its F-score
    # levelled off (`gi_001`, `unstable`, one reader's second label; refused before it was read);
    # a Lightning run's training loss logged on four steps of 22 epochs, the last 4.6 times the
    # best, beside a validation loss flat at its low (`gi_038`, `diverged`: four batches' losses,
    # interpolated, are all the rules have of the training loss). `gj` added one: a fine-tune's L1
    # term read as its loss beside a `total` no name says is the loss, flat within 1% after its
    # first epoch (`gj_006`, `not_learning`; the readers judged the total, which fell 11%). `gk`
    # added two: a validation loss 7% above its low of epoch 3 at epoch 5, on a classifier at an F1
    # of 0.997 (`gk_004`, `overfitting`, one reader's second label); validation jumps of 42% and
    # 30% in the first half of a pneumonia CNN's 20 epochs, calm after its rate was cut (`gk_102`,
    # `unstable`, both readers' second label). `gm` added two: a validation loss 9% above its low of
    # epoch 7, flat at 0.0024 for the last 60 of 100 epochs as the rate decayed (`gm_045`,
    # `overfitting`); a Trainer's training loss 9 times its validation loss throughout, summed over
    # accumulated steps as the readers think, at 82% validation accuracy (`gm_065`,
    # `suspicious_validation`, both readers' second label). `gb_067` left: its training loss, one
    # step every few epochs, is a batch's, and its jump of 11x one batch's. `gs` added two, each
    # with the problem or its neighbour as both readers' second label: a regression's MSE flat at
    # 0.044 from its second epoch of six, beside a training loss at the same level (`gs_003`,
    # `not_learning`; the readers: healthy, underfitting second, no level given to judge it by);
    # a speech recognizer's validation loss 8% above its low of epoch 31 (smoothed) over the last
    # half of 100 epochs while its word error rate kept improving (`gs_044`, `overfitting`). `gy`
    # added four: a Keras ResNet's validation loss swinging by 8% of its level around a stall after
    # epoch 35 (`gy_015`, `unstable`; overfitting both readers' second label); a neural ODE's
    # validation accuracy exactly 1 over its last 50 epochs on 1,000 samples beside a validation loss
    # at 96% of the training loss (`gy_021`, `suspicious_validation`, one reader's second label);
    # a DPO run's and a fine-tune's training losses with two jumps of 30% and 61% near their floors
    # (`gy_031`, `gy_036`, `unstable`). Counting such ripples out without a validation curve, as
    # beside a calm one, was measured: two gained, five lost, all five read unstable: not kept.
    assert flagged == [
        "ag_009.csv",
        "am_020.csv",
        "as_018.csv",
        "aw_015.csv",
        "az_008.json",
        "cb_016.json",
        "ck_020.csv",
        "da_007.json",
        "df_004.json",
        "dk_032.json",
        "dl_036.json",
        "dn_032.csv",
        "do_019.log",
        "dp_013.json",
        "dp_019.json",
        "dq_035.csv",
        "ds_019.csv",
        "dv_005.csv",
        "dv_006.csv",
        "dx_005.csv",
        "dx_022.txt",
        "ee_004.txt",
        "ek_008.csv",
        "fd_025.json",
        "fe_002.json",
        "fe_004.csv",
        "fe_007.csv",
        "fe_039.json",
        "fe_040.json",
        "fg_027.json",
        "fj_022.json",
        "fk_011.json",
        "fm_018.csv",
        "fo_020.json",
        "fo_024.json",
        "fr_015.csv",
        "fs_011.csv",
        "fs_019.csv",
        "ft_007.json",
        "fu_002.csv",
        "fy_020.csv",
        "fz_029.csv",
        "fz_059.csv",
        "fz_061.csv",
        "fz_062.csv",
        "gb_028.csv",
        "gb_038.csv",
        "gc_019.log",
        "gc_031.csv",
        "ge_020.csv",
        "ge_030.csv",
        "gg_004.json",
        "gh_003.json",
        "gi_001.json",
        "gi_038.csv",
        "gj_006.csv",
        "gk_004.json",
        "gk_102.csv",
        "gm_045.csv",
        "gm_065.json",
        "gs_003.txt",
        "gs_044.txt",
        "gy_015.md",
        "gy_021.csv",
        "gy_031.json",
        "gy_036.csv",
        "n_016.json",
        "n_017.json",
        "q_002.csv",
        "r_005.json",
        "s_016.csv",
        "t_020.json",
        "u_012.csv",
        "v_017.json",
        "v_020.json",
    ]


def test_a_healthy_verdict_names_the_finding_it_came_close_to_more_often_where_a_reader_saw_it():
    """Close calls (docs/diagnosis.md; measured in docs/diagnosis_revisions.md): of the runs a reader
    labelled still_improving, overfitting or unstable and the rules called healthy, the share that
    carries that close call is well above (at least 2.5 times, 2.4 for still_improving since the
    power-law rule took the runs it noted best; 2.4 to 3.8 times when last measured) its share on
    runs the reader called healthy too."""
    table = public.close_calls(public.load())
    measured = {  # noted / missed, false notes / healthy, when measured (docs/diagnosis_revisions.md)
        # Since `unstable` asks for jumps into the end, the runs whose jumps settled are healthy
        # and say so: three more healthy runs, carrying the close calls of such runs. Then batches
        # `ag` and `ah`: four more runs read overfitting were called healthy, none noted. Then `ai`
        # and `aj` (not revised on). Then a noisy rise that lasted is overfitting: one noted run of
        # `ai`, read overfitting by both readers, is found. Then `ak` and `al` (not revised on).
        # Then validation swings rank before overfitting (two runs read unstable, one noted, move
        # to it), and batches `am` and `an` (not revised on). Then an `auroc` counts as an AUC (one
        # run read unstable, with overfitting second, no longer `not_learning`), and batches `ao`
        # and `ap` (not revised on). Then a logged ROC AUC judges the level (one run both readers
        # call healthy is), and batches `aq` and `ar` (not revised on). Then batches `as` to `av`
        # (not revised on). Then a climb at every epoch is overfitting: two noted runs read
        # overfitting are found. Then batches `aw` and `ax`, then `ay` and `az`, then `ba` and `bb`,
        # then `bc` and `bd`, then `be`, then `bf` and `bg`. Then a line that bent after its first
        # epoch is no crawl (one run read still improving moves from lr_too_low to healthy). Then
        # `bh` to `bk`: two runs read overfitting whose validation loss rose only at the last
        # epoch (16% and 31%) are healthy, not noted (a close call for such a last-epoch rise,
        # measured, notes as many more healthy runs as runs read overfitting: not kept). Then an
        # F1 score judges the level where no accuracy was logged: two runs read overfitting and
        # one read still improving are no longer healthy. Then batches `bl` to `bq` (not revised
        # on: 15 more runs called healthy; the notes fell a little behind, as each batch moves them).
        # Then a jump the validation loss does not show is noise on a small training set: two more
        # runs both readers call healthy are, with three close calls between them (one of each kind).
        # Then batches `br` to `bw` (not revised on): 13 more runs read healthy are called healthy;
        # so are five more read still improving, three overfitting and one unstable, three of those
        # nine noted. Then validation jumps on a small set count where its accuracy at the jump is
        # below 0.9: five runs read unstable and called healthy are unstable, and one read
        # overfitting, noted, moves to unstable. Then a small rise that opened the gap to the training
        # loss, and a validation score that stalled while the training score pulled away, are
        # overfitting: eight runs read overfitting and called healthy or plateau are found (six of
        # them noted), and one read healthy (second reader: overfitting), noted, is no longer healthy.
        # Then a training loss creeping above a flat validation loss at a poor level is underfitting
        # (two runs read still improving leave the healthy verdicts), and a perfect validation
        # accuracy must miss no sample at some epoch (`ay_004`, read healthy, is healthy again).
        # Then a rate stepped down one epoch before the end is no finished schedule, and a negative
        # loss has no zero to be near: three runs read still improving, two of them noted, are.
        # Then a short run's validation loss that turned up at every epoch since its low, 5% in
        # all, is overfitting: seven runs read overfitting and called healthy are found (four of
        # them noted). Then batches `bx` to `cc` (not revised on): ten more runs read healthy are
        # called healthy, with one false overfitting note and two false unstable notes among them;
        # seven more read still improving (four noted) and four read overfitting (one noted).
        # Then a validation accuracy's new best must gain half a point: three runs read healthy are
        # healthy again, one of them noted (`ak_002`, whose second reader calls it still improving).
        # Then a curve still falling as a power law falls is still improving: 22 runs read still
        # improving and called healthy are found, 13 of them noted, which leaves the note 18 of
        # the 72 still missed (2.4 times its share on healthy runs: the rule took the runs it
        # noted best); six read healthy leave the healthy verdicts. Then validation swings large
        # against the curve's fall beside a smooth training loss are unstable: nine runs read
        # unstable and called healthy are found (three of them noted), and two read overfitting
        # move from healthy to unstable. Then batches `cd` to `ci` (not revised on): 23 more runs
        # read healthy are called healthy, with four false still-improving notes, three false
        # overfitting notes and two false unstable notes among them; two more read still improving
        # (both noted), six read overfitting (one noted) and one read unstable (not noted).
        # Then a score logged without a set's name (`f1`, `pixel_auroc`, `mIoU`) is watched for
        # still improving where no validation curve is: four runs read healthy are called healthy,
        # without a note, and two runs read healthy lose the still-improving note their training
        # loss gave (the score stands still); one read still improving is found, and two read
        # overfitting move from still improving to healthy, not noted. Then a validation accuracy
        # that stalled within its sampling noise while the accuracy gap opened is overfitting:
        # four runs read overfitting and called healthy are found, two of them noted (`aw_020`,
        # `t_016`). Then batches `cj` to `co`, with this revision's changes: 15 more runs read
        # healthy are called healthy, with one more false still-improving note and three more false
        # overfitting notes among them, one fewer false unstable note (training-loss ripples near
        # the floor are no jumps); two more read still improving (one noted), six read overfitting
        # (five noted). Then an Ultralytics log whose validation columns hold 0 until validation
        # ran is no longer suspicious but healthy, not noted (`ck_005`, read still improving).
        # Then new lows that bend flat (ever smaller steps bringing under half of what a power-law
        # decline brings over the end window, its halves compared per step) are not still
        # improving: five runs read healthy leave the still-improving verdict for healthy, two of
        # them with the still-improving note (the runs that rule found were ones the note names).
        # Then batches `cp` to `cu`, with this revision's changes: 15 more runs read healthy are
        # called healthy, with three more false still-improving notes among them; one more read
        # still improving (noted), five read overfitting (one noted) and two read unstable (not
        # noted). Then jumps before calm epochs at a new low settled: one run both readers call
        # healthy leaves `unstable` for healthy, with the unstable close call (`af_013`). Then a
        # validation curve that never improved on its first epoch, and a noisy rise of a sixth from
        # a low above the training loss, are overfitting: six runs read overfitting and called
        # healthy are found, five of them noted (the rules took the runs the note named).
        # Then batches `cv` to `cz`, with the twenty-third revision's changes: 25 more runs read
        # healthy are called healthy, with one more false still-improving note and five more
        # false overfitting notes among them, and two fewer false unstable notes; three more read
        # still improving (one noted), two read overfitting (both noted).
        # Then batches `da` and `db`, with the ranking metric watched for progress: six more runs
        # read healthy are called healthy, with one fewer false still-improving note; one more
        # read still improving (not noted), two read overfitting (one noted) and one read unstable
        # (not noted).
        # Then batches `dc` to `df`, with the twenty-fifth revision's changes: eight more runs read
        # healthy are called healthy, with two more false still-improving notes among them; three
        # more read still improving (one noted), four read overfitting (none noted).
        # Then batches `dg` and `dh`, with that revision's further changes: ten more runs read
        # healthy are called healthy, with one more false still-improving note and one more false
        # unstable note among them; one more read still improving (not noted), one read
        # overfitting (not noted); one read unstable leaves the healthy verdicts (`t_001`, its R²
        # below 0 throughout: not learning, the second reader's second label).
        # Then batch `di`, with a validation loss of exactly 0 beside a training loss far from 0
        # suspicious: six more runs read healthy are called healthy, with one more false
        # still-improving note and one more false unstable note among them; one more read still
        # improving (noted), two read overfitting (one noted).
        # Then batch `dj` (not revised on): two more runs read healthy are called healthy, with one
        # more false unstable note among them; one more read overfitting (not noted).
        # Then a count at the start of each line read as the epoch (`dh_001`, read still improving:
        # its last run, not the 90 epochs of fifteen models, is called healthy, not noted).
        # Then batches `dk` and `dl` (revised on: see "heldout114"): fourteen more runs read healthy
        # are called healthy, with three more false still-improving notes, one more false
        # overfitting note and two more false unstable notes among them; four more read still
        # improving (two noted), six read overfitting (one noted), two read unstable (none noted).
        # Then batch `dm` (revised on: see "heldout116"): nine more runs read healthy are called
        # healthy, with two more false still-improving notes and three more false overfitting notes
        # among them; four more read overfitting (one noted). Then batch `dn` (revised on: see
        # "heldout117"), with a VAE's two terms summed as its loss: eight more runs read healthy are
        # called healthy, with two more false overfitting notes among them; two more read still
        # improving (none noted: `dn_015`, and `bf_016`, whose summed terms fall less at the end than
        # its reconstruction term alone), five read overfitting (two noted), two read unstable (none
        # noted). Then batches `do` to `dq` (revised on: see "heldout118" to "heldout120"): 21 more
        # runs read healthy are called healthy, with three more false still-improving notes, three
        # more false overfitting notes and one more false unstable note among them; four more read
        # still improving (two noted), five read overfitting (two noted), one read unstable (not
        # noted). Then batch `dr` (not revised on): three more runs read healthy are called
        # healthy, with one more false overfitting note among them; two more read still improving
        # (none noted), four read overfitting (two noted). Then batches `ds` to `du` (revised on:
        # see "heldout122" to "heldout124"): five more runs read healthy are called healthy, with
        # two more false still-improving notes, one more false overfitting note and two more false
        # unstable notes among them; two more read still improving (one noted), one read
        # overfitting (noted), one read unstable (not noted). Then batches `dv` and `dw` (revised
        # on: see "heldout125"): six more runs read healthy are called healthy, with one more false
        # still-improving note among them; three more read still improving (none noted), one read
        # overfitting (not noted), one read unstable (not noted). Then batches `dx` and `dy` (not
        # revised on): eleven more runs read healthy are called healthy, with two more false
        # still-improving notes, two more false overfitting notes and one more false unstable
        # note among them; two more read overfitting (not noted), one read unstable (not noted).
        # Then batch `dz` (revised on: see "heldout129"): one more run read healthy is called
        # healthy, with one more false still-improving note; three more read still improving (one
        # noted), three read overfitting (none noted). Then batches `ea` to `eg` (revised on: see
        # "heldout130"): eight more runs read healthy are called healthy, with two more false
        # still-improving notes and one more false unstable note among them; three more read still
        # improving (one noted), five read overfitting (one noted), one read unstable (not noted).
        # With their revision, a barred table read by its groups moves one run read overfitting to
        # healthy, not noted (`eg_003`), and one read unstable leaves healthy for not learning.
        # Then batches `eh` to `ek` (revised on: see "heldout137"): nine more runs read healthy are
        # called healthy, with one more false still-improving note and two more false unstable
        # notes among them; two more read still improving (both noted), four read overfitting (one
        # noted). With their revision, one more run read healthy is read at all (`ej_006`).
        # Then batches `el` and `em` (revised on: see "heldout141"): five more runs read healthy
        # are called healthy, with one more false overfitting note among them; one more read
        # overfitting (noted), one read unstable (not noted). With their revision, two more runs
        # read healthy are read at all or read right (`el_006`, `em_002`), one read still
        # improving (noted) and one read unstable (not noted) are read at all. Then batch `en`
        # (not revised on): one more run read healthy is called healthy, without a note. Then
        # batches `eo` to `et` with their revision (see "heldout144"): sixteen more runs read
        # healthy are called healthy, with one more false still-improving note and two more false
        # overfitting notes among them; four more read still improving (one noted) and eight read
        # overfitting (none noted). Then batches `eu` to `ew` (see "heldout149"): three more runs
        # read healthy are called healthy, without a note; five more read overfitting (two noted).
        # Then batches `ey` to `fa` (see "heldout152"): nine more runs read healthy are called
        # healthy, with one more false still-improving note among them; six more read overfitting
        # (one noted). Then batch `fb` (not revised on: see "heldout155"): two more runs read
        # healthy are called healthy, one with a false still-improving note; one more read still
        # improving and one read overfitting, neither noted. Then batches `fc` to `ff` with their
        # revision (see "heldout156"): 30 more runs read healthy are called healthy, with two more
        # false still-improving notes and four more false overfitting notes among them; six more
        # read still improving are called healthy (none noted), fourteen more read overfitting
        # (eight more noted) and four more read unstable (none noted). Then batches `fg` and `fh`
        # (see "heldout160"): 20 more runs read healthy are called healthy, with one more false
        # still-improving note among them; two more read still improving (none noted) and seven
        # more read overfitting (one more noted). With their revision, one of those noted is found
        # (`fh_025`: a validation accuracy that fell while the training accuracy rose). Then batch
        # `fi` (see "heldout162"): eight more runs read healthy are called healthy, without a note;
        # five more read overfitting (one noted). Then batches `fl`, `fm`, `fj` and `fk` with their
        # revision (see "heldout163"): 34 more runs read healthy are called healthy, with six more
        # false still-improving notes, three more false overfitting notes and one more false
        # unstable note among them; five more read still improving (one noted), 21 read
        # overfitting (seven noted) and two read unstable (one noted). Then batches `fn`, `fp` and
        # `fo` with their revision (see "heldout167"): 15 more runs read healthy are called
        # healthy, with two more false still-improving notes, one more false overfitting note and
        # three more false unstable notes among them; three more read still improving, six read
        # overfitting and one read unstable, none noted; with it, a spike measured against the
        # second epoch after an outlying first moves two runs read unstable out of healthy. Then
        # batch `fq` with its revision (see "heldout170"): five more runs read healthy are called
        # healthy, with two more false still-improving notes among them; one more read overfitting
        # is called healthy (not noted). Then batches `fr` to `fu` with their revision (see
        # "heldout174"): 36 more runs read healthy are called healthy, with one more false
        # still-improving note, four more false overfitting notes and two more false unstable notes
        # among them; four more read still improving (none noted), five read overfitting (two
        # noted) and two read unstable (none noted). Then batches `fv` and `fw` (not revised on):
        # 11 more runs read healthy are called healthy, with two more false still-improving notes
        # and two more false overfitting notes among them; one more read still improving (noted),
        # four read overfitting and two read unstable (none noted).
        # Then batch `fx` with its revision: three more runs read healthy are called healthy, with
        # one more false still-improving note among them; one more read overfitting is noted.
        # Then batches `fy` and `fz` with the revision on `fy`: 33 more runs read healthy are called
        # healthy, with four more false still-improving notes, three more false overfitting notes and
        # one more false unstable note among them; six more read still improving (three noted) and
        # seven read overfitting (two noted). Then batch `ga` (not revised on): five more runs read
        # healthy are called healthy, with two more false still-improving notes among them.
        # Then batches `gb` and `gc` with the revision on `gb`: 41 more runs read healthy are called
        # healthy, with four more false still-improving notes, two more false overfitting notes and
        # six more false unstable notes among them; four more read still improving (one noted),
        # eight read overfitting (two noted) and one read unstable (none noted). Then batch `gd`
        # (not revised on): two more runs read healthy, with one more false still-improving note;
        # one more read overfitting (noted); one read unstable is found since its sparse training
        # loss is interpolated. Then batches `ge` (revised on) and `gf` (not revised on): 31 more
        # runs read healthy are called healthy, with six more false still-improving notes and three
        # more false overfitting notes among them; four more read still improving (one noted),
        # seven read overfitting (two noted) and three read unstable (none noted). Then batches
        # `gg` (revised on) and `gh` (not revised on): 27 more runs read healthy are called healthy,
        # with two more false still-improving notes and two more false overfitting notes among them;
        # four more read still improving (none noted), four read overfitting (one noted) and one
        # read unstable (none noted); one more false unstable note. Then a validation loss never
        # 10% under its first beside a training loss that halved is overfitting: six runs read
        # overfitting and called healthy are found, five of them noted. Then batch `gi` with its
        # revision: 22 more runs read healthy are called healthy, with two more false overfitting
        # notes and one more false unstable note among them; four more read still improving (two
        # noted), four read overfitting (two noted) and one read unstable (noted). Then batch `gj`
        # (not revised on): six more runs read healthy are called healthy, with one more false
        # still-improving note among them; one more read still improving (noted). Then batch `gk`
        # with its revision: 37 more runs read healthy are called healthy, with seven more false
        # still-improving notes and eight more false overfitting notes among them; four more read
        # still improving (none noted), two read overfitting (two noted) and two read unstable
        # (one noted); one more false unstable note. Then batch `gl` (not revised on): 15 more
        # runs read healthy are called healthy, with four more false still-improving notes and
        # three more false overfitting notes among them; one more read still improving (none
        # noted), five read overfitting (one noted) and three read unstable (none noted). Then
        # batch `gm` with its revision (and the swings of a run's second half, `gl_056`): 15 more
        # runs read healthy are called healthy, with two more false still-improving notes and
        # three more false unstable notes among them; two more read still improving (none noted)
        # and seven read overfitting (one noted); one read unstable is found. Then batch `gn` with
        # its revision: 16 more runs read healthy are called healthy, with two more false
        # still-improving notes, three more false overfitting notes and two more false unstable
        # notes among them; one more read still improving and one read overfitting (neither noted).
        # Then batch `go`: two more runs read healthy are called healthy, with one more false
        # still-improving note and one more false overfitting note; one more read overfitting.
        # Then batches `gp`, `gq` and `gr` with the revision on them: 26 more runs read healthy are
        # called healthy, with one more false overfitting note among them; two more read still
        # improving (none noted), five read overfitting (three noted) and one read unstable
        # (noted); one more false unstable note.
        # Then batches `gs` and `gt` with the revision on them: 17 more runs read healthy are called
        # healthy, with five more false still-improving notes, one more false overfitting note and
        # two more false unstable notes among them; five more read still improving (three noted),
        # four read overfitting (two noted) and five read unstable (two noted).
        # Then an accuracy gap of 0.25 at the end is overfitting on its own: four runs read
        # overfitting and called healthy are found (two noted). Then batch `gu` with the revision on
        # it: nine runs read healthy are called healthy, two with a false still-improving note; four
        # read still improving (three noted) and eight read overfitting (two noted). Then batch `gv`:
        # seven runs read healthy are called healthy, none with a false note; three read still
        # improving (one noted) and four read overfitting (two noted). Then batch `gw`: five read
        # still improving (two noted) and two read overfitting (none noted) are called healthy.
        # Then batch `gx` with the revision on it: twenty runs read healthy are called healthy, four
        # with a false still-improving note and one with a false overfitting note; three read still
        # improving (two noted), three read overfitting (two noted) and one read unstable (noted);
        # a batch's loss jumping where the validation loss did not jump too (30%) calls two more read
        # still improving healthy (`ge_057`, a loss beside its batch's index; `fy_023`, one step an
        # epoch of a Lightning log; not noted). Then batch `gy` with the revision on it: six runs
        # read healthy are called healthy, one with a false overfitting note and one with a false
        # unstable note; six read still improving (two noted) and one read unstable (noted); and a
        # file named for the loss it holds, read now, adds one run read healthy and called so
        # (`gb_003`, no note). Then batch `gz`, not revised on: two runs read healthy are called
        # healthy, none with a false note; one read still improving and two read overfitting, none
        # noted. Then a validation loss NaN at several epochs and finite again after them is
        # unstable: `cz_010` (read still improving, noted) and `gy_010` (read unstable, noted) are no
        # longer called healthy.
        "still_improving": (58, 200, 139, 1178),
        "overfitting": (83, 281, 124, 1178),
        # Then a lone Inf training loss the next epoch carries on from is left out (`dl_009`, read
        # unstable: healthy, not noted, no longer diverged).
        "unstable": (15, 70, 69, 1178),
    }
    for kind, (noted, missed, false, healthy) in table.items():
        was_noted, was_missed, was_false, was_healthy = measured[kind]
        assert noted / missed >= was_noted / was_missed and false / healthy <= was_false / was_healthy
        # A still-improving note is 2.46 times as likely where a reader saw it (2.4 before batch
        # `gl`, which was not revised on).
        assert noted / missed >= (2.3 if kind == "still_improving" else 2.5) * false / healthy
