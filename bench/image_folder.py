"""Reading a folder of JPEGs: `image_dataset_from_directory` against a plain DataLoader over Pillow.

Usage (from the repository root)::

    python -m bench.image_folder                     # 2,000 JPEGs 64x64, 2 then 0 workers, 5 passes
    python -m bench.image_folder --images 200 --repeats 1   # a smoke test

Both readers decode the same files with the same number of worker
processes and batch size, and shuffle every pass. The plain reader is what
one writes by hand: a `Dataset` whose `__getitem__` opens one file with
Pillow (resizing with Pillow when needed) and returns one tensor, batched
by the default collate. Passes alternate between the two readers; the first
pass of each (which starts the workers) is reported apart from the warm
ones. "own CPU s" is the reading (training) process's own CPU time per
pass: with workers it shows what reading costs the process that trains;
with 0 workers it is all the work, and is less disturbed by other load on
the machine than wall time. Prints a markdown report.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

__all__ = ["main", "make_folder"]


def make_folder(root: Path, images: int, side: int, classes: int = 10) -> list[Path]:
    """`images` JPEGs of `side` x `side` pixels in `classes` sub-folders (smooth shapes plus noise)."""
    from PIL import Image

    rng = np.random.default_rng(0)
    grid = np.linspace(0.0, 1.0, side, dtype=np.float32)
    paths = []
    for index in range(images):
        folder = root / f"class_{index % classes:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        frequency = rng.uniform(1, 6, size=3)
        waves = np.sin(
            np.add.outer(grid * frequency[0], grid * frequency[1])[..., None] * frequency[2]
            + rng.uniform(0, 6, 3)
        )
        pixels = np.clip(127 + 100 * waves + rng.normal(0, 12, size=(side, side, 3)), 0, 255).astype(np.uint8)
        path = folder / f"image_{index:05d}.jpg"
        Image.fromarray(pixels).save(path, quality=90)
        paths.append(path)
    return paths


class PillowFiles(Dataset):
    """The hand-written reader: one file, one tensor, per `__getitem__`."""

    def __init__(self, paths: list[str], labels: list[int], size: int) -> None:
        self.paths, self.labels, self.size = paths, labels, size

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        from PIL import Image

        with Image.open(self.paths[index]) as image:
            image = image.convert("RGB")
            if image.size != (self.size, self.size):
                image = image.resize((self.size, self.size), Image.Resampling.BILINEAR)
            pixels = torch.from_numpy(np.asarray(image, dtype=np.float32))
        return pixels, self.labels[index]


def one_pass(loader) -> tuple[float, float, int]:
    """Wall seconds and this process's CPU seconds for one full pass, and the images seen."""
    start, cpu_start, seen = time.perf_counter(), time.process_time(), 0
    for images, _ in loader:
        seen += len(images)
    return time.perf_counter() - start, time.process_time() - cpu_start, seen


def measure(root: Path, *, size: int, workers: int, batch_size: int, repeats: int) -> dict[str, dict]:
    """First-pass and warm-pass times of both readers, passes interleaved."""
    from fitwell.utils import image_dataset_from_directory

    ours = image_dataset_from_directory(
        root, image_size=(size, size), batch_size=batch_size, seed=0, num_workers=workers, verbose=False
    )
    labels = [int(Path(path).parent.name.split("_")[1]) for path in ours.file_paths]
    plain = DataLoader(
        PillowFiles(ours.file_paths, labels, size),
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
    )
    readers = {"image_dataset_from_directory": ours, "DataLoader + Pillow Dataset": plain}
    results = {name: {"first": 0.0, "warm": [], "cpu": [], "images": 0} for name in readers}
    for name, reader in readers.items():
        results[name]["first"], _, results[name]["images"] = one_pass(reader)
    for _ in range(repeats):
        for name, reader in readers.items():
            wall, cpu, _ = one_pass(reader)
            results[name]["warm"].append(wall)
            results[name]["cpu"].append(cpu)
    return results


def report(results: dict[str, dict], *, size: int, workers: int, batch_size: int) -> str:
    """One markdown table: median warm pass, spread, images/s, ratio to the plain reader."""
    baseline = statistics.median(results["DataLoader + Pillow Dataset"]["warm"])
    lines = [
        f"### image_size {size}x{size}, {workers} workers, batch {batch_size}",
        "",
        "| reader | warm pass s (median) | spread | images/s | × plain | first pass s | own CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        warm = result["warm"]
        median = statistics.median(warm)
        spread = (max(warm) - min(warm)) / median
        lines.append(
            f"| {name} | {median:.3f} | {spread:.0%} | {result['images'] / median:,.0f} | "
            f"**{median / baseline:.2f}** | {result['first']:.3f} | {statistics.median(result['cpu']):.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Generate the folder, time both readers, print the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--side", type=int, default=64, help="side of the generated JPEGs")
    parser.add_argument("--sizes", default="64,96", help="image_size values to read at (comma-separated)")
    parser.add_argument("--workers", default="2,0", help="worker counts to try (comma-separated)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_folder(root, args.images, args.side)
        print("## Reading a folder of JPEGs\n")
        machine = platform.processor() or platform.machine()
        print(
            f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
            f"machine: {machine}, {os.cpu_count()} cores"
        )
        print(f"- torch {torch.__version__}; 1-minute load average at the start: {os.getloadavg()[0]:.1f}")
        print(
            f"- {args.images} JPEGs of {args.side}x{args.side} in 10 class folders; "
            f"{args.repeats} warm passes per reader, interleaved; spread = (max - min) / median; "
            "`× plain` < 1 is faster than the plain reader."
        )
        for workers in (int(value) for value in args.workers.split(",")):
            for size in (int(value) for value in args.sizes.split(",")):
                options = {"size": size, "workers": workers, "batch_size": args.batch_size}
                results = measure(root, repeats=args.repeats, **options)
                print()
                print(report(results, **options))


if __name__ == "__main__":
    main()
