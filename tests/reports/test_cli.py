"""``gcmhub reviews report``: each kind through the command line, read back."""

import io

import pytest
from django.core.management import CommandError, call_command

from gcmhub.reports.models import ReportRun


@pytest.mark.parametrize("kind", ["vgr", "regional", "vnr", "10.7.2"])
def test_report_command_writes_each_kind(review, tmp_path, kind):
    output = tmp_path / f"report-{kind}.html"
    stderr = io.StringIO()
    call_command(
        "reviews", "report", "--area", "KEN", "--review", str(review.pk), "--kind", kind, "-o", str(output),
        "--language", "es", stderr=stderr,
    )  # fmt: skip
    text = output.read_text()
    assert "Objetivo 23 —" in text
    assert "Wrote the" in stderr.getvalue()
    run = ReportRun.objects.get(kind=kind)
    assert run.state == "done" and run.format == "html" and run.language == "es"


def test_report_command_docx_and_defaults(review, tmp_path):
    import docx

    output = tmp_path / "vgr.docx"
    call_command("reviews", "report", "--area", "ken", "--kind", "vgr", "-o", str(output), stderr=io.StringIO())
    headings = [p.text for p in docx.Document(str(output)).paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Objective 7 —") for h in headings)


def test_report_command_errors(review, tmp_path, people):
    with pytest.raises(CommandError, match="no review yet"):
        call_command("reviews", "report", "--area", "MEX", "--kind", "vgr", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="No country"):
        call_command("reviews", "report", "--area", "XXX", "--kind", "vgr", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="--format"):
        call_command("reviews", "report", "--area", "KEN", "--kind", "vgr", "-o", str(tmp_path / "x.odt"))
    with pytest.raises(CommandError, match="permission|may not"):
        call_command(
            "reviews", "report", "--area", "KEN", "--kind", "vgr", "-o", str(tmp_path / "x.pdf"),
            "--as", people.focal_mex.username,
        )  # fmt: skip
