"""Fixtures for the trainer tests: tiny projects and their trained models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.trainer.tiny import make_tiny_project
from trainer.settings import Project


@pytest.fixture
def tiny(tmp_path: Path) -> Project:
    """A fresh tiny project (no model)."""
    return Project(root=make_tiny_project(tmp_path / "tiny"), drain_s=5.0)


@pytest.fixture(scope="session")
def tiny_trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project trained once per session: copy its models/ and .rasa/ to reuse them."""
    from trainer.training import train

    root = make_tiny_project(tmp_path_factory.mktemp("trained") / "tiny")
    train(Project(root=root))
    return root


@pytest.fixture
def tiny_with_model(tiny_trained: Path, tmp_path: Path) -> Project:
    """A tiny project with a trained candidate (and Rasa's cache) already in place."""
    root = tmp_path / "proj"
    shutil.copytree(tiny_trained, root, symlinks=True)
    return Project(root=root, drain_s=5.0)
