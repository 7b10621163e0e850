"""Every strategy the AI function can run is a document of the index: a built-in by what its code
states, a plugin with its own module docstring and the NAME.md ``fks strategy new`` writes."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import built_in_names, reload_plugins
from fks_adapters.ai.sources import strategy_documents

PLUGIN = '''
    """Buys the first green bar after three red ones: a toy exhaustion plugin."""

    import numpy as np

    from fks.strategies import Candles, IndicatorCache, Parameter, Params, Strategy


    class ThreeRed(Strategy):
        name = "three_red"
        description = "Long on the first green bar after three red bars."
        parameters = (Parameter(name="hold", type="int", default=3, min=1, max=50, description="bars held"),)

        def warmup_bars(self, params: Params) -> int:
            return 4

        def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache):
            return np.zeros(len(candles))
'''


@pytest.fixture
def plugin_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "three_red.py").write_text(textwrap.dedent(PLUGIN))
    (tmp_path / "three_red.md").write_text("# three_red\n\nWorks best in ranging markets; avoid trending ones.\n")
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(tmp_path))
    reload_plugins()
    yield tmp_path
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def test_each_built_in_and_each_plugin_is_documented_once(plugin_folder: Path) -> None:
    documents = {d.fields["strategy"]: d for d in strategy_documents(1)}

    assert set(built_in_names()) <= set(documents)
    plugin = documents["three_red"]
    assert plugin.doc_id == "strategy:three_red"
    assert plugin.fields["source"] != "built-in"
    assert plugin.text.startswith("strategy three_red: Long on the first green bar after three red bars.")
    assert "hold (int, default 3, 1 to 50): bars held" in plugin.text
    assert "a toy exhaustion plugin" in plugin.text  # its module docstring
    assert "Works best in ranging markets" in plugin.text  # its NAME.md
    assert documents["sma_cross"].fields["source"] == "built-in"


def test_a_changed_guide_changes_the_version_so_the_next_build_embeds_it(plugin_folder: Path) -> None:
    before = {d.doc_id: d.version for d in strategy_documents(1)}
    (plugin_folder / "three_red.md").write_text("# three_red\n\nNow also in high volatility.\n")

    after = {d.doc_id: d.version for d in strategy_documents(2)}

    assert {doc_id for doc_id in after if after[doc_id] != before[doc_id]} == {"strategy:three_red"}
