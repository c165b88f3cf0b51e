"""GCM Hub: implement, follow up and review the Global Compact for Migration."""

__version__ = "0.1.0"
