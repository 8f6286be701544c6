"""The memo of scanned documents keeps what is used twice, never what is used once."""

from __future__ import annotations

from push_manifest.memo import SecondUseMemo


def test_a_value_used_once_never_pushes_out_a_shared_one() -> None:
    memo: SecondUseMemo[str, int] = SecondUseMemo(size=2, probation=2, ghosts=100)
    memo.put("shared", 1)
    assert memo.get("shared") == 1  # second use: into the main LRU
    for index in range(1000):
        memo.put(f"page-{index}", index)
    assert memo.get("shared") == 1
    assert memo.get("page-0") is None and memo.get("page-999") == 999
    assert len(memo) <= 4


def test_a_key_asked_for_again_after_leaving_probation_earns_its_place() -> None:
    memo: SecondUseMemo[str, int] = SecondUseMemo(size=4, probation=1, ghosts=10)
    memo.put("component", 1)
    memo.put("page-a", 2)  # pushes "component" off probation; its key is remembered
    assert memo.get("component") is None
    memo.put("component", 1)  # loaded again: now kept in the main LRU
    for index in range(50):
        memo.put(f"page-{index}", index)
    assert memo.get("component") == 1


def test_the_main_lru_drops_the_least_recently_used() -> None:
    memo: SecondUseMemo[str, int] = SecondUseMemo(size=2, probation=4, ghosts=4)
    for key in "abc":
        memo.put(key, ord(key))
        memo.get(key)
    assert memo.get("a") is None
    assert memo.get("b") == ord("b") and memo.get("c") == ord("c")


def test_forgotten_keys_are_bounded_too() -> None:
    memo: SecondUseMemo[int, int] = SecondUseMemo(size=1, probation=1, ghosts=3)
    for key in range(100):
        memo.put(key, key)
    memo.put(0, 0)  # long forgotten: back on probation, not in the main LRU
    memo.put(1000, 1000)
    assert memo.get(0) is None
