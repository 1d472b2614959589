"""Recurrent layers: cells (one step), `RNN` (a cell over a sequence), `SimpleRNN`/`LSTM`/`GRU`, and the
`Bidirectional` and `TimeDistributed` wrappers."""

from __future__ import annotations

from fitwell.layers.recurrent.cells import GRUCell, LSTMCell, SimpleRNNCell
from fitwell.layers.recurrent.layers import GRU, LSTM, SimpleRNN
from fitwell.layers.recurrent.rnn import RNN
from fitwell.layers.recurrent.wrappers import Bidirectional, TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Bidirectional",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "TimeDistributed",
]
