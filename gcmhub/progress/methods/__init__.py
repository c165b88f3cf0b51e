"""Progress-assessment methods. Each module provides NAME, VERSION,
METHOD_STATUS_NAMES, DEFAULT_PARAMS, validate_params(params) and
compute(batch, params) over a whole SeriesBatch at once."""

from . import escap, eurostat, opensdg

METHODS = {module.NAME: module for module in (opensdg, escap, eurostat)}
