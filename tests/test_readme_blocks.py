"""tools/readme_blocks.py: generated Markdown blocks replace exactly their marked stretch of the README."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / "tools" / "readme_blocks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_block_replaces_only_its_markers():
    tool = _tool()
    readme = "intro\n<!-- begin t -->\nold\n<!-- end t -->\nafter\n<!-- begin u -->\nkeep\n<!-- end u -->\n"
    out = tool.replace(readme, "<!-- block: t -->\n| a | b |\n")
    assert out == "intro\n<!-- begin t -->\n| a | b |\n<!-- end t -->\nafter\n<!-- begin u -->\nkeep\n<!-- end u -->\n"
    assert tool.replace(out, "<!-- block: t -->\n| a | b |\n") == out            # idempotent


@pytest.mark.parametrize("readme, block", [
    ("no markers\n", "<!-- block: t -->\nx\n"),
    ("<!-- begin t -->\n<!-- end t -->\n", "no header\n"),
    ("<!-- begin t -->\n<!-- end t -->\n<!-- begin t -->\n<!-- end t -->\n", "<!-- block: t -->\nx\n"),
])
def test_bad_blocks_are_refused(readme, block):
    with pytest.raises(ValueError):
        _tool().replace(readme, block)


def test_the_readme_has_the_trial_blocks():
    text = (ROOT / "README.md").read_text()
    for name in ("trial-mechanisms", "trial-sobol"):
        assert text.count(f"<!-- begin {name} -->") == 1 and text.count(f"<!-- end {name} -->") == 1
