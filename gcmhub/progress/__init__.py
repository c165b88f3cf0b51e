"""Progress assessment: a pure, vectorised engine (``engine``) and the analysts'
batch interface (``batch``). Neither needs Django."""
