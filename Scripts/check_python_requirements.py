"""Exits 0 when every requirement of a pip requirements file is installed at an allowed version."""
import sys
from importlib import metadata

try:
    from packaging.requirements import Requirement
except ImportError:  # without packaging we cannot tell: let pip decide
    sys.exit(1)


def missing_requirements(path):
    missing = []
    with open(path, encoding="utf-8") as requirements:
        for line in requirements:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            requirement = Requirement(line)
            try:
                version = metadata.version(requirement.name)
            except metadata.PackageNotFoundError:
                missing.append(line)
                continue
            if version not in requirement.specifier:
                missing.append(f"{line} (have {version})")
    return missing


if __name__ == "__main__":
    absent = missing_requirements(sys.argv[1])
    for line in absent:
        print(f"bootstrap: missing Python package: {line}")
    sys.exit(1 if absent else 0)
