"""What a benchmark run found: figures (repeated measurements), comparisons between two
figures of the same run, and the targets warpdrive sets for itself."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    id: str
    title: str
    unit: str  # "s", "req/s" or "MB"
    values: list[float] = field(default_factory=list)
    skipped: str | None = None  # why it was not measured
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # per-figure details (errors, settings)

    @property
    def measured(self) -> bool:
        return bool(self.values) and self.skipped is None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.measured else None

    def summary(self) -> dict:
        data = asdict(self)
        if self.measured:
            data.update(n=len(self.values), median=self.median)
            data.update(min=min(self.values), max=max(self.values))
        return data


@dataclass
class Comparison:
    id: str
    title: str
    a: str  # figure ids: the ratio is a / b
    b: str
    ratio: float | None = None
    pair_ratios: list[float] = field(default_factory=list)  # a[i] / b[i], runs side by side


@dataclass
class Target:
    id: str
    title: str
    goal: str  # as people read it: "<= 0.05 s"
    measured: str  # the value the goal was checked against, as text
    met: bool | None  # None: could not be judged (a figure is missing)


class Results:
    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}
        self.comparisons: list[Comparison] = []
        self.targets: list[Target] = []
        self.notes: list[str] = []

    def figure(self, id: str, title: str, unit: str = "s") -> Figure:
        """The figure `id`, made on first use (titles and units of later calls are ignored)."""
        if id not in self.figures:
            self.figures[id] = Figure(id, title, unit)
        return self.figures[id]

    def skip(self, id: str, title: str, reason: str, unit: str = "s") -> None:
        fig = self.figure(id, title, unit)
        if fig.skipped is None:
            fig.skipped = reason

    def skip_unmeasured(self, ids_titles: list[tuple[str, str, str]], reason: str) -> None:
        """Mark every listed figure that has no values yet as skipped for `reason`."""
        for id, title, unit in ids_titles:
            fig = self.figure(id, title, unit)
            if not fig.values:
                self.skip(id, title, reason, unit)

    def compare(self, id: str, title: str, a: str, b: str) -> Comparison:
        fa, fb = self.figures.get(a), self.figures.get(b)
        comparison = Comparison(id, title, a, b)
        if fa and fb and fa.measured and fb.measured and fb.median:
            comparison.ratio = fa.median / fb.median
            if len(fa.values) == len(fb.values):
                comparison.pair_ratios = [
                    x / y for x, y in zip(fa.values, fb.values, strict=True) if y
                ]
        self.comparisons.append(comparison)
        return comparison

    def target(self, id: str, title: str, goal: str, measured: str, met: bool | None) -> None:
        """A target and whether the run met it; `met` None: a figure it needs is missing."""
        self.targets.append(Target(id, title, goal, measured, met))

    @classmethod
    def from_dict(cls, data: dict) -> Results:
        """The figures and notes of a saved results.json (comparisons and targets are
        derived from them, so they are left to be judged again)."""
        results = cls()
        for f in data["figures"]:
            figure = Figure(f["id"], f["title"], f["unit"], list(f["values"]), f["skipped"])
            figure.notes, figure.extra = list(f["notes"]), dict(f["extra"])
            results.figures[figure.id] = figure
        results.notes = list(data["notes"])
        return results

    def as_dict(self) -> dict:
        return {
            "figures": [f.summary() for f in self.figures.values()],
            "comparisons": [asdict(c) for c in self.comparisons],
            "targets": [asdict(t) for t in self.targets],
            "notes": self.notes,
        }
