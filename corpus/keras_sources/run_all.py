"""Run every ported Keras source on fitwell (and on Keras 3 as a control); write RESULTS.md.

Usage: python corpus/keras_sources/run_all.py [--timeout 300] [--only name ...] [--no-control]

Each script runs in its own subprocess, in an empty temporary directory, with a timeout. The
first error is the last line of the traceback; "where" is the script's own line that raised it.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

TF_DOCS = "https://github.com/tensorflow/docs/blob/master/site/en/tutorials/"
KERAS_IO = "https://github.com/keras-team/keras-io/blob/master/"
DLWP = "https://github.com/fchollet/deep-learning-with-python-notebooks/blob/master/"

SOURCES = [
    ("tf_quickstart_beginner", TF_DOCS + "quickstart/beginner.ipynb"),
    ("tf_classification", TF_DOCS + "keras/classification.ipynb"),
    ("tf_regression", TF_DOCS + "keras/regression.ipynb"),
    ("tf_overfit_and_underfit", TF_DOCS + "keras/overfit_and_underfit.ipynb"),
    ("tf_save_and_load", TF_DOCS + "keras/save_and_load.ipynb"),
    ("tf_text_classification", TF_DOCS + "keras/text_classification.ipynb"),
    ("tf_images_cnn", TF_DOCS + "images/cnn.ipynb"),
    ("tf_images_classification", TF_DOCS + "images/classification.ipynb"),
    ("tf_generative_autoencoder", TF_DOCS + "generative/autoencoder.ipynb"),
    ("kio_mnist_convnet", KERAS_IO + "examples/vision/mnist_convnet.py"),
    ("kio_oxford_pets_segmentation", KERAS_IO + "examples/vision/oxford_pets_image_segmentation.py"),
    ("kio_timeseries_weather_forecasting", KERAS_IO + "examples/timeseries/timeseries_weather_forecasting.py"),
    ("kio_timeseries_transformer", KERAS_IO + "examples/timeseries/timeseries_classification_transformer.py"),
    (
        "kio_structured_data_from_scratch",
        KERAS_IO + "examples/structured_data/structured_data_classification_from_scratch.py",
    ),
    ("kio_imbalanced_classification", KERAS_IO + "examples/structured_data/imbalanced_classification.py"),
    ("kio_collaborative_filtering", KERAS_IO + "examples/structured_data/collaborative_filtering_movielens.py"),
    ("kio_text_classification_from_scratch", KERAS_IO + "examples/nlp/text_classification_from_scratch.py"),
    ("kio_bidirectional_lstm_imdb", KERAS_IO + "examples/nlp/bidirectional_lstm_imdb.py"),
    ("kio_guide_functional_api", KERAS_IO + "guides/functional_api.py"),
    ("kio_guide_training_builtin", KERAS_IO + "guides/training_with_built_in_methods.py"),
    ("kio_guide_custom_train_step_torch", KERAS_IO + "guides/custom_train_step_in_torch.py"),
    ("kio_guide_subclassing", KERAS_IO + "guides/making_new_layers_and_models_via_subclassing.py"),
    ("kio_guide_writing_callbacks", KERAS_IO + "guides/writing_your_own_callbacks.py"),
    ("kio_guide_transfer_learning", KERAS_IO + "guides/transfer_learning.py"),
    ("dlwp_ch04_getting_started", DLWP + "chapter04_getting-started-with-neural-networks.ipynb"),
]

# First-error text -> the missing feature it points to (first match wins).
FEATURES = [
    (r"No module named 'tensorflow'|requires the tensorflow module",
     "TensorFlow code kept in the source (tf.data pipeline / tf.* ops): outside the name swap"),
    (r"has no attribute '(LSTM|GRU|SimpleRNN|Bidirectional|RNN|LSTMCell|GRUCell|TimeDistributed)'",
     "recurrent layers (LSTM/GRU/Bidirectional)"),
    (r"has no attribute 'MultiHeadAttention'|has no attribute 'Attention'", "attention layers (MultiHeadAttention)"),
    (r"has no attribute 'applications'|No module named 'fitwell.applications'",
     "keras.applications (model builders such as Xception, VGG19)"),
    (r"has no attribute 'text_dataset_from_directory'", "utils.text_dataset_from_directory"),
    (r"has no attribute '(take|map|cache|prefetch|shuffle|batch|unbatch|cardinality)'",
     "tf.data-style methods (take/map/cache/prefetch) on fitwell's datasets"),
    (r"has no attribute 'preprocessing'|No module named 'fitwell.preprocessing",
     "the legacy keras.preprocessing namespace (preprocessing.image, preprocessing.timeseries_...)"),
    (r"has no attribute 'backend'", "keras.backend (clear_session, get_value, std, ...)"),
    (r"has no attribute 'schedules'", "optimizers.schedules (learning-rate schedules)"),
    (r"has no attribute 'add_metric'", "Layer.add_metric / Model.add_metric (removed in Keras 3)"),
    (r"has no attribute '(load_img|img_to_array|array_to_img)'", "utils.load_img / img_to_array / array_to_img"),
    (r"Can't call numpy\(\) on Tensor that requires grad",
     "calling a model directly returns a torch tensor that tracks gradients, so `.numpy()` fails"),
    (r"NaN or Inf", "fitwell's NaN/Inf input check (deliberate: the source's data has NaN)"),
    (r"\.ckpt|SavedModel|saved_model|\.weights\.h5|must end in|file extension",
     "saving-format rules (`.ckpt` / SavedModel names from TF 2.x)"),
    (r"pad_sequences", "utils.pad_sequences"),
    (r"np\.Inf|attribute 'Inf'", "source uses `np.Inf` (removed in NumPy 2): not a fitwell gap"),
    (r"value\.grad|has no attribute 'value'", "`variable.value.grad` in a torch train_step"),
    (r"TensorBoard|tensorboard", "TensorBoard callback"),
    (r"timed out", "too slow (timeout)"),
]


def classify(error: str) -> str:
    for pattern, feature in FEATURES:
        if re.search(pattern, error):
            return feature
    return ""


def first_error(stderr: str, script: Path):
    """The exception line and the script's own line where it was raised."""
    lines = stderr.strip().splitlines()
    error, where = "", ""
    if "Traceback (most recent call last)" in stderr:
        tb_start = max(i for i, line in enumerate(lines) if line.startswith("Traceback"))
        tail = lines[tb_start:]
        for i, line in enumerate(tail):
            if line.strip().startswith(f'File "{script}"'):
                m = re.search(r"line (\d+)", line)
                code = tail[i + 1].strip() if i + 1 < len(tail) else ""
                where = f"line {m.group(1)}: `{code}`" if m else ""
        exc_lines = [line for line in tail[1:] if line and not line.startswith(" ")]
        error = exc_lines[-1] if exc_lines else tail[-1]
    elif lines:
        error = lines[-1]
    return error.strip(), where


def run_one(script: Path, timeout: int, control: bool):
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "Agg"
    if control:
        env["PYTHONPATH"] = str(HERE / "_keras_control")
        env["KERAS_BACKEND"] = "torch"
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="keras_source_") as cwd:
        try:
            proc = subprocess.run(
                [sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return {"ran": False, "error": f"timed out after {timeout} s", "where": "", "log": "", "seconds": timeout}
    seconds = time.monotonic() - start
    if proc.returncode == 0:
        return {"ran": True, "error": "", "where": "", "log": "", "seconds": seconds}
    error, where = first_error(proc.stderr, script)
    return {"ran": False, "error": error, "where": where, "log": proc.stderr[-6000:], "seconds": seconds}


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--no-control", action="store_true")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--raw", default=str(HERE / "results.json"), help="raw results, reused by --render-only")
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from --raw without running")
    args = parser.parse_args()

    sources = [s for s in SOURCES if not args.only or s[0] in args.only]
    if args.render_only:
        raw = json.loads(Path(args.raw).read_text())
        meta = raw["meta"]
        results = [(r["name"], r["url"], r["fitwell"], r["keras"], classify(r["fitwell"]["error"]) if not r["fitwell"]["ran"] else "")
                   for r in raw["results"]]
    else:
        meta = {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "timeout": args.timeout,
            "commit": git("rev-parse", "HEAD"),
            "dirty": [line for line in git("status", "--porcelain").splitlines() if line.strip()],
        }
        results = []
        for name, url in sources:
            script = HERE / f"{name}.py"
            fw = run_one(script, args.timeout, control=False)
            kc = None if args.no_control else run_one(script, args.timeout, control=True)
            feature = "" if fw["ran"] else classify(fw["error"])
            results.append((name, url, fw, kc, feature))
            status = "ran" if fw["ran"] else "FAILED"
            kstat = "" if kc is None else (" | keras: ran" if kc["ran"] else f" | keras: FAILED {kc['error'][:80]}")
            print(f"{name}: {status} {fw['error'][:120]} ({fw['seconds']:.0f} s){kstat}", flush=True)
        meta["commit_at_end"] = git("rev-parse", "HEAD")
        meta["dirty_at_end"] = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
        Path(args.raw).write_text(json.dumps(
            {"meta": meta, "results": [{"name": n, "url": u, "fitwell": f, "keras": k} for n, u, f, k, _ in results]},
            indent=1))

    import importlib.metadata  # noqa: PLC0415

    import torch  # noqa: PLC0415

    try:
        keras_version = importlib.metadata.version("keras")
    except importlib.metadata.PackageNotFoundError:
        keras_version = "not installed"
    n_ran = sum(r[2]["ran"] for r in results)
    n_keras = sum(1 for r in results if r[3] is not None and r[3]["ran"])
    both = [r for r in results if r[3] is not None and r[3]["ran"]]
    n_ran_of_both = sum(r[2]["ran"] for r in both)

    out = []
    out.append("# Real Keras sources on fitwell after the name swap: results\n")
    out.append(f"- Date: {meta['date']}")
    out.append(
        f"- Machine: {platform.node()}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, torch {torch.__version__}, control Keras {keras_version} (torch backend)"
    )
    out.append(
        f"- fitwell commit: `{meta['commit']}` (`git rev-parse HEAD` when the run started)"
        + (f", plus uncommitted changes in {len(meta['dirty'])} paths of the working tree" if meta["dirty"] else "")
    )
    if meta.get("commit_at_end") != meta["commit"] or meta.get("dirty_at_end") != meta["dirty"]:
        out.append(
            f"- Warning: the working tree changed during the run (HEAD at the end: `{meta.get('commit_at_end')}`, "
            f"{len(meta.get('dirty_at_end', []))} uncommitted paths)"
        )
    out.append(f"- Command: `python corpus/keras_sources/run_all.py` (timeout {meta['timeout']} s per script)\n")
    out.append(f"**{n_ran} of {len(results)} ran** on fitwell.")
    if not args.no_control:
        out.append(
            f"Control: {n_keras} of {len(results)} ran on Keras 3 itself (torch backend, no TensorFlow); "
            f"of those {n_keras}, fitwell ran {n_ran_of_both}.\n"
        )
    out.append("Sources, reasons and the exact changes to each: `SOURCES.md` and each script's docstring.\n")
    out.append("| # | source | fitwell | first error on fitwell (type: message) | where | missing feature | Keras 3 control |")
    out.append("|---|--------|---------|-----------------------------------------|-------|-----------------|-----------------|")
    for i, (name, url, fw, kc, feature) in enumerate(results, 1):
        k = "—" if kc is None else ("ran" if kc["ran"] else "failed: " + md_cell(kc["error"][:160]))
        out.append(
            f"| {i} | [{name}]({url}) | {'ran' if fw['ran'] else '**failed**'} | {md_cell(fw['error'][:300])} | "
            f"{md_cell(fw['where'][:160])} | {md_cell(feature)} | {k} |"
        )
    out.append("")
    counts = {}
    for *_, fw, _, feature in [(r[0], r[1], r[2], r[3], r[4]) for r in results]:
        if not fw["ran"]:
            counts[feature or "(unclassified)"] = counts.get(feature or "(unclassified)", 0) + 1
    out.append("## Missing features, by how many sources they stop (first error only)\n")
    for feature, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        out.append(f"- {n}: {feature}")
    out.append("")
    out.append("## Error logs (tail of stderr, fitwell run)\n")
    for name, _, fw, _, _ in results:
        if not fw["ran"]:
            out.append(f"### {name}\n\n```\n{fw['log'][-2500:]}\n```\n")
    Path(args.output).write_text("\n".join(out) + "\n")
    print(f"{n_ran} of {len(results)} ran; wrote {args.output}")


if __name__ == "__main__":
    main()
