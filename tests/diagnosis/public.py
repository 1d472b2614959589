"""Real training logs that other people published: two independent labels each, and the score.

`fixtures/public/logs/` holds the files as their repositories hold them (`sources_<batch>.csv`:
repository, path, commit, and the loss and number of classes where the repository's code says;
copied from stored text, each file's length checked against the stored one). Each file was
labelled from its plotted curves twice, by two readers working apart, before any rule ran on it
(`labels_<batch>_first.csv`, `labels_<batch>_second.csv`: label, clarity, a second defensible
label, reason). `split.csv` puts each of the first 103 files, at random, in `dev` (rules may be
revised on its misses) or `heldout`, and each later batch in a split of its own (`heldout2` …
`heldout7`), scored once before anything was revised on it. Print the scores:

    python -m tests.diagnosis.public [--split dev|heldout|heldout2|…|all] [--show-misses]

`--show-misses` lists the misses of the dev split only: the held-out files stay unread.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fitwell.diagnosis import KINDS, diagnose
from fitwell.diagnosis.eventlog import is_scalar_export
from fitwell.diagnosis.unnamed_curve import one_unnamed_curve

PUBLIC = Path(__file__).parent / "fixtures" / "public"
#: Files the reader refuses, saying what it expected: damaged rows named by line and column (text marker lines
#: among the rows, `%` after the numbers, rows with one cell under a two-column header); columns named
#: `loss0`/`loss1` that no code explains (`aa_016`), and a
#: console log whose training and test lines carry the same names (`ac_004`: `epoch: 0,  loss is: …`, the test
#: line told only by the line before it), and a console log of bare numbers between accuracy lines (`ag_008`:
#: nothing names the number a loss). Never guessed at. A GAN's generator and discriminator losses (`ba_003`,
#: `ba_015`; printed, `ba_020`; `bf_012`, `bg_002`, `bg_010`; a WGAN's critic and generator, `bj_004`) are not
#: a training loss the rules can judge: refused, saying so. A console log of bare `loss, step` pairs under
#: `Epoch: N` lines (`bk_012`: the batches' losses, no epoch's) names nothing a loss. Nor do a log of `Loss
#: 1.24/0.84` pairs that never says which set is which (`bo_003`), a WGAN's `L_D`/`L_G` (`bp_008`), a
#: physics-informed network's parts beside a `total` (`bp_010`) and a log in Chinese on one line (`bp_011`).
#: Batches `br` to `bw`: GANs (`bs_008` printed, `bu_001`, `bv_001`, `bv_003`); two columns of
#: numbers that no code explains (`br_001`); a batch log of six losses without their total
#: (`br_006`); lines written newest first (`bt_001`: read in order, its curves would run backwards);
#: `loss: (epoch, value)` tuples (`bt_004`), the last batch's loss.
#: Batches `bx` to `cc`: a GAN on dummy data (`bx_008`); a VAE's `Recon`, `KL` and `Phys` terms without their
#: total (`ca_006`). Batches `cd` to `ci`: GANs (`cf_002`, `cf_010`, `cf_012`); a self-supervised log whose
#: terms name no loss (`ci_013`, `tr_ssl`, `va_full`). Batches `cj` to `co`: `Epoch N: value` lines under a
#: heading that names the loss, two runs one after the other (`cl_003`); a step log of a diffusion model's
#: `MLoss`/`GLoss` (`cl_016`); a program that prints each name and its value on lines of their own (`cm_006`);
#: GANs (`cn_001`, `cn_013`); cross-validation folds, each with its records (`co_005`). Batches `cp` to `cu`:
#: a CSV whose last two rows come from other runs, one cell longer (`cq_002`, refused naming the line); a
#: GAN's table set out with `|` (`cr_005`); ten autoencoders nested two levels down, by family and by run
#: (`ct_008`, read since as a grid: the last family's last run); federated rounds saved as `[round, value]`
#: pairs (`ct_011`). Batches `dc` to `dh`: GANs
#: (`dc_010`, `dd_002`, `dg_006`, `dg_015`); a CSV whose second header, with other columns, heads a run of one
#: row (`dd_010`, refused naming the line: one row under a header is as likely a summary as a run). Batch
#: `dm`: a dict of two models' training losses under the models' names, none named a loss (`dm_013`); six runs
#: (three seeds of two models) written into one table row by row, with `train_objective` and `val_nll` and no
#: loss named (`dm_036`). Batch `dn`: a table of `train` and `val` rows whose validation rows hold twelve
#: unnamed cells under a four-name header (`dn_030`, refused naming the line). Batch `do`: a table of running
#: sums every 100 batches whose per-epoch summary rows hold two cells more than the header names (`do_021`,
#: refused naming the line). Batch `dz`: a table of two rows whose cells hold whole curves as lists, which row
#: is which set said nowhere (`dz_002`, refused naming the list in a cell); a CSVLogger file committed with
#: git's merge conflict markers around two versions of the run (`dz_018`, refused naming the markers' lines).
#: Batch `ef`: a printed log whose only numbers are `trlast = 0.34, val = 0.48`, no loss named (`ef_001`,
#: refused saying no line names a loss). Batch `ej`: rounds of federated learning, a training and a validation
#: loss for each of three clients and none for the model (`ej_008`, refused: no column is the loss). Batch
#: `el`: dicts of models' names and their lists, none named a loss, as `dm_013` (`el_007`, `el_011`). Batch
#: `es`: a CSVLogger file whose rows of epochs 17 to 19 run together on one line (`es_005`, refused naming the
#: line). Batch `fc`: a training `total` beside three named parts of it (`lm_loss`, `keep_loss`,
#: `support_loss`) and a `val_loss` on the scale of one part, not of the total (`fc_004`, refused: read as
#: the loss, the total at 227 times the validation loss was called a leak). Batch `fi`: lists of a
#: history of different lengths, each value written twice (`fi_003`, refused naming the two lengths). Batch
#: `fl`: a table of three columns without a header, named nowhere in its repository (`fl_027`, refused: no
#: header row). Batch `fp`: three runs' curves saved as `[epoch, train, val]` triples that nothing names
#: (`fp_009`, refused: no key read). Batch `fu`: one row
#: whose cell holds a list of 250 printed lines `Epoch: 0, Train Loss: …, Val Loss: …` (`fu_004`, refused
#: naming the cell). Batch `fw`: three runs in a long table of `#Model,Step,Value` rows, the value named
#: nowhere (`fw_001`, refused: no header row names a loss). Batch `fy`: a chess network's two heads,
#: `val eval`, `val mate`, `train eval`, `train mate`, none named a loss (`fy_048`, refused:
#: no column is named a loss); a course's solver printing `cost 2.31, train: 0.08, val 0.09` (`fy_036`,
#: refused naming its keys: beside a cost, which may be the loss or the epoch's seconds, the sets named
#: alone are its accuracies, read before as the losses and called diverged). Batch `gb`: three runs
#: side by side named by their data (`gb_009`, `all data`, `only half data`: no column is named a
#: loss). Batch `gc`: `Loss after num_examples_seen=N epoch=E: value` lines (`gc_023`, refused: the
#: loss's name runs into the count's). Batch `ge`: an old Lightning file's `train_epoch_average`
#: and `validation_epoch_average`, no loss named for its training set (`ge_019`); a
#: pickle of the curves, never unpickled (`ge_044`); one epoch's steps as `train_loss 2.30 train_acc 0.0`
#: after 20 lines of a library's messages (`ge_074`); `[Avg. Loss, Loss]: [10.44, 7.17]`, a list of names
#: and one of values (`ge_077`); perplexities every tenth of an epoch beside each epoch's (`ge_079`). Batch
#: `gf`: `train_patch_rmse` beside `val_rmse`, no loss named and no twin to say which measure is the loss
#: (`gf_052`). Batch `gg`: a table without a header of 1,000 numbers under their epochs, which its
#: repository does not name (`gg_058`); a captcha model's steps printed with Chinese names,
#: `第0步，训练损失：0.694` (`gg_072`). Batch `gh`: two lines of 30 numbers without names, the training and
#: the validation loss by epoch across each line (`gh_038`). Batch `gi`: four Lightning files that
#: logged a validation loss and no training loss (`gi_028`, `gi_029`, `gi_030`, `gi_032`, refused
#: saying so, with the way to log it and the way to judge the validation curve anyway); two dicts of
#: losses keyed by epoch numbers, which set each holds named nowhere (`gi_076`); a table of a
#: run and its rerun between git's merge-conflict markers (`gi_085`, as `dz_018`); a table without a
#: header of 124 batches' losses, every row under epoch 1 (`gi_091`). Batch `gk`: a table of a
#: language model's steps whose one summary row, `epoch_1,summary,4.39,3.75`, stands where a step
#: number should (`gk_082`, refused naming the line and the cell). Batch `gl`: a detector's
#: `loss_det`, `loss_odam` and `loss_total_objective`, which no name says is the loss (`gl_026`).
#: Batch `gm`: six runs of a language model, each a list of `[step, value]` pairs under the run's
#: name, which set's loss nothing says (`gm_033`, refused naming the runs). Batch `gp`: a course
#: template's `- Training metrics: 9.255 ; 0.0097` lines, two numbers named nowhere (`gp_007`); a
#: console log whose only number per batch is `total: 0.82` beside `Validation accuracy: 0.585` per
#: epoch, no loss named (`gp_023`). Batch `gr`: a character model's log in Romanian, `pas 20 |
#: pierdere 3.01` and `-> validare 0.56 nats` (`gr_004`, refused: no name says which number is
#: the loss). Batch `gs`: Flair's older `loss.tsv` without its header, its second cell a time of
#: day (`gs_034`); a header whose names stand in braces, `{epoch}\t{lr}\t{train_loss}`, the
#: template of the line the loop writes (`gs_048`); a console log whose `Train loss:` and `Test
#: loss:` stand on lines of their own below each `Step N of 469:` (`gs_050`). Batch `gu`: an InfoGAN's
#: table through `logging`, `loss_gen`, `loss_dis` and its information terms (`gu_012`, a GAN, refused
#: by name); a report whose lines mix `epoch 1, phase train, step 10, loss_train, 0.838` with `epoch 1 |
#: val_loss: 0.659` (`gu_019`, refused naming the line that breaks the table); CatBoost's `0: learn:
#: 2.42 test: 2.40 best: …` iterations in a tracker's console copy (`gu_049`, no name says a loss);
#: Python 2's tuples, `('Losses', {u'ner': 0.186})` under `('Epoch : ', 0, …)` (`gu_060`). Batch `gv`:
#: Chainer's log of a conditional InfoGAN, `gen/loss` and `dis/loss` (`gv_030`, a GAN); logs of one
#: lists of printed tensors, `loss_log: [tensor(2.3294, grad_fn=<AddBackward0>), …]` (`gv_041`); rows of
#: `epoch loss, error` without a header, which the repository's code was not read to name (`gv_043`).
#: Batch `gx`: a detector's batches of one epoch, `[Epoch 0/30, Batch 1/7329] [Losses: x 0.29, …,
#: total 22.3, …]`, whose loss is named `total` (`gx_021`); JDE's table through `logging`, `Epoch
#: Batch box conf id total nTargets time` over rows `0/29 0/165 …`, its cells counts out of a
#: total and its `total` (gone below zero by uncertainty weighting) named the loss nowhere
#: (`gx_023`); an image restorer's `UNetR`, `UNetG` and `Discriminator` losses, no one of them the
#: model's (`gx_059`, a GAN's). Batch `gz`: a trajectory model's `loss_ph` and `loss_w` beside their
#: reconstruction and sparsity terms, two models' losses and no one loss named (`gz_002`).
#: (Read since they were scored: `print(epoch, loss)` of a loss tensor (`bt_007`), a table
#: printed through `logging` under names that run into each
#: other, runs appended (`bs_006`), a YOLOv5 console log (`bc_003`), `MSE = …, MAE = …` lines, `bce`
#: and `rmse` without a `loss`, two training phases side by side, the tables of numbers without
#: a header in `NAMED_COLUMNS`, a JSON history that its repository holds cut off, `az_018`,
#: whose lists before the cut are read, a Rust program's list of floats, `bt_003`, read as
#: the training loss as a JSON list of numbers is, and a stock forecaster's summary whose one
#: history sits beside lists of names, `co_019`; a VAE's `train_recon` and `train_kl` without their
#: total, `bf_010`, read as their sum; a table set out with spaces under names that hold spaces,
#: `n_019`, read as named, though its author's names sit over the wrong columns; a loss column
#: empty on every line beside accuracies frozen after the first epoch, `ce_014`, read as NaN,
#: which pandas writes as an empty cell; TensorBoard exports of one scalar, `m_010` and `fy_058`,
#: read under the names their repositories give them, `train_loss.csv` and `loss.csv`, as their
#: users read them: the stored copies are renamed by batch; a JSON object of per-epoch records keyed
#: by their epochs' numbers, `gj_019`; a loop's `{"epoch_losses": [...]}`, `gk_122`, and its
#: numbers keyed by epoch numbers, `gk_123`, read as the training loss; two frameworks' runs of
#: one model appended, their epochs under `epoch_zero_based` and `epoch_one_based` and their
#: losses under `loss_mean` beside its median, minimum and maximum, `gk_098`; six runs of
#: cross-validation appended, the last one's folds named `Final`, `gl_023`; four runs of
#: per-epoch records under `curves` beside the run's `config`, `gm_029`; a project's prints
#: `Epoch 1/50... Batch 1... Training Loss: 1.58...`, `gk_073`, whose batch numbers were read
#: into the metric's name; OpenNMT-py's `Step 50/100000; acc: ...; xent: ...` reports and its
#: `Validation perplexity:` lines, `gr_001`; Chainer's `LogReport` (`gs_001` … `gs_030`, `gt_001`
#: … `gt_006`) and Sacred's `metrics.json` (`gs_068`, `gs_069`), a tracker's metrics exported one
#: row per metric and step (`gs_035`), a printed log under a comment that names a loss
#: (`gt_008`); Ludwig's training statistics (`gu_035`, `gu_036`, `gu_041`, `gu_042`, `gu_047`,
#: `gv_011` … `gv_019`), YOLOv5's `results.txt` without a header (`gu_038`, `gu_045`; `gv_050` …
#: `gv_059`, YOLOv7-pose's `gv_054`); logs of one epoch's batches stopped inside it, `epoch: 1,
#: iter: 100, …, tr_loss: 2.11` (`gv_036`) and `Batch [3/858], Loss: 0.2992` under one `Epoch 1`
#: in Korean (`gv_040`), read one row a batch and judged too short; one curve saved without its
#: name in a file whose name names the training loss, a pandas Series with its index under `0`
#: (`fs_010`, `loss.csv`) and one line of numbers (`gb_003`, `losses.csv`; `gc_037`,
#: `train_losses.csv`), read as the training loss, as a TensorBoard export's name is read.)
REFUSED = (
    "aa_016.csv",
    "ac_004.txt",
    "ag_008.txt",
    "au_002.csv",
    "ba_003.csv",
    "ba_015.csv",
    "ba_020.txt",
    "bf_012.csv",
    "bg_002.json",
    "bg_010.json",
    "bj_004.json",
    "bk_012.txt",
    "bo_003.txt",
    "bp_008.txt",
    "bp_010.txt",
    "bp_011.txt",
    "br_001.txt",
    "br_006.txt",
    "bs_008.log",
    "bt_001.txt",
    "bt_004.txt",
    "bu_001.json",
    "bv_001.json",
    "bv_003.json",
    "bx_008.json",
    "ca_006.txt",
    "cf_002.log",
    "cf_010.log",
    "cf_012.log",
    "ci_013.txt",
    "cl_003.txt",
    "cl_016.txt",
    "cm_006.log",
    "cn_001.csv",
    "cn_013.csv",
    "co_005.json",
    "cq_002.csv",
    "cr_005.log",
    "ct_011.json",
    "dc_010.json",
    "dd_002.csv",
    "dd_010.csv",
    "dg_006.json",
    "dg_015.json",
    "dm_013.json",
    "dm_036.csv",
    "dn_030.csv",
    "do_021.csv",
    "dz_002.csv",
    "dz_018.csv",
    "ef_001.txt",
    "ej_008.csv",
    "el_007.json",
    "el_011.json",
    "es_005.csv",
    "f_040.csv",
    "fc_004.csv",
    "fi_003.json",
    "fl_027.csv",
    "fp_009.json",
    "fu_004.csv",
    "fw_001.csv",
    "fy_036.txt",
    "fy_048.csv",
    "gb_009.csv",
    "gc_023.log",
    "ge_019.csv",
    "ge_044.txt",
    "ge_074.out",
    "ge_077.out",
    "ge_079.out",
    "gf_052.csv",
    "gg_058.csv",
    "gg_072.md",
    "gh_038.csv",
    "gi_028.csv",
    "gi_029.csv",
    "gi_030.csv",
    "gi_032.csv",
    "gi_076.json",
    "gi_085.csv",
    "gi_091.csv",
    "gk_082.txt",
    "gl_026.csv",
    "gm_033.json",
    "gp_007.log",
    "gp_023.txt",
    "gr_004.log",
    "gs_034.tsv",
    "gs_048.txt",
    "gs_050.log",
    "gu_012.txt",
    "gu_019.md",
    "gu_049.log",
    "gu_060.txt",
    "gv_030.txt",
    "gv_041.txt",
    "gv_043.txt",
    "gx_021.txt",
    "gx_023.txt",
    "gx_059.csv",
    "gz_002.csv",
)
#: Tables of numbers without a header row, read as their user reads them: with `columns=` naming
#: what the repository's code writes (sources_*.csv notes; for `h_014`, `m_009`, `y_010` and
#: `gk_094` the collector's reading of the repository, which the labels' reasons share; for
#: `bk_013`, the code that writes `epoch loss accuracy`; for `bt_005`, the code that writes each
#: side output's loss, the optimized loss being the sum of the first four). Without it they are
#: refused.
NAMED_COLUMNS = {
    "cy_002.csv": ("epoch", "loss"),
    "gk_094.csv": ("epoch", "loss"),
    "h_014.csv": ("epoch", "loss", "accuracy", "val_loss", "val_accuracy"),
    "m_009.csv": ("loss", "val_loss"),
    "ak_006.csv": ("epoch", "loss", "val_loss"),
    "am_002.csv": ("width", "fraction", "epoch", "loss", "accuracy", "test_accuracy", "test_loss"),
    "w_024.csv": ("epoch", "train_loss", "grad_norm", "test_accuracy", "test_loss"),
    "y_010.csv": ("loss", "val_loss"),
    "bk_013.txt": ("epoch", "loss", "accuracy"),
    "bt_005.txt": ("epoch", "side14_loss", "side28_loss", "side56_loss", "final_loss", "final_bce"),
    "bt_006.txt": ("epoch", "loss"),
    "bt_011.txt": ("epoch", "loss"),
    "bt_010.txt": ("epoch", "loss"),
    "bt_012.txt": ("epoch", "loss"),
    # Batch `by`: the code's meters (the last batch's loss, the epoch's mean, two accuracy meters),
    # and a domain-adaptation family that saves its classification, transfer and total losses
    # (`by_008` a prototype loss after them).
    "by_001.csv": ("batch_loss", "loss", "batch_top1", "top1"),
    "by_003.csv": ("cls_loss", "transfer_loss", "loss"),
    "by_006.csv": ("cls_loss", "transfer_loss", "loss"),
    "by_007.csv": ("cls_loss", "transfer_loss", "loss"),
    "by_008.csv": ("cls_loss", "transfer_loss", "loss", "proto_loss"),
    # Batch `ci`: the loop writes the epoch, the training loss and the held-out accuracy.
    "ci_002.txt": ("epoch", "loss", "val_acc"),
    # Batch `dp`: a Keras history saved without its names, in the history's order (`loss`, then
    # the compiled metric, then their `val_` twins; the values fit: a loss near 0.6 falling, an
    # accuracy near 0.9 rising).
    "dp_034.txt": ("loss", "accuracy", "val_loss", "val_accuracy"),
    # Batch `gx`: a summarizer's loop writes the training loss, the evaluation loss and the epoch,
    # tab-separated (its `train.py`).
    "gx_062.txt": ("loss", "val_loss", "epoch"),
    # Batch `gc`: loops that write `epoch<TAB>loss` per logged batch (`gc_033`), `step<TAB>loss`
    # (`gc_036`), `epoch loss` (`gc_038`), and every 100 batches the count, the learning rate, that
    # batch's loss, the test set's loss and its MAE (`gc_048`).
    "gc_033.csv": ("epoch", "loss"),
    "gc_036.txt": ("step", "loss"),
    "gc_038.txt": ("epoch", "loss"),
    "gc_048.txt": ("step", "learning_rate", "loss", "val_loss", "val_mae"),
    # Batch `gg`: a segmentation loop that writes `epoch train_loss` (its validation loss to
    # another file).
    "gg_045.txt": ("epoch", "loss"),
    # Batch `gs`: a text generator's loop that writes `epoch,loss` (two runs appended).
    "gs_057.txt": ("epoch", "loss"),
}
_LOSSES = {
    "mse": "mse",
    "mean_squared_error": "mse",
    "mae": "mae",
    "mean_absolute_error": "mae",
    "binary_crossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "cross_entropy": "sparse_categorical_crossentropy",  # torch's CrossEntropyLoss on class indices
}


@dataclass(frozen=True)
class PublicRun:
    name: str
    path: Path
    split: str
    first: str
    second: str
    clear: bool  # both readers agree and neither called it ambiguous
    loss: str | None
    num_classes: int | None
    defensible: frozenset[str]  # both readers' labels and the second labels they named

    @property
    def agreed(self) -> bool:
        return self.first == self.second


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def batches() -> list[str]:
    """The labelled collections of files, by the prefix of their names (`a`, `b`, …, `aa`, …)."""
    letters = sorted(path.stem.removeprefix("sources_") for path in PUBLIC.glob("sources_*.csv"))
    return [
        name
        for name in letters
        if all((PUBLIC / f"labels_{name}_{reader}.csv").exists() for reader in ("first", "second"))
    ]


def load() -> list[PublicRun]:
    sources = {row["file"]: row for name in batches() for row in read_rows(PUBLIC / f"sources_{name}.csv")}
    split = {row["file"]: row["split"] for row in read_rows(PUBLIC / "split.csv")}
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for name in batches():
        for reader in ("first", "second"):
            for row in read_rows(PUBLIC / f"labels_{name}_{reader}.csv"):
                labels.setdefault(row["file"], {})[reader] = row
    runs = []
    for file, by_reader in sorted(labels.items()):
        first, second = by_reader["first"], by_reader["second"]
        if "unusable" in (first["label"], second["label"]):
            continue
        source = sources[file]
        classes = source.get("num_classes", "").strip()
        runs.append(
            PublicRun(
                file,
                PUBLIC / "logs" / file,
                split[file],
                first["label"].strip(),
                second["label"].strip(),
                first["label"] == second["label"]
                and first["clarity"].strip() == "clear"
                and second["clarity"].strip() == "clear",
                _LOSSES.get(source.get("loss", "").strip()),
                int(classes) if classes.isdigit() else None,
                frozenset(
                    label.strip()
                    for row in (first, second)
                    for label in (row["label"], row["alt_label"])
                    if label.strip()
                ),
            )
        )
    return runs


def diagnose_run(run: PublicRun):
    """The diagnosis a user of `fitwell diagnose FILE --loss L --num-classes C` gets (where known;
    `--columns` for a table without a header)."""
    return diagnose_file(run.path, **diagnose_kwargs(run))


def diagnose_file(path: Path, **kwargs):
    """`diagnose` of a stored file as its user runs it (`as_published`)."""
    with as_published(path) as published:
        return diagnose(str(published), **kwargs)


@contextlib.contextmanager
def as_published(run: Any) -> Iterator[Any]:
    """The stored file as its user reads it: a TensorBoard export of one scalar, or one curve saved
    without its name (`unnamed_curve.py`), which its file's name names (`train_loss.csv`), under
    the name its repository gives it (the stored files are renamed by batch: `m_010.csv`); any
    other file, or a run that is no file, as it is."""
    if not isinstance(run, str | Path) or not (is_scalar_export(str(run)) or one_unnamed_curve(str(run))):
        yield run
        return
    with tempfile.TemporaryDirectory() as folder:
        published = Path(folder) / _published_names()[Path(run).name]
        shutil.copyfile(run, published)
        yield published if isinstance(run, Path) else str(published)


@functools.cache
def _published_names() -> dict[str, str]:
    """`{stored name: the file's name in its repository}`."""
    return {
        row["file"]: Path(row["path"]).name
        for name in batches()
        for row in read_rows(PUBLIC / f"sources_{name}.csv")
    }


def diagnose_kwargs(run: PublicRun) -> dict:
    """What the user tells `diagnose` of a run: its loss, and the number of classes, with a loss or
    without one (`--num-classes 2` alone: the accuracies are judged against a uniform guess,
    `co_013`). A count of 1 is left out beside a loss other than binary cross-entropy, which
    `diagnose` refuses, saying a binary classifier has 2: one output channel of a segmentation,
    `cb_007`, a set of one class."""
    binary = run.loss == "binary_crossentropy"
    known = run.num_classes is not None and (run.num_classes >= 2 or binary)
    return {
        "loss": run.loss,
        "num_classes": run.num_classes if known else None,
        "columns": NAMED_COLUMNS.get(run.name),
    }


def score(runs: list[PublicRun]) -> list[tuple[PublicRun, str]]:
    """`(run, primary finding)`; `"error"` when the file is refused."""
    return [(run, kinds[0]) for run, kinds in _judged(runs)]


def _judged(runs: list[PublicRun]) -> list[tuple[PublicRun, list[str]]]:
    """`(run, finding kinds)`, or `(run, ["error"])` when the file is refused; a healthy verdict's
    close calls follow it as `close:<kind>`."""
    return [(run, list(judgement(run)[0])) for run in runs]


@functools.cache
def judgement(run: PublicRun) -> tuple[tuple[str, ...], str | None]:
    """`(finding kinds with the close calls after them, None)` of `diagnose_run(run)`, or
    `(("error",), its message)` when the file is refused; worked out once per run, for every test
    that asks (each diagnosis of the thousands of stored files takes a while)."""
    try:
        diagnosis = diagnose_run(run)
    except (ValueError, TypeError) as error:
        return ("error",), str(error)
    close = diagnosis.primary.evidence.get("close_to", [])
    return (*diagnosis.kinds, *(f"close:{kind}" for kind in close)), None


def close_calls(runs: list[PublicRun]) -> dict[str, tuple[int, int, int, int]]:
    """For each finding a healthy verdict can come close to (`still_improving`, `overfitting`,
    `unstable`): `(noted, missed, false notes, healthy)`: of the runs the first reader gave that
    label and the rules called healthy (`missed`), how many carry the close call (`noted`); of
    those the reader and the rules both call healthy (`healthy`), how many carry it anyway."""
    judged = [(run, kinds) for run, kinds in _judged(runs) if kinds[0] == "healthy"]
    table = {}
    for kind in ("still_improving", "overfitting", "unstable"):
        missed = [kinds for run, kinds in judged if run.first == kind]
        healthy = [kinds for run, kinds in judged if run.first == "healthy"]
        table[kind] = (
            sum(f"close:{kind}" in kinds for kinds in missed),
            len(missed),
            sum(f"close:{kind}" in kinds for kinds in healthy),
            len(healthy),
        )
    return table


def summary(results: list[tuple[PublicRun, str]]) -> dict[str, tuple[int, int]]:
    """`(right, runs)` against each reader, on the runs both readers gave the same label, on the
    clear ones (same label, both sure), and counting any label either reader named as defensible
    (their labels and second labels)."""
    agreed = [(run, found) for run, found in results if run.agreed]
    clear = [(run, found) for run, found in results if run.clear]
    return {
        "first reader": (sum(run.first == found for run, found in results), len(results)),
        "second reader": (sum(run.second == found for run, found in results), len(results)),
        "either reader": (sum(found in (run.first, run.second) for run, found in results), len(results)),
        "readers agree": (sum(run.first == found for run, found in agreed), len(agreed)),
        "clear": (sum(run.first == found for run, found in clear), len(clear)),
        "defensible": (sum(found in run.defensible for run, found in results), len(results)),
    }


def confusion_markdown(results: list[tuple[PublicRun, str]]) -> str:
    """Agreed labels as rows, primary findings as columns."""
    counts = Counter((run.first, found) for run, found in results if run.agreed)
    columns = [kind for kind in (*KINDS, "error") if any(found == kind for _, found in counts)]
    labels = [kind for kind in KINDS if any(label == kind for label, _ in counts)]
    lines = ["| label \\ primary | " + " | ".join(columns) + " | runs |", "|---" * (len(columns) + 2) + "|"]
    for label in labels:
        cells = [str(counts.get((label, column), 0) or ".") for column in columns]
        lines.append(
            f"| {label} | " + " | ".join(cells) + f" | {sum(counts.get((label, c), 0) for c in columns)} |"
        )
    return "\n".join(lines)


def main() -> None:
    chosen = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "all"
    runs = [run for run in load() if chosen == "all" or run.split == chosen]
    results = score(runs)
    print(f"split: {chosen}, {len(runs)} runs\n")
    print(confusion_markdown(results) + "\n")
    for name, (right, total) in summary(results).items():
        print(f"{name:>14}: {right}/{total} ({right / max(total, 1):.1%})")
    print("\nclose calls on healthy verdicts (on runs the reader labelled so / on runs labelled healthy):")
    for kind, (noted, missed, false, healthy) in close_calls(runs).items():
        print(f"{kind:>16}: {noted}/{missed} / {false}/{healthy}")
    if "--show-misses" in sys.argv:
        for run, found in results:
            if run.split == "dev" and found not in (run.first, run.second):
                print(f"  {run.name}: labels {run.first}/{run.second}, found {found}")


if __name__ == "__main__":
    main()
