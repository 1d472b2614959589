"""Data parallelism through `torch.distributed`, launched by `torchrun`.

fitwell never runs its own engine: processes come from `torchrun`, the
process group from `torch.distributed`, gradient averaging from
`DistributedDataParallel` (or `FullyShardedDataParallel`). This module only
decides the device of each process, shards each global batch, and merges
loss and metric states so every process sees the same epoch values.

`batch_size` is the **global** batch, as in Keras's data-parallel
distribution: with 4 processes and `batch_size=256`, each process runs 64
samples per step. Every process draws the same permutation (rank 0 draws
it and broadcasts it), and each global batch is cut into contiguous,
near-equal shards, so the union of the shards is exactly one epoch.
"""

from __future__ import annotations

import atexit
import copy
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist

if TYPE_CHECKING:
    from fitwell.metrics import Metric

__all__ = [
    "STRATEGIES",
    "ProcessGroup",
    "is_main_process",
    "local_bounds",
    "merge_metrics",
    "merged_copies",
    "setup",
]

STRATEGIES = ("auto", "ddp", "fsdp", "none")


@dataclass(frozen=True)
class ProcessGroup:
    """Where this process sits: its rank, the number of processes and its device."""

    rank: int
    world_size: int
    device: torch.device
    strategy: str


def _launched_by_torchrun() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1 and "RANK" in os.environ


def setup(strategy: str, device: torch.device | None) -> ProcessGroup | None:
    """Join (or start) the process group when running distributed; None on a single process.

    `"auto"` goes distributed when `torchrun` launched several processes or a
    process group already exists; `"ddp"`/`"fsdp"` require it; `"none"`
    never distributes.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"`strategy` must be one of {STRATEGIES}. Received: strategy={strategy!r}")
    if strategy == "none":
        return None
    running = dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1
    if not running and not _launched_by_torchrun():
        if strategy == "auto":
            return None
        raise ValueError(
            f"strategy={strategy!r} needs several processes, but this one runs alone. "
            "Launch the script with torchrun, e.g. `torchrun --nproc_per_node=2 train.py`."
        )
    if not dist.is_initialized():
        _init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    if device is None:
        if torch.cuda.is_available():
            local_rank = int(os.environ.get("LOCAL_RANK", rank % torch.cuda.device_count()))
            device = torch.device("cuda", local_rank)
            torch.cuda.set_device(device)
        else:
            device = torch.device("cpu")
    return ProcessGroup(rank, world_size, device, "ddp" if strategy == "auto" else strategy)


def _destroy_process_group() -> None:
    if dist.is_initialized():
        # All processes leave together: one tearing Gloo down while a peer
        # still uses it can abort that peer at exit.
        dist.barrier()
        dist.destroy_process_group()


def _init_process_group(backend: str) -> None:
    # The group fitwell starts, fitwell also ends at exit: a Gloo group left
    # alive can abort the process while the interpreter shuts down.
    atexit.register(_destroy_process_group)
    restart = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
    if restart == "0" or "MASTER_ADDR" not in os.environ:
        dist.init_process_group(backend=backend)
        return
    # After torchrun restarts the workers (--max-restarts), its store still
    # holds the addresses the previous attempt published; a fresh key prefix
    # per attempt keeps the new processes from dialling dead peers.
    store = dist.TCPStore(
        os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"]), is_master=False, wait_for_workers=False
    )
    dist.init_process_group(
        backend=backend,
        store=dist.PrefixStore(f"fitwell/attempt{restart}", store),
        rank=int(os.environ["RANK"]),
        world_size=int(os.environ["WORLD_SIZE"]),
    )


def is_main_process() -> bool:
    """True on rank 0, and on any process that is not part of a group."""
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def local_bounds(start: int, stop: int, rank: int, world_size: int) -> tuple[int, int]:
    """This rank's contiguous share of the global batch `[start, stop)`.

    Example:
        >>> [local_bounds(0, 10, r, 3) for r in range(3)]
        [(0, 4), (4, 7), (7, 10)]
    """
    quotient, remainder = divmod(stop - start, world_size)
    begin = start + rank * quotient + min(rank, remainder)
    return begin, begin + quotient + (1 if rank < remainder else 0)


def broadcast_permutation(order: torch.Tensor) -> torch.Tensor:
    """Make every process use rank 0's permutation."""
    dist.broadcast(order, src=0)
    return order


def merge_metrics(metrics: list[Metric]) -> None:
    """Combine the states of every process's metrics, in place, through each metric's `merge_state`.

    Merging states, not averaging per-process results, gives the true
    global values: e.g. accuracy is total hits over total samples. Every
    process merges the same states in rank order, so all end up equal, bit
    for bit. A collective call: every process must make it.
    """
    for metric, merged in zip(metrics, merged_copies(metrics), strict=True):
        metric.load_state_dict(merged.state_dict())


def merged_copies(metrics: list[Metric]) -> list[Metric]:
    """Copies of `metrics` holding the states of every process merged (a collective call)."""
    gathered: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(gathered, [metric.state_dict() for metric in metrics])
    copies = []
    for index, metric in enumerate(metrics):
        parts = []
        for states in gathered:
            part = copy.deepcopy(metric)
            part.load_state_dict(states[index])
            parts.append(part)
        merged = copy.deepcopy(metric)
        merged.reset_state()
        merged.merge_state(parts)
        copies.append(merged)
    return copies


def gather_rows(local: torch.Tensor, positions: torch.Tensor, total: int) -> torch.Tensor:
    """Reassemble rows computed on each process into input order, on every process.

    Args:
        local: This process's output rows.
        positions: Their row indices in the full input.
        total: Number of rows in the full input.
    """
    world_size = dist.get_world_size()
    counts = torch.tensor([len(local)], device=local.device)
    all_counts = [torch.zeros_like(counts) for _ in range(world_size)]
    dist.all_gather(all_counts, counts)
    longest = int(max(int(c) for c in all_counts))
    padded = torch.zeros((longest, *local.shape[1:]), dtype=local.dtype, device=local.device)
    padded[: len(local)] = local
    padded_positions = torch.full((longest,), -1, dtype=torch.long, device=local.device)
    padded_positions[: len(positions)] = positions
    rows = [torch.zeros_like(padded) for _ in range(world_size)]
    where = [torch.zeros_like(padded_positions) for _ in range(world_size)]
    dist.all_gather(rows, padded)
    dist.all_gather(where, padded_positions)
    result = torch.zeros((total, *local.shape[1:]), dtype=local.dtype, device=local.device)
    for part, index in zip(rows, where, strict=True):
        keep = index >= 0
        result[index[keep]] = part[keep]
    return result


def wrap(model: torch.nn.Module, group: ProcessGroup) -> Any:
    """The module the training step calls: DDP around the model, or None after sharding it.

    With `strategy="fsdp"` the model's parameters are sharded in place by
    PyTorch's `fully_shard` (FSDP2), and the model itself is called.
    """
    if group.strategy == "fsdp":
        from torch.distributed.fsdp import fully_shard

        fully_shard(model)
        return None
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [group.device.index] if group.device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=device_ids)


def is_sharded(model: torch.nn.Module) -> bool:
    """Whether `model`'s parameters are sharded across processes (FSDP)."""
    from torch.distributed.tensor import DTensor

    return any(isinstance(p, DTensor) for p in model.parameters())


def full_state_dict(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Every parameter and buffer, gathered whole onto the CPU (on every process)."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    return get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=False))


def load_full_state_dict(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Load whole tensors into a sharded model (each process keeps its shard)."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, set_model_state_dict

    set_model_state_dict(model, state, options=StateDictOptions(full_state_dict=True))


class ShardedBatchSampler:
    """Batches of dataset indices for one process: its shard of every global batch.

    Rank 0 draws the epoch's permutation (from torch's global generator) and
    broadcasts it, so every process agrees on the order.

    Args:
        num_samples: Length of the dataset.
        batch_size: The global batch size.
        shuffle: Draw a new permutation every epoch.
        rank: This process's rank.
        world_size: Number of processes.
    """

    def __init__(
        self, num_samples: int, batch_size: int, *, shuffle: bool, rank: int, world_size: int
    ) -> None:
        self.num_samples = num_samples
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rank = rank
        self.world_size = world_size
        #: Global batch sizes of the pass in progress (the loss is scaled by them).
        self.epoch_global_sizes: list[int] = []

    def __len__(self) -> int:
        return -(-self.num_samples // self.batch_size)

    def __iter__(self):  # noqa: ANN204 - an iterator of index lists, as torch expects
        order = torch.arange(self.num_samples)
        if self.shuffle:
            order = broadcast_permutation(torch.randperm(self.num_samples))
        self.epoch_global_sizes = []
        for start in range(0, self.num_samples, self.batch_size):
            stop = min(start + self.batch_size, self.num_samples)
            self.epoch_global_sizes.append(stop - start)
            begin, end = local_bounds(start, stop, self.rank, self.world_size)
            yield order[begin:end].tolist()
