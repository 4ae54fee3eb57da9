"""Values for property tests that would run a command if any shell interpreted them:
arbitrary text, shell metacharacters, and injection attempts that create MARK."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import strategies as st

MARK = Path(tempfile.gettempdir()) / f"warpdrive-injected-{os.getpid()}"
# Commands that would create MARK if a shell ran them, in the forms a shell would run.
INJECTIONS = [
    f"$(touch {MARK})",
    f"`touch {MARK}`",
    f";touch {MARK};",
    f"\ntouch {MARK}\n",
    f"|touch {MARK}",
    f"&& touch {MARK}",
    f"'; touch {MARK}; '",
    f'"; touch {MARK}; "',
    f"'$(touch {MARK})'",
    f"${{IFS}}touch${{IFS}}{MARK}",
    f"$(touch${{IFS}}{MARK})",
    f"\\'; touch {MARK}; \\'",
    f"(touch {MARK})",
    f"; and touch {MARK}",  # fish
    f"; or touch {MARK}; #",
]
# Characters with a meaning to some shell, and characters Python alone calls line breaks.
SPECIAL = [
    *" \t\n'\"\\$`;&|<>(){}[]*?!#~=%^,:@-",
    *("\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"),
    *("é", "☃", "\U0001f600"),
]
CHARS = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
)


def hostile(chars=CHARS, max_size=12):
    """Arbitrary text, often wrapped around an injection attempt."""
    text = st.text(chars, max_size=max_size)
    injected = st.builds(lambda a, i, b: a + i + b, text, st.sampled_from(INJECTIONS), text)
    return st.one_of(injected, text)
