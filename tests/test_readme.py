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
