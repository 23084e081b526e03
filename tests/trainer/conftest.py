"""Fixtures for the trainer tests: tiny projects and their trained models."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.trainer.tiny import make_tiny_project
from trainer.settings import Project

# `trainer train` leaves a training worker per project; a forgotten one exits soon.
os.environ.setdefault("SHOP_TRAIN_WORKER_IDLE_S", "120")


def stop_training_worker(project: Project) -> None:
    subprocess.run(
        [str(project.rasa_python), "scripts/train.py", "--stop-worker"],
        cwd=project.root,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Project]:
    """A fresh tiny project (no model)."""
    project = Project(root=make_tiny_project(tmp_path / "tiny"), drain_s=5.0)
    yield project
    stop_training_worker(project)


@pytest.fixture(scope="session")
def tiny_trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A tiny project trained once per session: copy its models/ and .rasa/ to reuse them."""
    from trainer.training import train

    root = make_tiny_project(tmp_path_factory.mktemp("trained") / "tiny")
    train(Project(root=root))
    stop_training_worker(Project(root=root))
    yield root


@pytest.fixture
def tiny_with_model(tiny_trained: Path, tmp_path: Path) -> Iterator[Project]:
    """A tiny project with a trained candidate (and Rasa's cache) already in place."""
    root = tmp_path / "proj"
    shutil.copytree(tiny_trained, root, symlinks=True)
    project = Project(root=root, drain_s=5.0)
    yield project
    stop_training_worker(project)
