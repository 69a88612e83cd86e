"""The wheel holds the app with its templates and migrations, and nothing else."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = out.glob("wagtail_personal_links-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_contains_migrations_templates_and_static_files(wheel_names):
    assert "wagtail_personal_links/migrations/0001_initial.py" in wheel_names
    assert any(name.startswith("wagtail_personal_links/static/") for name in wheel_names)
    assert any(
        name.startswith("wagtail_personal_links/templates/wagtail_personal_links/")
        and name.endswith(".html")
        for name in wheel_names
    )


def test_wheel_leaves_out_tests_and_the_example(wheel_names):
    top_levels = {name.split("/", 1)[0] for name in wheel_names}

    assert top_levels == {"wagtail_personal_links", *{n for n in top_levels if ".dist-info" in n}}
