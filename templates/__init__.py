"""The letters' templates (Jinja HTML and CSS), shipped in the package as `compliance.templates`.

This folder stays at the top of the repository, where the project keeps its templates; pyproject.toml maps
it into the wheel, and compliance.documents.environment loads it with importlib.resources.
"""
