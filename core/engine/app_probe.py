"""The application checks the target's engine runs (SPEC F-6.2).

* builtin: the ``app_services`` host operation, run here through the engine's
  :class:`HostRunner`, asks the source for its services over WMI
  (``Get-WmiObject -ComputerName``); in the lab the lab's host runner answers
  from the source's simulated state. Every failover service must be Running.
* script: the chosen script on the target, run with a timeout; exit code 0
  passes, anything else fails. ``.ps1`` runs with powershell.exe, ``.vbs``
  with cscript.exe; any other file (the lab, Linux) runs as itself.

A check never raises: what went wrong is its failure sentence.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.engine.app_check import AppCheckSpec, Check, service_failure
from core.engine.identity import HostOpFailed, HostRunner
from core.engine.volumes import VolumeError, VolumeMap


def make_check(spec: AppCheckSpec, runner: HostRunner, volumes: VolumeMap) -> Check:
    timeout = max(1.0, spec.interval * 0.9)
    if spec.method == "script":
        return lambda: script_check(spec.script, volumes, timeout)
    return lambda: builtin_check(spec, runner)


async def builtin_check(spec: AppCheckSpec, runner: HostRunner) -> str | None:
    try:
        answer = await asyncio.to_thread(
            runner.run, "app_services", {"computer": spec.computer, "names": list(spec.services)})
    except HostOpFailed as exc:
        return f"the services of {spec.computer} could not be read ({exc})"
    return service_failure(spec.computer, spec.services, answer)


def script_argv(local: Path) -> list[str]:
    ext = local.suffix.lower()
    if ext == ".ps1":
        return ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                "-File", str(local)]
    if ext == ".vbs":
        return ["cscript.exe", "//NoLogo", str(local)]
    return [str(local)]


async def script_check(path: str, volumes: VolumeMap, timeout: float) -> str | None:
    name = path.replace("/", "\\").rsplit("\\", 1)[-1]
    try:
        local = volumes.to_local(path)  # the identity on Windows, a lab volume in the lab
    except VolumeError as exc:
        return f"script {name} cannot be found ({exc})"
    try:
        proc = await asyncio.create_subprocess_exec(
            *script_argv(local), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    except OSError as exc:
        return f"script {name} could not run ({exc.strerror or exc})"
    try:
        async with asyncio.timeout(timeout):
            code = await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return f"script {name} did not finish within {timeout:g} s"
    return None if code == 0 else f"script {name} exited with code {code}"
