"""b12cli: interpret vitamin B12 laboratory results against guideline rulesets."""

__version__ = "0.1.0"
__all__ = ["__version__"]
