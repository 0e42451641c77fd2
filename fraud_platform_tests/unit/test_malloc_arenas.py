"""limit_malloc_arenas: applied on glibc, and a user's MALLOC_ARENA_MAX wins."""

import os
import subprocess
import sys

CODE = "from streaming.common.memory import limit_malloc_arenas; print(limit_malloc_arenas())"


def run(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env_extra
    return subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_applied_on_glibc_unless_the_user_chose():
    assert run({}) == "True"  # this machine runs glibc (Debian)
    assert run({"MALLOC_ARENA_MAX": "4"}) == "False"
