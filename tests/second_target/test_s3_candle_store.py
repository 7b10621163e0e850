"""The integration tier's S3 candle store tests (imported, one copy) on MiniStack's S3, in the
data bucket `sam deploy` created (versioned, with the template's lifecycle rules)."""

from __future__ import annotations

import pytest

from tests.integration.test_s3_candle_store import (
    test_a_day_in_the_old_single_file_layout_is_read_and_folded_with_new_parts,
    test_a_part_written_while_a_compaction_runs_is_neither_lost_nor_folded_twice,
    test_a_range_is_deleted_across_parts,
    test_a_revised_candle_is_a_newer_part_that_wins_on_read,
    test_a_write_across_midnight_lands_in_two_date_partitions,
    test_a_write_to_a_finished_day_folds_that_day_at_once,
    test_compaction_folds_a_day_into_one_file_with_the_same_candles_and_is_idempotent,
    test_each_minute_adds_a_part_and_no_file_is_ever_overwritten,
)

pytestmark = pytest.mark.second_target

__all__ = [
    "test_a_day_in_the_old_single_file_layout_is_read_and_folded_with_new_parts",
    "test_a_part_written_while_a_compaction_runs_is_neither_lost_nor_folded_twice",
    "test_a_range_is_deleted_across_parts",
    "test_a_revised_candle_is_a_newer_part_that_wins_on_read",
    "test_a_write_across_midnight_lands_in_two_date_partitions",
    "test_a_write_to_a_finished_day_folds_that_day_at_once",
    "test_compaction_folds_a_day_into_one_file_with_the_same_candles_and_is_idempotent",
    "test_each_minute_adds_a_part_and_no_file_is_ever_overwritten",
]
