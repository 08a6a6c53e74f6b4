"""xlsxtools: Excel backend for budget-performance target tables and their self-evaluation."""

__version__ = "0.1.0"
