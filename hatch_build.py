"""Build hook: an editable install (``uv sync``) exposes ``confirmcheck_webhook`` too.

The wheel installs the repository's ``webhook/`` folder as ``confirmcheck_webhook``
(``sources`` in pyproject.toml). Hatchling's editable installs cannot rename a
folder, so for them this hook adds one small module, ``confirmcheck_webhook.py``,
that loads ``webhook/__init__.py`` from the checkout under the installed name; the
package's submodules then come from the checkout as well, and edits show at once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NAME = "confirmcheck_webhook"
LOADER = '''"""{name}, in an editable install: the checkout's {folder} package."""

import importlib.util
import sys

if __name__ == "__main__":
    # python -m {name}: import the package (this file, under its name) and run
    # the package's __main__.
    import runpy

    runpy.run_module("{name}.__main__", run_name="__main__", alter_sys=True)
else:
    _spec = importlib.util.spec_from_file_location(__name__, {init!r})
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[__name__] = _module
    _spec.loader.exec_module(_module)
'''


class EditableWebhookHook(BuildHookInterface):
    """Adds the loader module to editable wheels; standard wheels are untouched."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            return
        folder = Path(self.root) / "webhook"
        self._scratch = tempfile.TemporaryDirectory(prefix="confirmcheck-build-")
        loader = Path(self._scratch.name) / f"{NAME}.py"
        loader.write_text(
            LOADER.format(
                name=NAME, folder="webhook/", init=str(folder / "__init__.py")
            ),
            encoding="utf-8",
        )
        build_data["force_include_editable"][str(loader)] = f"{NAME}.py"

    def finalize(
        self, version: str, build_data: dict[str, Any], artifact_path: str
    ) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            scratch.cleanup()
