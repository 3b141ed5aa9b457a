"""Builds nabla's Python package for pip: CMake configures the whole source
tree (one level up) for this interpreter, builds the extension nabla._nabla
(with the C++ library linked in statically), and setuptools installs it with
the pure-Python package beside it.

    python3 -m pip install --no-build-isolation ./python      # from the source tree

Environment: NABLA_CMAKE_BUILD_DIR=DIR reuses an existing, configured build
directory (only `cmake --build DIR --target _nabla` runs; the test suite uses
this to avoid a second build); NABLA_NATIVE=OFF builds for any x86-64 CPU;
NABLA_BUILD_JOBS=N sets the build's parallelism (default: all cores).
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cpp_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(nabla VERSION ([0-9.]+)", text)
    if not match:
        raise RuntimeError("nabla setup.py: no 'project(nabla VERSION ...)' in " + str(ROOT / "CMakeLists.txt"))
    return match.group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        reuse = os.environ.get("NABLA_CMAKE_BUILD_DIR")
        build_dir = Path(reuse).resolve() if reuse else Path(self.build_temp).resolve() / "cmake"
        if not (reuse and (build_dir / "CMakeCache.txt").exists()):
            configure = ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                         f"-DPython_EXECUTABLE={sys.executable}", "-DNABLA_BUILD_TESTS=OFF",
                         "-DNABLA_NATIVE=" + os.environ.get("NABLA_NATIVE", "ON")]
            if shutil.which("ninja"):
                configure += ["-G", "Ninja"]
            subprocess.check_call(configure)
        jobs = os.environ.get("NABLA_BUILD_JOBS", str(os.cpu_count() or 1))
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_nabla", "-j", jobs])
        built = sorted((build_dir / "python" / "nabla").glob("_nabla*.so"))
        if not built:
            raise RuntimeError(f"nabla setup.py: the build in {build_dir} made no _nabla extension")
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(
    name="nabla",
    version=cpp_version(),
    description="A C++17 symbolic autodiff tensor framework in the style of Theano",
    python_requires=">=3.8",
    install_requires=["numpy"],
    packages=find_packages(where=str(HERE), include=["nabla", "nabla.*"]),
    package_dir={"": "."},
    ext_modules=[Extension("nabla._nabla", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
