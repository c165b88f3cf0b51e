"""A dry run never takes SQLite's write lock (issue 7 §1).

Web logins, token use and the task worker all write; an import that held
the write lock for its whole run blocked them until they timed out. The
loader now reads and compares without a write transaction, so a dry run
goes through while another connection holds the lock, and only the short
final write of a real import waits for it.
"""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("locked_import.py")


def test_a_dry_run_succeeds_while_another_connection_holds_the_write_lock(tmp_path):
    child = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "locked.sqlite3"), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    outcome = json.loads(child.stdout.strip().splitlines()[-1])

    assert outcome["dry_run"] == {"would_update": 60, "written": 0}
    # The lock was really held: the real import's write phase could not start.
    assert "locked" in outcome["import"]["error"]
