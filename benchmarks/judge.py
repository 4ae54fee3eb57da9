"""Comparisons between figures of the run, and the targets warpdrive sets for itself
(benchmarks/README.md, "Targets"), judged honestly: a target whose figures are missing
is "not measured".

Everything here works from the figures alone, so a saved results.json can be judged
again (`python -m benchmarks.run --from-json FILE`) without measuring anything."""

from __future__ import annotations

from benchmarks.results import Figure, Results

# Rows of the table against the original: (title, figure key); ours is KEY.ours
# unless named in `ours` below, the original's is always KEY.original.
VERSUS = [
    ("activate an existing env", "activate.existing"),
    ("activate a new env", "activate.new"),
    ("cold build", "build.cold"),
    ("no-op rebuild", "build.noop"),
    ("start to first 200", "start"),
    ("requests/s at defaults", "rps.django"),
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
        "rps-tuned", "requests/s, WSGI: auto / best hand-tuned", "rps.wsgi.auto", "rps.wsgi.tuned"
    )
    compare(
        "rps-runserver",
        "requests/s, WSGI: auto / Django runserver",
        "rps.wsgi.auto",
        "rps.wsgi.runserver",
    )
    compare(
        "rps-granian",
        "requests/s, WSGI: granian / auto",
        "rps.wsgi.granian",
        "rps.wsgi.auto",
    )
    compare(
        "rps-asgi-tuned",
        "requests/s, ASGI: auto / best hand-tuned",
        "rps.asgi.auto",
        "rps.asgi.tuned",
    )
    for server in ("uvicorn", "gunicorn", "granian"):
        compare(
            f"rps-asgi-{server}",
            f"requests/s, ASGI: auto / best hand-tuned {server}",
            "rps.asgi.auto",
            f"rps.asgi.{server}",
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
    ours = {"build.cold": "build.cold.uv", "start": f"start.{auto}", "stop": f"stop.{auto}"}
    rows = []
    for title, key in VERSUS:
        ours_id, original_id = ours.get(key, f"{key}.ours"), f"{key}.original"
        id = f"vs-original.{key}"
        compare(id, f"{title}: warpdrive / original", ours_id, original_id)
        rows.append({"title": title, "ours": ours_id, "original": original_id, "comparison": id})
    return rows


def at_most(results: Results, id: str, title: str, figure: str, limit: float) -> None:
    value = median(results, figure)
    text = "not measured" if value is None else f"{value:.3f} s"
    results.target(id, title, f"≤ {limit} s", text, None if value is None else value <= limit)


def size_at_most(results: Results, id: str, title: str, figure: str, limit: float) -> None:
    value = median(results, figure)
    text = "not measured" if value is None else f"{value:.0f} MB"
    results.target(id, title, f"≤ {limit:g} MB", text, None if value is None else value <= limit)


def socket_errors(figure: Figure) -> int:
    return sum(sum(run["socket_errors"].values()) for run in figure.extra["runs"])


def asgi_target(results: Results) -> None:
    goal = "≥ 95% of the best hand-tuned uvicorn and gunicorn, 0 socket errors"
    title = "requests/s under auto settings (ASGI example)"
    auto, tuned = measured(results, "rps.asgi.auto"), measured(results, "rps.asgi.tuned")
    if auto is None or tuned is None:
        results.target("rps-asgi", title, goal, "not measured", None)
        return
    share = auto.median / tuned.median
    errors = socket_errors(auto)
    server, n = tuned.extra["server"], tuned.extra["processes"]
    config = f"{server} with {n} process{'es' if n != 1 else ''}"
    sizing = auto.extra.get("sizing", {})
    if (server, n) == (auto.extra.get("server"), sizing.get("processes")):
        text = f"auto's own setting, {config}, is the best of the grid ({share:.0%} of itself)"
        met = errors == 0
    else:
        text = f"{share:.0%} of {config}"
        met = share >= 0.95 and errors == 0
    results.target("rps-asgi", title, goal, f"{text}, {errors} socket errors", met)


def throughput_target(results: Results) -> None:
    goal = "≥ 95% of the best hand-tuned, 0 socket errors"
    title = "requests/s under auto settings (WSGI example)"
    auto, tuned = measured(results, "rps.wsgi.auto"), measured(results, "rps.wsgi.tuned")
    if auto is None or tuned is None:
        results.target("rps", title, goal, "not measured", None)
        return
    share = auto.median / tuned.median
    errors = socket_errors(auto)
    pair = (tuned.extra["processes"], tuned.extra["threads"])
    sizing = auto.extra.get("sizing", {})
    config = f"{tuned.extra['server']} {pair[0]} x {pair[1]} (processes x threads)"
    if pair == (sizing.get("processes"), sizing.get("threads")):
        # Auto chose the best pair itself: the two figures are the same configuration,
        # and what separates them is the machine's noise.
        text = f"auto's own pair, {config}, is the best of the grid ({share:.0%} of itself)"
        met = errors == 0
    else:
        text = f"{share:.0%} of {config}"
        met = share >= 0.95 and errors == 0
    results.target("rps", title, goal, f"{text}, {errors} socket errors", met)


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

    throughput_target(results)
    asgi_target(results)

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
