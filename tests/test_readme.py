"""The README's complete example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_complete_readme_example_runs_and_learns(capsys):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    script = next(block for block in blocks if "load_digits" in block)
    namespace: dict = {}
    exec(compile(script, str(README), "exec"), namespace)  # noqa: S102 - our own README
    results = dict(
        zip(
            namespace["model"].metrics_names,
            namespace["model"].evaluate(namespace["x_test"], namespace["y_test"], verbose=0),
            strict=True,
        )
    )
    assert results["accuracy"] > 0.9
    assert "Diagnosis" in capsys.readouterr().out


def test_the_custom_train_step_example_trains_with_its_own_step():
    import numpy as np

    import fitwell

    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    script = next(block for block in blocks if "def train_step" in block)
    rng = np.random.default_rng(0)
    x = rng.random((256, 8), dtype=np.float32)
    y = x @ rng.random((8, 1), dtype=np.float32)
    calls = []
    namespace: dict = {"fitwell": fitwell, "x": x, "y": y}
    script = script.replace("model.fit(x, y, epochs=3)", "history = model.fit(x, y, epochs=3, verbose=0)")
    exec(compile(script, str(README), "exec"), namespace)  # noqa: S102 - our own README
    model = namespace["model"]
    original = type(model).train_step
    type(model).train_step = lambda self, data: calls.append(1) or original(self, data)
    history = model.fit(x, y, epochs=1, verbose=0)
    assert len(calls) == 8  # 256 samples in batches of 32: every step was the README's own
    assert set(namespace["history"].history) == {"loss", "mae", "learning_rate"}
    assert history.history["loss"][0] < namespace["history"].history["loss"][0]


def test_the_four_ways_to_make_a_model_run():
    import torch

    import fitwell

    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    script = next(block for block in blocks if "the functional API" in block)
    namespace: dict = {"fitwell": fitwell, "my_torch_module": torch.nn.Linear(784, 10)}
    exec(compile(script, str(README), "exec"), namespace)  # noqa: S102 - our own README
    x = torch.rand(2, 784)
    assert namespace["model"](x).shape == (2, 10)  # the wrapped module
    assert namespace["MyModel"]()(x).shape == (2, 10)
    assert namespace["outputs"].shape == (None, 10)


def test_the_sample_diagnosis_is_what_the_code_prints(capsys):
    text = README.read_text()
    script = next(
        block
        for block in re.findall(r"```python\n(.*?)```", text, flags=re.S)
        if "diagnose(history)" in block
    )
    printed = re.search(r"prints \(this exact text.*?\n\n```text\n(.*?)```", text, flags=re.S).group(1)
    exec(compile(script, str(README), "exec"), {})  # noqa: S102 - our own README
    assert capsys.readouterr().out == printed
