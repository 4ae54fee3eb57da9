""".s2iignore as the standard s2i tool reads it: globs relative to the source root,
`*` within one path segment, `!` exceptions, a matched directory leaves out all of it."""

from __future__ import annotations

import io
import tarfile

import pytest

from warpdrive.images.upload import ignore_rules, ignored, write_upload

RULES = "# comment\nsecrets\n*.log\n!keep.log\nlogs/*.txt\n/build/\n"


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        ("secrets", True),
        ("secrets/key", True),  # inside a left-out directory
        ("debug.log", True),
        ("keep.log", False),  # the exception
        ("sub/debug.log", False),  # `*` does not cross a `/`
        ("logs/a.txt", True),
        ("logs/deeper/a.txt", False),
        ("build/lib/x.py", True),  # leading and trailing slashes are the root's
        ("app.py", False),
        ("notsecrets", False),
    ],
)
def test_patterns(tmp_path, path, left_out):
    (tmp_path / ".s2iignore").write_text(RULES)
    assert ignored(path, ignore_rules(tmp_path)) is left_out


def test_upload_leaves_out_git_and_ignored_files_and_keeps_links_as_links(tmp_path):
    src = tmp_path / "src"
    (src / ".git").mkdir(parents=True)
    (src / ".git/config").write_text("[core]\n")
    (src / "secrets").mkdir()
    (src / "secrets/key").write_text("no")
    (src / "app.py").write_text("x = 1\n")
    (src / ".s2iignore").write_text("secrets\n")
    (src / "passwd").symlink_to("/etc/passwd")
    (src / "etc").symlink_to("/etc")
    out = io.BytesIO()
    write_upload(src, out)
    out.seek(0)
    with tarfile.open(fileobj=out) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert "src/app.py" in members
    assert not [n for n in members if ".git/" in n or n.startswith("src/secrets")]
    assert members["src/passwd"].issym() and members["src/passwd"].linkname == "/etc/passwd"
    assert members["src/etc"].issym()
    assert not [n for n in members if n.startswith("src/etc/")]  # not followed
