"""Callbacks: Keras's hooks into `fit`, `evaluate` and `predict`."""

from __future__ import annotations

from fitwell.callbacks.backup_and_restore import BackupAndRestore
from fitwell.callbacks.base import Callback, CallbackList
from fitwell.callbacks.csv_logger import CSVLogger
from fitwell.callbacks.early_stopping import EarlyStopping
from fitwell.callbacks.lambda_callback import LambdaCallback
from fitwell.callbacks.learning_rate_scheduler import LearningRateScheduler
from fitwell.callbacks.live_diagnosis import LiveDiagnosis
from fitwell.callbacks.model_checkpoint import ModelCheckpoint
from fitwell.callbacks.progbar_logger import ProgbarLogger
from fitwell.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from fitwell.callbacks.tensorboard import TensorBoard
from fitwell.callbacks.terminate_on_nan import TerminateOnNaN
from fitwell.history import History

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "LiveDiagnosis",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]
