"""results.json (everything a run found) and results.md (the same, as tables people
read). The Markdown is made from the JSON data alone."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.procs import CpuSplit

MET = {True: "met", False: "**not met**", None: "not measured"}


def number(value: float, unit: str) -> str:
    if unit == "s":
        text = f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
        return f"{text} s"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:g} {unit}"


def bare(value: float, unit: str) -> str:
    return number(value, unit).rsplit(" ", 1)[0]


def reason(figure: dict) -> str:
    return "not measured: " + (figure.get("skipped") or "no value").splitlines()[0]


def cell(figure: dict | None) -> str:
    """median (min-max), or why there is no value."""
    if figure is None:
        return "not measured"
    if "median" not in figure:
        return reason(figure)
    unit = figure["unit"]
    text = number(figure["median"], unit)
    if figure["n"] > 1:
        text += f" ({bare(figure['min'], unit)}-{bare(figure['max'], unit)})"
    if unit == "req/s":
        text += f", {figure['extra'].get('errors', 0)} errors"
    return text


def ratio(comparison: dict | None) -> str:
    if not comparison or comparison.get("ratio") is None:
        return "-"
    text = f"{comparison['ratio']:.2f}"
    pairs = comparison.get("pair_ratios") or []
    if len(pairs) > 1:
        text += f" ({min(pairs):.2f}-{max(pairs):.2f})"
    return text


def machine_load(averages: dict | None) -> str:
    """The load averages a run recorded, or that a run from before they were has none."""
    if not averages:
        return "not recorded (the run predates it)"

    def three(values: list[float]) -> str:
        return " / ".join(f"{x:.2f}" for x in values)

    return (
        f"load average (1 / 5 / 15 min) {three(averages['start'])} at the start, "
        f"{three(averages['end'])} at the end (the run's own servers and wrk included)"
    )


def cpus_under_load(settings: dict) -> str:
    """Where wrk and the server ran, or that a run from before they were apart shared."""
    if "cpus_under_load" not in settings:
        return "wrk and the server shared every CPU (a run from before they were apart)"
    split = settings["cpus_under_load"]
    if not split:
        return "wrk and the server shared the one CPU"
    return CpuSplit(tuple(split["load"]), tuple(split["server"])).describe()


def header(data: dict) -> list[str]:
    m, v, s = data["machine"], data["versions"], data["settings"]
    servers = v["servers"]
    load = s["plan"]["load"]
    rows = [
        ("date", data["date"]),
        (
            "run",
            f"{data['mode']} (`make bench{'' if data['mode'] == 'full' else '-quick'}`), "
            f"{data['elapsed_seconds'] / 60:.1f} minutes",
        ),
        (
            "machine",
            f"{m['os']}, Linux {m['kernel']}, {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB",
        ),
        ("machine load", machine_load(m.get("load_average"))),
        ("warpdrive", f"{v['warpdrive']}, run as {s['run_as']['ours']}"),
        (
            "original",
            f"{v.get('original', 'not run')}"
            + (
                f", virtualenv {v['virtualenv']}, run as {s['run_as']['original']}"
                if v.get("original")
                else ""
            ),
        ),
        ("apps' Python", v["app_python"]),
        ("installers", f"uv {v['uv'] or '?'}, pip {v['pip'] or '?'}"),
        (
            "servers",
            f"mod_wsgi {servers.get('mod_wsgi', '?')} on Apache {v['apache'] or '?'}, "
            f"gunicorn {servers.get('gunicorn', '?')}, waitress {servers.get('waitress', '?')}, "
            f"uwsgi {servers.get('uwsgi', '?')}; Django {v['django']}",
        ),
        (
            "load",
            f"wrk {v['wrk'] or '?'}, {load['threads']} thread, {load['connections']} "
            f"connections, {load['warmup_seconds']} s warm-up then {load['seconds']} s, loopback; "
            + cpus_under_load(s),
        ),
        ("Docker", v["docker"] or "no engine"),
    ]
    lines = ["| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in rows]
    return lines


def markdown(data: dict) -> str:
    figures = {f["id"]: f for f in data["figures"]}
    comparisons = {c["id"]: c for c in data["comparisons"]}
    out = [
        "# warpdrive benchmarks",
        "",
        "Written by `python -m benchmarks.run` (see [README.md](README.md) for what each",
        "figure measures and how). Each value is the median of the runs, with the spread",
        "(fastest-slowest) in brackets; a ratio is of two medians measured in the same run,",
        "with the range of the run-by-run ratios in brackets. Absolute times vary between",
        "machines and with load; the ratios are what to compare.",
        "",
        *header(data),
        "",
        "## Targets",
        "",
        "| target | goal | measured | result |",
        "|---|---|---|---|",
    ]
    for t in data["targets"]:
        out.append(f"| {t['title']} | {t['goal']} | {t['measured']} | {MET[t['met']]} |")

    out += [
        "",
        "## warpdrive and the original warpdrive 0.34.0, Django example",
        "",
        "| figure | warpdrive | original 0.34.0 | warpdrive / original |",
        "|---|---|---|---|",
    ]
    for row in data["versus_original"]:
        ours, original = figures.get(row["ours"]), figures.get(row["original"])
        out.append(
            f"| {row['title']} | {cell(ours)} | {cell(original)} "
            f"| {ratio(comparisons.get(row['comparison']))} |"
        )

    out += ["", "## Comparisons", "", "| comparison | ratio |", "|---|---|"]
    for c in data["comparisons"]:
        if c["id"].startswith("vs-original."):
            continue
        out.append(f"| {c['title']} | {ratio(c)} |")

    out += ["", "## Every figure", "", "| figure | value | runs | notes |", "|---|---|---|---|"]
    for f in data["figures"]:
        side = " (original 0.34.0)" if f["id"].endswith(".original") else ""
        notes = "; ".join(f["notes"])
        out.append(f"| {f['title']}{side} | {cell(f)} | {f.get('n', 0)} | {notes} |")

    if data["notes"]:
        out += ["", "## Notes", ""]
        for note in data["notes"]:
            first, *rest = note.splitlines()
            out.append(f"- {first}")
            if rest:
                out += ["", "  ```", *[f"  {line}" for line in rest], "  ```"]
    return "\n".join(out) + "\n"


def write(data: dict, out_dir: Path, name: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(data), encoding="utf-8")
    return json_path, md_path
