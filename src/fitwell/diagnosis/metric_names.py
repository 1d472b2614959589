"""What a metric's name says of it: an accuracy, an area under a curve (ROC or precision-recall),
a mean average precision, and whether higher or lower is better."""

from __future__ import annotations

import re

__all__ = [
    "is_accuracy",
    "is_auc",
    "is_mean_average_precision",
    "is_roc_auc",
    "is_share_score",
    "is_token_accuracy",
    "is_top_k",
    "metric_direction",
]

#: "acc" or "accuracy" as a word of a metric's name ("val_acc", "top1acc", "categorical_accuracy",
#: "mAcc" or "macc" for a mean accuracy), not inside another word ("jaccard").
_ACCURACY_WORD = re.compile(r"(?:^|[^a-zA-Z])m?acc|Acc|(?:^|[^A-Z])M?ACC")

#: A top-k accuracy (`val_top5_accuracy`, `top_k_categorical_accuracy`): right when the class is
#: among the k best guesses.
_TOP_K = re.compile(r"top_?(?:k|[2-9]|\d\d)", re.IGNORECASE)

#: Name fragments of an area under a curve: "auc", and "auroc"/"auprc" that do not contain it.
_AUC_FRAGMENTS = ("auc", "auroc", "auprc")

#: Name fragments of metrics where higher is better / lower is better. Dice is left out of the
#: first: read as a score, it stands in for a missing validation loss and hides a training loss
#: still falling (measured: 3 runs both readers call still improving read healthy).
_HIGHER_IS_BETTER = (
    *_AUC_FRAGMENTS,
    "acc",
    "precision",
    "recall",
    "f1",
    "iou",
    "r2",
    "top_k",
    "specificity",
    "sensitivity",
    "psnr",
    "ssim",
    "bleu",
    "mrr",
    "ndcg",
)

#: A detector's mean average precision (`map50`, `val_map50_95`, `metrics/mAP50(B)`, `mAP@0.5`), not
#: `heatmap` or `feature_map_norm`.
_MEAN_AVERAGE_PRECISION = re.compile(r"(?:^|/)map(?:[^a-z]|$)")
#: A COCO evaluator's average precision of boxes, masks or keypoints, over IoU thresholds, at one
#: (`50`, `75`) or by object size (`s`, `m`, `l`): detectron2's `bbox/AP`, `segm/AP50`, OpenMMLab's
#: `coco/bbox_mAP`; not one class's (`bbox/AP-date`).
_COCO_AVERAGE_PRECISION = re.compile(r"(?:^|[/_])(?:bbox|segm|keypoints?)[/_]m?ap(?:\d+|_?[sml])?$")

#: The scores that are shares (`is_share_score`; `precison` as a published log misspells it).
_SHARE_SCORE = re.compile(r"(?:^|[^a-z0-9])(?:f1|f1_score|precision|precison|recall|iou|miou|dice|auc)$")

_LOWER_IS_BETTER = (
    "loss",
    "error",
    "mse",
    "mae",
    "mape",
    "msle",
    "crossentropy",
    "hinge",
    "divergence",
    "poisson",
    "perplexity",
    "lpips",
    "brier",
)

#: Short names that count only as a whole word of a metric's name (`val_wer`, not `power`).
_HIGHER_IS_BETTER_WORD = re.compile(r"(?:^|[^a-z])(?:mcc|hits\d*|top\d+)(?:[^a-z]|$)")

_LOWER_IS_BETTER_WORD = re.compile(r"(?:^|[^a-z])(?:wer|cer|fid|ppl)(?:[^a-z]|$)")


def is_top_k(key: str) -> bool:
    """Whether a metric is a top-k accuracy, which reaches 1 long before the model does.

    Example:
        >>> is_top_k("val_top5_accuracy"), is_top_k("top_k_categorical_accuracy"), is_top_k("val_acc")
        (True, True, False)
    """
    return _TOP_K.search(key) is not None


def is_token_accuracy(key: str) -> bool:
    """Whether a metric is a language model's next-token accuracy (TRL's `mean_token_accuracy`),
    whose ceiling is the text's own uncertainty: no fixed value of it is good (0.42 on poetry and
    0.76 on instructions, both converged well). Not a tagger's `token_acc`, which has one.

    Example:
        >>> is_token_accuracy("mean_token_accuracy"), is_token_accuracy("eval_mean_token_accuracy")
        (True, True)
        >>> is_token_accuracy("token_acc"), is_token_accuracy("val_acc")
        (False, False)
    """
    return "mean_token_acc" in key.lower()


def is_accuracy(key: str) -> bool:
    """Whether a metric is an accuracy: "acc" starts a word of its name.

    Example:
        >>> is_accuracy("val_categorical_accuracy"), is_accuracy("mAcc"), is_accuracy("jaccard_coef")
        (True, True, False)
    """
    return _ACCURACY_WORD.search(key) is not None


def is_auc(key: str) -> bool:
    """Whether a metric is an area under a ROC or precision-recall curve.

    Example:
        >>> is_auc("val_auc"), is_auc("val_AUROC"), is_auc("train_auprc"), is_auc("val_accuracy")
        (True, True, True, False)
    """
    name = key.lower()
    return any(fragment in name for fragment in _AUC_FRAGMENTS)


#: A precision-recall AUC's name (`auprc`, `pr_auc`): its chance level is the positives' share, not 0.5.
_PRECISION_RECALL = re.compile(r"auprc|prauc|(?:^|_)pr(?:_|$)", re.IGNORECASE)


def is_roc_auc(key: str) -> bool:
    """Whether a metric is the area under a ROC curve (0.5 for a coin, 1 for a perfect ranking).

    Example:
        >>> is_roc_auc("val_auc"), is_roc_auc("val_auroc"), is_roc_auc("val_pr_auc"), is_roc_auc("auprc")
        (True, True, False, False)
    """
    return is_auc(key) and _PRECISION_RECALL.search(key) is None


def metric_direction(key: str) -> str | None:
    """`"max"` or `"min"` from a metric's name, or None when the name does not tell."""
    name = key.lower().removeprefix("val_")
    if any(fragment in name for fragment in _LOWER_IS_BETTER) or _LOWER_IS_BETTER_WORD.search(name):
        return "min"
    if (
        any(fragment in name for fragment in _HIGHER_IS_BETTER)
        or _HIGHER_IS_BETTER_WORD.search(name)
        or is_mean_average_precision(key)
    ):
        return "max"
    return None


def is_share_score(key: str) -> bool:
    """Whether `key` names a score that is a share, 0 to 1 or 0 to 100%: an F1, precision, recall,
    IoU, Dice or AUC (not a PSNR in dB, nor a count, `recall_count`), a whole word at the end.

    Example:
        >>> [is_share_score(key) for key in ("val_macro_f1", "precison", "mean_iou", "psnr", "hits10")]
        [True, True, True, False, False]
    """
    return _SHARE_SCORE.search(key.lower().removeprefix("val_")) is not None


def is_mean_average_precision(key: str) -> bool:
    """Whether `key` is a detector's mean average precision.

    Example:
        >>> [is_mean_average_precision(key) for key in ("val_map50_95", "metrics/mAP50(B)", "heatmap")]
        [True, True, False]
        >>> [is_mean_average_precision(key) for key in ("val_bbox_AP", "val_segm_AP50", "val_bbox_AP_date")]
        [True, True, False]
    """
    name = key.lower().removeprefix("val_")
    return (
        _MEAN_AVERAGE_PRECISION.search(name) is not None or _COCO_AVERAGE_PRECISION.search(name) is not None
    )
