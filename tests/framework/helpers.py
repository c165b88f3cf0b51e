"""Small helpers shared by the framework tests."""

from pathlib import Path


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a copied file, failing loudly if the text to replace is absent."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path.name}")


def official_text_markdown(objectives, language: str = "en", text=None) -> str:
    """Markdown in the import format for ``objectives`` (Objective instances).

    Action texts are invented ("Official text of action 3b."), so tests never
    depend on the real resolution being present.
    """
    text = text or (lambda action: f"Official text of action {action.code}.")
    lines = []
    for objective in objectives:
        lines += [f"# Objective {objective.number}", f"## Title: {getattr(objective, f'title_{language}')}"]
        lines += ["## Associated actions"]
        lines += [f"- {action.letter}. {text(action)}" for action in objective.actions.all()]
        lines.append("")
    return "\n".join(lines)
