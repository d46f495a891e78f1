"""Shared pytest configuration of the black-box suites."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo: runs `urban-robot demo` (slow; deselect with -m \"not demo\")")
    config.addinivalue_line(
        "markers", "longest: a test that takes minutes; its file is run first, so that the two workers "
                   "Scripts/test runs finish together")


def pytest_collection_modifyitems(items):
    """Puts the files of the tests marked `longest` first, keeping every other order as collected."""
    longest_files = {item.path for item in items if item.get_closest_marker("longest")}
    items.sort(key=lambda item: item.path not in longest_files)
