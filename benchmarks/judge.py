"""Comparisons between figures of the run, and the targets warpdrive sets for itself
(benchmarks/README.md, "Targets"), judged honestly: a target whose figures are missing
is "not measured".

Everything here works from the figures alone, so a saved results.json can be judged
again (`python -m benchmarks.run --from-json FILE`) without measuring anything."""

from __future__ import annotations

from benchmarks.context import ASGI_SERVERS, WSGI_SERVERS
from benchmarks.results import Figure, Results
from benchmarks.tuning import WAIT_MS, describe, paired

# Rows of the table against the original: (title, figure key); ours is KEY.ours
# unless named in `ours` below, the original's is always KEY.original.
VERSUS = [
    ("activate an existing env", "activate.existing"),
    ("activate a new env", "activate.new"),
    ("cold build", "build.cold"),
    ("no-op rebuild", "build.noop"),
    ("start to first 200", "start"),
    ("requests/s at defaults", "rps.django"),
    ("requests/s at defaults, server on CPUs apart from wrk's", "rps.django-apart"),
    ("exit after SIGTERM when idle", "stop"),
]


def measured(results: Results, id: str) -> Figure | None:
    figure = results.figures.get(id)
    return figure if figure is not None and figure.measured else None


def median(results: Results, id: str) -> float | None:
    figure = measured(results, id)
    return figure.median if figure else None


def comparisons(results: Results, auto: str, servers: tuple[str, ...]) -> list[dict]:
    """The comparisons and targets of benchmarks/README.md; returns the rows against the
    original."""
    compare = results.compare
    compare("uv-pip", "cold build: uv / pip", "build.cold.uv", "build.cold.pip")
    compare("noop-cold", "no-op rebuild / cold build (uv)", "build.noop.ours", "build.cold.uv")
    compare("s2i", "s2i after a source change: incremental / clean", "s2i.incremental", "s2i.clean")
    compare(
        "s2i-standard",
        "standard s2i after a source change: --incremental / clean",
        "s2i.incremental.standard",
        "s2i.clean.standard",
    )
    compare(
        "rps-runserver",
        "requests/s, WSGI: auto / Django runserver",
        f"rps.wsgi.auto.{auto}",
        "rps.wsgi.runserver",
    )
    if auto != "granian":
        compare(
            "rps-granian",
            f"requests/s, WSGI: granian / {auto} (auto), each at auto settings",
            "rps.wsgi.auto.granian",
            f"rps.wsgi.auto.{auto}",
        )
    for kind, servers_of_kind in (("wsgi", WSGI_SERVERS), ("asgi", ASGI_SERVERS)):
        for server in servers_of_kind:
            compare(
                f"rps-{kind}-{server}",
                f"requests/s, {kind.upper()}: {server} auto / best hand-tuned",
                f"rps.{kind}.auto.{server}",
                f"rps.{kind}.tuned.{server}",
            )
    for server in WSGI_SERVERS:
        if f"rps.wsgi-wait.auto.{server}" in results.figures:
            compare(
                f"rps-wsgi-wait-{server}",
                f"requests/s, WSGI example waiting {WAIT_MS} ms a request: {server} auto / "
                "the best hand-tuned for the WSGI example",
                f"rps.wsgi-wait.auto.{server}",
                f"rps.wsgi-wait.tuned.{server}",
            )
    compare(
        "size-two-stage",
        "app image size: two-stage / builder-based",
        "size.app-two-stage",
        "size.app",
    )
    for server in servers:
        if server != auto:
            compare(
                f"start-{server}",
                f"start to first 200: {server} / {auto} (auto)",
                f"start.{server}",
                f"start.{auto}",
            )
    ours = {"build.cold": "build.cold.uv", "stop": f"stop.{auto}"}
    rows = []
    for title, key in VERSUS:
        # Start is compared for every server: each against the original's mod_wsgi.
        sides = [(f"{title}, {s}", f"start.{s}", f"{key}.{s}") for s in servers]
        if key != "start":
            sides = [(title, ours.get(key, f"{key}.ours"), key)]
        for row_title, ours_id, id_key in sides:
            original_id, id = f"{key}.original", f"vs-original.{id_key}"
            compare(id, f"{row_title}: warpdrive / original", ours_id, original_id)
            row = {"title": row_title, "ours": ours_id, "original": original_id, "comparison": id}
            rows.append(row)
    return rows


def start_target(results: Results, servers: tuple[str, ...]) -> None:
    """Start to first 200 against the original's, for every server: the highest ratio
    is judged."""
    goal = "≤ 80% of the original's, every server"
    title = "start to first 200 (every server)"
    shares = {}
    for server in servers:
        found = [c for c in results.comparisons if c.id == f"vs-original.start.{server}"]
        if found and found[0].ratio is not None:
            shares[server] = found[0].ratio
    if not shares:
        results.target("start", title, goal, "not measured", None)
        return
    text = ", ".join(f"{server} {share:.0%}" for server, share in shares.items())
    missing = [server for server in servers if server not in shares]
    if missing:
        text += f"; not measured: {', '.join(missing)}"
    met = max(shares.values()) <= 0.8 if not missing else None
    results.target("start", title, goal, text, met)


def at_most(results: Results, id: str, title: str, figure: str, limit: float) -> None:
    value = median(results, figure)
    text = "not measured" if value is None else f"{value:.3f} s"
    results.target(id, title, f"≤ {limit} s", text, None if value is None else value <= limit)


def size_at_most(results: Results, id: str, title: str, figure: str, limit: float) -> None:
    value = median(results, figure)
    text = "not measured" if value is None else f"{value:.0f} MB"
    results.target(id, title, f"≤ {limit:g} MB", text, None if value is None else value <= limit)


def share_target(results: Results, comparison: str, title: str, limit: float) -> None:
    """An incremental build against a clean one (the comparison of that id): at most
    `limit` of its time; below 100%, faster at all."""
    found = [c for c in results.comparisons if c.id == comparison]
    ratio = found[0].ratio if found else None
    goal = f"incremental ≤ {limit:.0%} of clean" if limit < 1 else "incremental < clean"
    if ratio is None:
        results.target(comparison, title, goal, "not measured", None)
        return
    met = ratio <= limit if limit < 1 else ratio < limit
    results.target(comparison, title, goal, f"{ratio:.0%} of clean", met)


def socket_errors(figure: Figure) -> int:
    return sum(sum(run["socket_errors"].values()) for run in figure.extra["runs"])


def tuned_target(results: Results, kind: str, server: str) -> None:
    """A server's auto settings against its best hand-tuned ones (benchmarks/tuning.py)."""
    goal = "≥ 95% of the best hand-tuned, 0 socket errors"
    title = f"requests/s under auto settings, {server} ({kind.upper()} example)"
    id = f"rps-{kind}-{server}"
    auto = measured(results, f"rps.{kind}.auto.{server}")
    tuned = measured(results, f"rps.{kind}.tuned.{server}")
    if auto is None or tuned is None:
        results.target(id, title, goal, "not measured", None)
        return
    share = 1.0 if tuned.extra.get("auto") else paired(auto, tuned) or auto.median / tuned.median
    errors = socket_errors(auto)
    processes, threads = tuned.extra["processes"], tuned.extra["threads"]
    config = describe(kind, processes, threads)
    if tuned.extra.get("auto"):
        # No pair of the grid beat auto's own settings, measured beside them.
        text = f"auto's own settings, {config}, are the best measured"
    else:
        text = f"{share:.0%} of {config}"
    met = share >= 0.95 and errors == 0
    results.target(id, title, goal, f"{text}, {errors} socket errors", met)


def defaults_target(results: Results) -> None:
    """The Django example at its defaults, ours against the original's."""
    goal = "≥ the original's, 0 socket errors"
    title = "requests/s at defaults (Django example)"
    ours, original = measured(results, "rps.django.ours"), measured(results, "rps.django.original")
    if ours is None or original is None:
        results.target("rps-defaults", title, goal, "not measured", None)
        return
    # Measured one after the other in each repetition: compared pair by pair.
    share = paired(ours, original) or ours.median / original.median
    errors = socket_errors(ours)
    text = f"{share:.0%} of the original's, {errors} socket errors"
    results.target("rps-defaults", title, goal, text, share >= 1 and errors == 0)


def targets(results: Results, servers: tuple[str, ...]) -> None:
    target = results.target
    at_most(results, "activate", "activate an existing env", "activate.existing.ours", 0.05)
    at_most(results, "noop", "no-op rebuild", "build.noop.ours", 0.12)

    goal = "≤ 30% of the original's"
    ours, original = median(results, "build.cold.uv"), median(results, "build.cold.original")
    if ours is None or original is None:
        target("cold", "cold build", goal, "not measured", None)
    else:
        share = ours / original
        text = f"{share:.0%} ({ours:.1f} s against {original:.1f} s)"
        target("cold", "cold build", goal, text, share <= 0.30)

    start_target(results, servers)
    for server in WSGI_SERVERS:
        tuned_target(results, "wsgi", server)
    defaults_target(results)
    for server in ASGI_SERVERS:
        tuned_target(results, "asgi", server)
    share_target(results, "s2i", "warpdrive s2i after a source-only change", 0.30)
    share_target(results, "s2i-standard", "standard s2i build after a source-only change", 1.0)

    # Every server must stop in time, so the slowest one is judged.
    title = "exit after SIGTERM when idle (slowest server)"
    stops = {s: median(results, f"stop.{s}") for s in servers}
    stops = {s: v for s, v in stops.items() if v is not None}
    if not stops:
        target("stop", title, "≤ 2 s", "not measured", None)
    else:
        slowest = max(stops, key=stops.get)
        text = f"{stops[slowest]:.2f} s ({slowest})"
        target("stop", title, "≤ 2 s", text, stops[slowest] <= 2)

    size_at_most(results, "size-builder", "builder image size", "size.builder", 1000)
    title = "app image size, Django example, two-stage"
    size_at_most(results, "size-two-stage-django", title, "size.app-two-stage", 250)
    title = "app image size, WSGI example, two-stage"
    size_at_most(results, "size-two-stage-wsgi", title, "size.app-two-stage-wsgi", 200)


def judge(results: Results, auto: str, servers: tuple[str, ...]) -> list[dict]:
    """Fill in the comparisons and targets; returns the rows against the original."""
    results.comparisons.clear()
    results.targets.clear()
    rows = comparisons(results, auto, servers)
    targets(results, servers)
    return rows
