"""An LSTM text classifier's `fit` against a hand-written torch loop with `nn.LSTM`, in the same run.

Usage::

    python -m bench.lstm            # 5 alternating rounds of one epoch each
    python -m bench.lstm --rounds 9 --samples 8000 --device cuda

Both train Embedding(5000, 32) → LSTM(64) → Dense(1, sigmoid) with Adam and
binary cross-entropy on the same random token ids (batches of 64, shuffled
each epoch), starting from the same weights. fitwell's LSTM runs on torch's
fused kernel, as `nn.LSTM` does; the ratio measures everything else `fit`
does (data slicing, the step, the loss tracker, hooks). Rounds alternate
between the two so drifting machine load hits both alike; the report gives
the median ratio and its spread over the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from torch import nn

__all__ = ["main"]

VOCAB, EMBED, UNITS, STEPS, BATCH = 5000, 32, 64, 80, 64


def _data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(samples, STEPS))
    y = (x[:, :5].mean(axis=1) > VOCAB / 2).astype("float32").reshape(-1, 1)
    return x, y


class HandWritten(nn.Module):
    """The same classifier in plain torch."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED)
        self.lstm = nn.LSTM(EMBED, UNITS, batch_first=True)
        self.dense = nn.Linear(UNITS, 1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(self.embedding(ids))
        return torch.sigmoid(self.dense(h[-1]))


def _fitwell_model(device: str):
    import fitwell

    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(STEPS,), dtype="int64"),
            fitwell.layers.Embedding(VOCAB, EMBED),
            fitwell.layers.LSTM(UNITS),
            fitwell.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=fitwell.optimizers.Adam(1e-3), loss="binary_crossentropy", device=device)
    return model


def _copy_weights(model, reference: HandWritten) -> None:
    """Give the torch model fitwell's initial weights (Keras's layout → nn.LSTM's)."""
    embedding, kernel, recurrent, bias, dense_kernel, dense_bias = model.get_weights()
    with torch.no_grad():
        reference.embedding.weight.copy_(torch.as_tensor(embedding))
        reference.lstm.weight_ih_l0.copy_(torch.as_tensor(kernel.T))
        reference.lstm.weight_hh_l0.copy_(torch.as_tensor(recurrent.T))
        reference.lstm.bias_ih_l0.copy_(torch.as_tensor(bias))
        reference.lstm.bias_hh_l0.zero_()
        reference.dense.weight.copy_(torch.as_tensor(dense_kernel.T))
        reference.dense.bias.copy_(torch.as_tensor(dense_bias))


def _hand_written_epoch(
    module: HandWritten, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor
) -> float:
    loss_fn = nn.BCELoss()
    order = torch.randperm(len(x), device=x.device)
    total = torch.zeros((), device=x.device)
    module.train()
    for start in range(0, len(x), BATCH):
        index = order[start : start + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(module(x[index]), y[index])
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(index)
    return float(total) / len(x)


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x_np, y_np = _data(args.samples)
    model = _fitwell_model(args.device)
    model.build((None, STEPS))
    reference = HandWritten().to(args.device)
    _copy_weights(model, reference)
    optimizer = torch.optim.Adam(reference.parameters(), lr=1e-3)
    x, y = torch.as_tensor(x_np, device=args.device), torch.as_tensor(y_np, device=args.device)
    model.fit(x_np[:256], y_np[:256], batch_size=BATCH, epochs=1, verbose=0)  # warm up both
    _hand_written_epoch(reference, optimizer, x[:256], y[:256])
    times: dict[str, list[float]] = {"fitwell": [], "torch": []}
    losses: dict[str, float] = {}
    for _ in range(args.rounds):
        _sync(args.device)
        start = time.perf_counter()
        history = model.fit(x_np, y_np, batch_size=BATCH, epochs=1, verbose=0)
        _sync(args.device)
        times["fitwell"].append(time.perf_counter() - start)
        losses["fitwell"] = history.history["loss"][-1]
        start = time.perf_counter()
        losses["torch"] = _hand_written_epoch(reference, optimizer, x, y)
        _sync(args.device)
        times["torch"].append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(times["fitwell"], times["torch"], strict=True)]
    steps = -(-args.samples // BATCH)
    result = {
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "fitwell_ms_per_step": statistics.median(times["fitwell"]) / steps * 1e3,
        "torch_ms_per_step": statistics.median(times["torch"]) / steps * 1e3,
        "fitwell_last_loss": losses["fitwell"],
        "torch_last_loss": losses["torch"],
    }
    print(
        f"LSTM classifier, {args.samples} samples x {STEPS} steps, batch {BATCH}, device {args.device}, "
        f"{args.threads} thread(s), {args.rounds} alternating rounds"
    )
    print(
        f"fitwell fit: {result['fitwell_ms_per_step']:.2f} ms/step, hand-written nn.LSTM loop: "
        f"{result['torch_ms_per_step']:.2f} ms/step"
    )
    print(
        f"ratio fitwell/torch: median {result['ratio_median']:.3f} "
        f"(min {result['ratio_min']:.3f}, max {result['ratio_max']:.3f}); last epoch loss "
        f"{result['fitwell_last_loss']:.4f} vs {result['torch_last_loss']:.4f}"
    )
    return result


if __name__ == "__main__":
    main()
