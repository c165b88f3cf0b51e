"""Progress assessment.

A pure, vectorised engine (``engine``, ``methods``) and the analysts' batch
interface (``batch``) — neither needs Django — and, around them, the Django
app: stored assessments and target timelines (``models``), their
recomputation (``services``, ``signals``, ``tasks``), graduated timelines
(``timelines``), roll-ups (``rollups``, ``scorecards``), the world map
(``maps``), pages, API and ``gcmhub assess``. docs/progress.md explains them.
"""
