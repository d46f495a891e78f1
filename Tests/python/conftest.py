"""Shared pytest configuration of the black-box suites."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo: runs `urban-robot demo` (slow; deselect with -m \"not demo\")")
