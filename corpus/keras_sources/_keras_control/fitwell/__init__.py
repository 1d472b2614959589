"""Control run: makes `import fitwell` give Keras 3 itself, so each script can also be run on Keras.

`run_all.py` puts the folder above this one first on PYTHONPATH (with KERAS_BACKEND=torch) for the
"Keras 3" column; `fitwell.X` submodules are served as `keras.X`.
"""

import importlib
import importlib.abc
import importlib.util
import sys

import keras


class _KerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.startswith("fitwell."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("keras." + spec.name[len("fitwell.") :])

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _KerasAlias())
sys.modules[__name__] = keras
