"""Production settings must pass Django's deployment checks with no warning."""

import os
import subprocess
import sys


def run_gcmhub(args, env_overrides, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GCMHUB_") and key != "DJANGO_SETTINGS_MODULE"}
    env.update({"GCMHUB_VAR_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "-m", "gcmhub.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = run_gcmhub(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "GCMHUB_SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
            "GCMHUB_ALLOWED_HOSTS": "gcmhub.example.org",
            "GCMHUB_HTTPS": "1",
            "GCMHUB_DEBUG": "0",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    result = run_gcmhub(["manage", "check", "--deploy", "--fail-level", "WARNING"], {"GCMHUB_DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_secret_key_is_generated_once_and_kept_in_var(tmp_path):
    run_gcmhub(["manage", "check"], {}, tmp_path)
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    run_gcmhub(["manage", "check"], {}, tmp_path)
    assert key_file.read_text() == first
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode)[-3:] == "600"
