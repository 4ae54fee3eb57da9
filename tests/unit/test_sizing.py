"""Sizing from cgroup limits, computed on real cgroup-format files in temp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from warpdrive import context
from warpdrive.serve import sizing
from warpdrive.serve.servers import SERVERS

MIB = 1024 * 1024


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


def v2(tmp_path: Path, cpu_max: str, memory_max: str, cgroup: str = "/") -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    write(root / "cgroup.controllers", "cpuset cpu io memory pids")
    leaf = root / cgroup.lstrip("/")
    write(leaf / "cpu.max", cpu_max)
    write(leaf / "memory.max", memory_max)
    proc = tmp_path / "proc-self-cgroup"
    write(proc, f"0::{cgroup}")
    return root, proc


def v1(tmp_path: Path, quota: str, period: str, limit: str, cgroup: str = "/") -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    write(root / "cpu" / cgroup.lstrip("/") / "cpu.cfs_quota_us", quota)
    write(root / "cpu" / cgroup.lstrip("/") / "cpu.cfs_period_us", period)
    write(root / "memory" / cgroup.lstrip("/") / "memory.limit_in_bytes", limit)
    proc = tmp_path / "proc-self-cgroup"
    write(proc, f"4:memory:{cgroup}\n2:cpuacct:{cgroup}\n1:cpu:{cgroup}\n0::/")
    return root, proc


def ctx(tmp_path: Path, **env: str) -> context.Context:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    return context.resolve(src, {"HOME": str(tmp_path), **env})


def test_v2_quota_and_memory(tmp_path):
    root, proc = v2(tmp_path, "150000 100000", str(512 * MIB))
    limits = sizing.read_limits(root, proc, available_cpus=16)
    assert limits.cpus == 1.5
    assert limits.memory == 512 * MIB
    assert "cgroup v2 CPU quota 150000/100000" in limits.cpu_source
    result = SERVERS["gunicorn"].size(ctx(tmp_path), limits)
    assert (result.processes, result.threads) == (2, 5)
    assert result.source.startswith("processes from cgroup v2 CPU quota 150000/100000")


def test_v2_unlimited_uses_the_cpus_we_may_run_on(tmp_path):
    root, proc = v2(tmp_path, "max 100000", "max")
    limits = sizing.read_limits(root, proc, available_cpus=3)
    assert (limits.cpus, limits.memory) == (3.0, None)
    assert SERVERS["uwsgi"].size(ctx(tmp_path), limits).processes == 3


def test_v2_memory_limit_caps_processes(tmp_path):
    root, proc = v2(tmp_path, "800000 100000", str(300 * MIB))
    limits = sizing.read_limits(root, proc, available_cpus=32)
    result = SERVERS["mod_wsgi"].size(ctx(tmp_path), limits)
    assert result.processes == 2  # 300 MiB holds two 128 MiB processes, not eight
    assert "memory limit 300 MiB" in result.source


def test_v2_nested_cgroup_takes_the_tightest_ancestor(tmp_path):
    root, proc = v2(tmp_path, "400000 100000", "max", cgroup="/kubepods/pod1")
    write(root / "kubepods" / "cpu.max", "100000 100000")
    limits = sizing.read_limits(root, proc, available_cpus=8)
    assert limits.cpus == 1.0
    assert str(root / "kubepods" / "cpu.max") in limits.cpu_source


def test_v1_quota_and_memory(tmp_path):
    root, proc = v1(tmp_path, "250000", "100000", str(2048 * MIB), cgroup="/docker/abc")
    limits = sizing.read_limits(root, proc, available_cpus=8)
    assert limits.cpus == 2.5
    assert limits.memory == 2048 * MIB
    assert "cgroup v1 CPU quota 250000/100000" in limits.cpu_source
    assert SERVERS["gunicorn"].size(ctx(tmp_path), limits).processes == 3


def test_v1_no_limits(tmp_path):
    root, proc = v1(tmp_path, "-1", "100000", "9223372036854771712")
    limits = sizing.read_limits(root, proc, available_cpus=2)
    assert (limits.cpus, limits.memory) == (2.0, None)
    assert limits.cpu_source == "2 CPUs available, no cgroup CPU quota"


def test_v1_in_a_cgroup_namespace_reads_the_mount(tmp_path):
    """Inside a container the path in /proc/self/cgroup does not exist below the mount."""
    root, proc = v1(tmp_path, "50000", "100000", str(256 * MIB))
    write(proc, "4:memory:/outside/ns\n1:cpu:/outside/ns\n0::/")
    limits = sizing.read_limits(root, proc, available_cpus=4)
    assert (limits.cpus, limits.memory) == (0.5, 256 * MIB)
    assert SERVERS["gunicorn"].size(ctx(tmp_path), limits).processes == 1


def test_explicit_settings_win(tmp_path):
    root, proc = v2(tmp_path, "100000 100000", "max")
    limits = sizing.read_limits(root, proc, available_cpus=1)
    c = ctx(tmp_path, WEB_CONCURRENCY="6", MOD_WSGI_THREADS="9")
    assert (
        SERVERS["mod_wsgi"].size(c, limits).processes,
        SERVERS["mod_wsgi"].size(c, limits).threads,
    ) == (6, 9)
    c = ctx(tmp_path, WEB_CONCURRENCY="6", MOD_WSGI_PROCESSES="3")
    result = SERVERS["mod_wsgi"].size(c, limits)
    assert result.processes == 3
    assert result.source.startswith("processes from env MOD_WSGI_PROCESSES")
    assert SERVERS["gunicorn"].size(c, limits).processes == 6


def test_waitress_is_one_process_with_all_the_threads(tmp_path):
    root, proc = v2(tmp_path, "200000 100000", "max")
    result = SERVERS["waitress"].size(
        ctx(tmp_path), sizing.read_limits(root, proc, available_cpus=4)
    )
    assert (result.processes, result.threads) == (1, 10)


@pytest.mark.parametrize("value", ["0", "-2", "lots"])
def test_bad_concurrency(tmp_path, value):
    from warpdrive.errors import BadSetting

    with pytest.raises(BadSetting) as info:
        SERVERS["gunicorn"].size(ctx(tmp_path, WEB_CONCURRENCY=value))
    assert info.value.message == f"WEB_CONCURRENCY={value!r} is not valid"
