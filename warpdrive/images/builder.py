"""`warpdrive builder build`: the builder and runtime images, from builders/ in a
checkout or in the installed package (both ship the same files)."""

from __future__ import annotations

import importlib.metadata
import shutil
import tempfile
from pathlib import Path

import warpdrive
from warpdrive import output, resources
from warpdrive.errors import BadSetting, ImageBuildFailed
from warpdrive.images import engine

# The Debian release whose python3 is each supported Python.
PYTHONS = {"3.11": "debian:bookworm-slim", "3.13": "debian:trixie-slim"}


def default_tag(python: str, target: str) -> str:
    return f"warpdrive-python-{python}" + ("-runtime" if target == "runtime" else "")


def source_tree(target: Path) -> None:
    """A pip-installable copy of the running warpdrive: its package, the data it
    ships, and a small pyproject.toml. Works the same from a checkout or a wheel."""
    package = Path(warpdrive.__file__).resolve().parent
    shutil.copytree(
        package, target / "warpdrive", ignore=shutil.ignore_patterns("__pycache__", "_data")
    )
    for name in resources.NAMES:
        shutil.copytree(
            resources.data_dir(name),
            target / "warpdrive" / "_data" / name,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    requires = [r for r in importlib.metadata.requires("warpdrive") or [] if "extra ==" not in r]
    deps = ",\n".join(f"    {r!r}".replace("'", '"') for r in requires)
    (target / "pyproject.toml").write_text(
        f"""\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "warpdrive"
version = "{warpdrive.__version__}"
requires-python = ">=3.11"
dependencies = [
{deps}
]

[project.scripts]
warpdrive = "warpdrive.cli.entry:main"

[tool.hatch.build.targets.wheel]
packages = ["warpdrive"]
""",
        encoding="utf-8",
    )


def make_context(root: Path) -> Path:
    builders = resources.data_dir("builders")
    shutil.copy2(builders / "Dockerfile", root / "Dockerfile")
    shutil.copytree(resources.data_dir("s2i") / "bin", root / "s2i" / "bin")
    source_tree(root / "warpdrive-src")
    return root


def build(
    python: str,
    base_image: str | None = None,
    tag: str | None = None,
    network: str = "host",
    targets: tuple[str, ...] = ("runtime", "builder"),
) -> list[str]:
    """Build the images; `tag` names the builder (the runtime gets `-runtime` added)."""
    if python not in PYTHONS:
        raise BadSetting("--python", python, "one of " + ", ".join(PYTHONS))
    client = engine.connect()
    built = []
    with tempfile.TemporaryDirectory(prefix="warpdrive-builder-") as tmp:
        context = make_context(Path(tmp))
        for target in targets:
            builder_tag = tag or default_tag(python, "builder")
            name = builder_tag + "-runtime" if target == "runtime" else builder_tag
            output.step(f"Building image {name} (Python {python}, {target})")
            stream = client.api.build(
                path=str(context),
                dockerfile="Dockerfile",
                tag=name,
                target=target,
                buildargs={"BASE_IMAGE": base_image or PYTHONS[python], "PYTHON_VERSION": python},
                network_mode=network,
                rm=True,
                forcerm=True,
                decode=True,
            )
            for event in stream:
                if "stream" in event:
                    output.passthrough(event["stream"])
                elif "error" in event:
                    raise ImageBuildFailed(name, event["error"].strip())
            built.append(name)
    return built
