"""The package as `pip install .` installs it works from any folder: the ontology, shapes, data,
stored queries and generate's tables travel inside it, found from the installed modules, not
from the checkout. Built as a wheel and installed into a folder of its own, ahead of the
checkout on the path."""

from __future__ import annotations

from pathlib import Path

import pytest
from installed_wheel import install_wheel
from installed_wheel import run_python as run


@pytest.mark.slow
def test_the_installed_package_answers_from_another_folder(tmp_path: Path) -> None:
    installed = install_wheel(tmp_path)
    site, env = installed.site, installed.env
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = run("-c", "import clusterkg; print(clusterkg.__file__)", cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site), "the checkout answered, not the wheel"
    query = ("-m", "clusterkg", "query", "clusters-of-company", "-p", "company", "Rūta")
    answer = run(*query, "-p", "sector", "food", cwd=elsewhere, env=env)
    assert answer.returncode == 0, answer.stderr
    assert "cluster:smart-food-cluster" in answer.stdout
    assert "cluster:national-food-cluster" in answer.stdout
    checked = run("-m", "clusterkg", "--no-cache", "validate", cwd=elsewhere, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    made = run(
        "-m", "clusterkg", "generate", "--clusters", "1", "-o", "gen", cwd=elsewhere, env=env
    )
    assert made.returncode == 0, made.stderr
    assert (elsewhere / "gen" / "MANIFEST.json").is_file()
