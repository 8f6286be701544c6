"""The benchmark's own arithmetic: how often it samples memory."""

from bench.run import SAMPLE_SECONDS, sample_interval


def test_memory_is_sampled_often_at_first_then_less_often() -> None:
    shortest, longest = SAMPLE_SECONDS
    intervals = [sample_interval(elapsed) for elapsed in (0, 1, 5, 10, 20, 60, 600)]
    assert intervals[0] == shortest
    assert intervals[-1] == longest
    assert intervals == sorted(intervals)
    assert shortest < sample_interval(10) < longest
