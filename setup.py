"""Build hook: ship the VBA sources in ``macros/`` inside the package as ``xlsxtools/_macros``.

``macros/`` stays the one place the VBA lives (reviewed as plain .bas/.cls text); an installed
(non-editable) package still needs it to put the VBA project into the workbooks it writes.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithMacros(build_py):
    def run(self) -> None:
        super().run()
        src = Path(__file__).parent / "macros"
        dst = Path(self.build_lib) / "xlsxtools" / "_macros"
        dst.mkdir(parents=True, exist_ok=True)
        for f in sorted(src.iterdir()):
            if f.suffix in (".bas", ".cls"):
                shutil.copy2(f, dst / f.name)


setup(cmdclass={"build_py": BuildPyWithMacros})
