"""The progress display in a notebook: a 2-epoch fit executed by nbclient, read back from the saved file.

The same training runs twice in one kernel: with ipywidgets importable, and
with its import blocked (as if it were not installed). Either way the saved
notebook must show each epoch's final line, with every value, as text.
"""

from __future__ import annotations

import json
import sys

import pytest

from fitwell.callbacks.progress_display import format_value

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.xdist_group("progress_notebook")  # one worker executes the notebook once

TRAIN = """
import numpy as np
import torch
import fitwell

torch.set_num_threads(1)
fitwell.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(300, 10)).astype("float32")
y = (x @ rng.normal(size=(10, 3))).argmax(axis=1)
model = fitwell.Sequential([
    fitwell.Input(shape=(10,)),
    fitwell.layers.Dense(16, activation="relu"),
    fitwell.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
reduce = fitwell.callbacks.ReduceLROnPlateau(patience=1, min_delta=10, verbose=1)
history = model.fit(x, y, validation_split=0.2, epochs=2, batch_size=20, callbacks=[reduce], diagnose=False)
"""
REPORT = "import json\nprint(json.dumps(history.history))"
VARIANTS = {
    "with ipywidgets": "import ipywidgets  # installed with the test tools",
    "without ipywidgets": "import sys\nsys.modules['ipywidgets'] = None  # any import of it now fails",
}
STEPS = 12  # 240 training samples in batches of 20
DIAGNOSE = "history.diagnose()  # the last expression of a cell: what the notebook shows of it"


@pytest.fixture(scope="module")
def saved_notebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook")
    # A kernel that runs this interpreter (the kernelspec that ipykernel installs says just "python").
    spec = folder / "jupyter" / "kernels" / "fitwell-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "fitwell", "language": "python"})
    )
    cells = []
    for setup in VARIANTS.values():
        cells += [nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(TRAIN)]
        cells.append(nbformat.v4.new_code_cell(REPORT))
    cells.append(nbformat.v4.new_code_cell(DIAGNOSE))
    notebook = nbformat.v4.new_notebook(cells=cells)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder / "jupyter"))
        client = nbclient.NotebookClient(
            notebook, timeout=180, kernel_name="fitwell-test", resources={"metadata": {"path": str(folder)}}
        )
        client.execute()
    path = folder / "run.ipynb"
    nbformat.write(notebook, path)
    return nbformat.read(path, as_version=4)


def texts(outputs) -> list[tuple[str, str]]:
    """Each output as (kind, plain text)."""
    found = []
    for output in outputs:
        if output.output_type == "stream":
            found.append(("stream", output.text))
        elif output.output_type in ("display_data", "execute_result"):
            found.append(("display", output.data.get("text/plain", "")))
    return found


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_saved_notebook_shows_each_epochs_final_line_with_every_value(saved_notebook, variant):
    first = 3 * list(VARIANTS).index(variant)
    setup, train, report = saved_notebook.cells[first : first + 3]
    assert not any(output.output_type == "error" for output in setup.outputs + train.outputs)
    history = json.loads(report.outputs[0].text)
    shown = texts(train.outputs)
    everything = "\n".join(text for _, text in shown)
    assert "\r" not in everything and "\x1b" not in everything
    assert "elapsed" not in everything and "ETA" not in everything  # no running line was left
    displays = [text for kind, text in shown if kind == "display"]
    assert len(displays) == 2, shown
    for epoch, text in enumerate(displays):
        header, final = text.split("\n")
        assert header == f"Epoch {epoch + 1}/2"
        assert final.startswith(f"{STEPS}/{STEPS} ━━━━━━━━━━━━━━━━━━━━ ")
        for key, values in history.items():
            assert f" - {key}: {format_value(values[epoch])}" in final, (key, final)
    html = [output.data["text/html"] for output in train.outputs if output.output_type == "display_data"]
    assert all("val_accuracy: " in page and "<pre" in page for page in html)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_callback_message_follows_its_epochs_output(saved_notebook, variant):
    first = 3 * list(VARIANTS).index(variant)
    shown = texts(saved_notebook.cells[first + 1].outputs)
    kinds = [kind for kind, _ in shown]
    message = next(i for i, (kind, text) in enumerate(shown) if "ReduceLROnPlateau" in text)
    assert shown[message] == ("stream", "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.0001.\n")
    assert kinds.index("display") < message and message == len(shown) - 1


def test_a_diagnosis_shows_as_its_report(saved_notebook):
    (kind, text), *_ = texts(saved_notebook.cells[-1].outputs)
    assert kind == "display" and text.startswith("Diagnosis of 2 epochs:\n  · still_improving: ")
    assert "Finding(" not in text and "\n      → Train longer" in text
