"""Every relative link in the repository's Markdown leads somewhere: the file (or
directory) exists inside the repository, and a `#anchor` names a heading of the target
as GitHub renders it. External (http, https, mailto) links are not checked. Every doc is
reachable from README.md, and no file cites a document outside the repository."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.support import ROOT

# Not the project's docs: tool caches, environments, git-ignored output, test inputs.
SKIP_DIRS = {"build", "dist", "node_modules", "__pycache__"}
SKIP_PATHS = {ROOT / "tests" / "fixtures", ROOT / "benchmarks" / "work"}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A code span may wrap onto the next line but never crosses a blank line (a new paragraph).
CODE_SPAN = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)", re.S)
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# [text](target "title"), text possibly holding [brackets]; images too.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"  # [text]
    r"\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"  # (target "title")
)
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)>?", re.M)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)=["']([^"']*)["']""", re.I)
HTML_ID = re.compile(r"""<[a-z][^>]*?\b(?:id|name)=["']([^"']+)["']""", re.I)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def project_files(root: Path, pattern: str = "*") -> list[Path]:
    """The repository's own files matching `pattern`: everything outside dot-directories
    (.git, .venv, caches; .ci is the project's), build output, benchmark work
    directories and test fixtures."""
    skip = {p.relative_to(ROOT) for p in SKIP_PATHS}
    found = []
    for path in sorted(root.rglob(pattern)):
        rel = path.relative_to(root)
        parts = rel.parts[:-1]
        if any(
            (p.startswith(".") and p != ".ci") or p in SKIP_DIRS or p.endswith(".egg-info")
            for p in parts
        ):
            continue
        if any(rel.is_relative_to(s) for s in skip) or not path.is_file():
            continue
        found.append(path)
    return found


def markdown_files(root: Path) -> list[Path]:
    return project_files(root, "*.md")


def prose(text: str) -> str:
    """The text with fenced code blocks and code spans blanked out (same length, same
    line breaks), so that links and headings inside code are not taken for real ones."""
    lines = text.split("\n")
    fence = None
    for i, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            lines[i] = ""
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            lines[i] = ""
    return CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))


def base_slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: the rendered text (code spans and links
    as their text), lower-cased, punctuation and symbols dropped except `-` and `_`,
    each space a `-`."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links, images: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    kept = []
    for ch in text.strip().lower():
        category = unicodedata.category(ch)
        if ch in "-_ " or category[0] in "LNM" or category == "Pc":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor of a Markdown file: heading slugs, numbered as GitHub numbers
    repeated ones (`x`, `x-1`, `x-2`), and explicit HTML ids."""
    counts: dict[str, int] = {}
    found = set()
    code_free = prose(text)
    for raw, blanked in zip(text.split("\n"), code_free.split("\n"), strict=True):
        if not HEADING.match(blanked):
            continue  # code spans are blanked only to keep `#` in code from matching
        title = HEADING.match(raw).group(1)
        slug = original = base_slug(title)
        while slug in counts:
            counts[original] += 1
            slug = f"{original}-{counts[original]}"
        counts[slug] = 0
        found.add(slug)
    found.update(HTML_ID.findall(code_free))
    return found


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every link and image in the Markdown text."""
    code_free = prose(text)
    found = []
    for pattern in (INLINE_LINK, REFERENCE, HTML_LINK):
        for match in pattern.finditer(code_free):
            line = code_free.count("\n", 0, match.start(1)) + 1
            found.append((line, match.group(1)))
    return sorted(found)


def resolve(source: Path, target: str, root: Path) -> tuple[Path | None, str | None, str]:
    """(file or None for external, anchor or None, problem or "")."""
    if SCHEME.match(target) or target.startswith("//"):
        return None, None, ""
    path_part, _, anchor = target.partition("#")
    path = (source.parent / unquote(path_part)).resolve() if path_part else source
    if not path.is_relative_to(root.resolve()):
        return path, None, "points outside the repository"
    if not path.exists():
        return path, None, "no such file"
    return path, unquote(anchor) if "#" in target else None, ""


def problems(root: Path) -> list[str]:
    """Every broken relative link under `root`, as `file:line: target: what is wrong`."""
    cache: dict[Path, set[str]] = {}
    found = []
    for source in markdown_files(root):
        for line, target in links(source.read_text(encoding="utf-8")):
            where = f"{source.relative_to(root)}:{line}: {target or '(empty)'}"
            if not target:
                found.append(f"{where}: empty link target")
                continue
            path, anchor, problem = resolve(source, target, root)
            if problem:
                found.append(f"{where}: {problem}")
            elif anchor is not None and path.suffix == ".md":
                if path not in cache:
                    cache[path] = anchors(path.read_text(encoding="utf-8"))
                if anchor not in cache[path]:
                    found.append(f"{where}: no heading with the anchor #{anchor}")
    return found


def unreachable(root: Path, start: Path) -> list[str]:
    """The Markdown files that no chain of links from `start` reaches."""
    seen = {start}
    todo = [start]
    while todo:
        source = todo.pop()
        for _, target in links(source.read_text(encoding="utf-8")):
            path, _, problem = resolve(source, target, root)
            if path and not problem and path.suffix == ".md" and path not in seen:
                seen.add(path)
                todo.append(path)
    return [str(p.relative_to(root)) for p in markdown_files(root) if p not in seen]


def test_every_relative_link_and_anchor_in_the_docs_resolves():
    files = {str(p.relative_to(ROOT)) for p in markdown_files(ROOT)}
    assert {"README.md", "docs/images.md", "benchmarks/README.md"} <= files
    broken = problems(ROOT)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_doc_is_reachable_from_the_readme():
    missing = unreachable(ROOT, ROOT / "README.md")
    assert not missing, "not linked from README.md (directly or through other docs): " + (
        ", ".join(missing)
    )


def test_the_readme_docs_table_links_every_page_of_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `docs/` |"))
    linked = {target.partition("#")[0] for _, target in links(row)}
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages - linked == set()


# Citations of documents that are not in the repository: the rules they stand for are
# written in the project's own docs, and code and docs point there.
OUTSIDE = re.compile(r"SPEC\s*§|§\s*\d|S2I-CONTRACT|ENVIRONMENT\.md|\.\./shared/|\bissue #?\d+")


def test_nothing_cites_documents_outside_the_repository():
    found = []
    for path in project_files(ROOT):
        if path == Path(__file__).resolve() or path.suffix in (".pyc", ".sqlite3"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            # CI's set-up runs third-party tools from beside the checkout (it builds the
            # standard s2i command there): running a tool is not citing a document.
            if path == ROOT / ".ci" / "run" and "../shared/tools/" in line:
                continue
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "cites a document outside the repository:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        # Headings of this repository's docs and the anchors GitHub gives them.
        ("Choices made", "choices-made"),
        (
            "Environment: `.s2i/environment`, `--env` and `--build-env`",
            "environment-s2ienvironment---env-and---build-env",
        ),
        ("Two-stage builds: `--runtime-image`", "two-stage-builds---runtime-image"),
        (
            "Generations: a failed build changes nothing",
            "generations-a-failed-build-changes-nothing",
        ),
        ("`MOD_WSGI_*` variables", "mod_wsgi_-variables"),
        ("1. Push the builder images", "1-push-the-builder-images"),
        ("Processes: the exec chain", "processes-the-exec-chain"),
        ("warpdrive 0.34.0, the original", "warpdrive-0340-the-original"),
        ("See [the docs](docs/x.md) ≤ now", "see-the-docs--now"),
        ("Café au lait", "café-au-lait"),
    ],
)
def test_slugs_are_githubs(heading, slug):
    assert base_slug(heading) == slug


def test_the_check_reports_each_broken_link_with_its_file_line_and_target(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "README.md").write_text(
        "# Project\n"
        "\n"
        "See [the guide](docs/guide.md#install) and [later](docs/guide.md#usage-1),\n"
        "[a missing page](docs/gone.md), [a missing section](docs/guide.md#not-yet),\n"
        "[a wrapped\n"
        "link](#project), [outside](../elsewhere.md), [the web](https://example.org/x#y).\n"
        "\n"
        "```sh\n"
        "[not a link](nowhere.md)\n"
        "```\n"
        "`[not a link either](nowhere.md)`\n"
        "\n"
        "[ref]: docs/guide.md#nothing-here\n",
        encoding="utf-8",
    )
    (docs / "guide.md").write_text(
        "# Guide\n\n## Install\n\n## Usage\n\n## Usage\n\n```\n# Not yet\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "orphan.md").write_text("# Orphan\n", encoding="utf-8")

    assert problems(tmp_path) == [
        "README.md:4: docs/gone.md: no such file",
        "README.md:4: docs/guide.md#not-yet: no heading with the anchor #not-yet",
        "README.md:6: ../elsewhere.md: points outside the repository",
        "README.md:13: docs/guide.md#nothing-here: no heading with the anchor #nothing-here",
    ]
    assert unreachable(tmp_path, tmp_path / "README.md") == ["orphan.md"]
