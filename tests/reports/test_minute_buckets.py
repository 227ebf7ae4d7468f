"""Medians and p90 selected from bucket counts and slices (rollups.minutes, reports.stats.bucket_percentiles)
equal PERCENTILE_CONT over every value, and read only the values of the buckets holding the ranks."""

import random

import pytest

from reports.stats import bucket_percentiles, percentile
from rollups.minutes import BOUNDS, SINGLE_VALUED, MinuteRun, bucket_of, pack, unpack_buckets, unpack_values

FRACTIONS = (0.0, 0.1, 0.5, 0.9, 0.99, 1.0)


def _stored(values, source):
    """A run as a stored day holds it: only its bucket counts in memory, its values read by `fetch`."""
    packed_values, packed_buckets = pack(values)
    return MinuteRun.stored(packed_buckets, source), unpack_values(packed_values)


class Reader:
    """Serves slices of the stored runs like rollups.selectors.minute_slices, counting what it reads."""

    def __init__(self):
        self.values, self.read, self.calls = {}, 0, 0

    def __call__(self, requests):
        self.calls += 1
        self.read += sum(count for _, _, count in requests)
        return [self.values[run.source][first : first + count] for run, first, count in requests]


def _value(rng):
    kind = rng.random()
    if kind < 0.15:
        return 0.0  # outside business hours
    if kind < 0.25:
        return float(rng.choice(BOUNDS[2:]))  # exactly on a bound
    if kind < 0.3:
        return rng.choice([-3.5, -1e-9, 1e-12, 2.0**22, 1e9])  # below zero, tiny, beyond the last bound
    if kind < 0.6:
        return float(rng.randrange(1, 600))  # whole minutes: many equal values
    return rng.lognormvariate(4, 1.5)


@pytest.mark.parametrize("seed", range(12))
def test_bucket_percentiles_equal_the_percentile_of_all_values(seed):
    rng = random.Random(seed)
    reader = Reader()
    groups, everything = {}, []
    for group in range(rng.randrange(1, 6)):
        runs, values_of_group = [], []
        for day in range(rng.randrange(0, 9)):
            values = [_value(rng) for _ in range(rng.choice([0, 1, 2, 5, 40, 300]))]
            values_of_group.extend(values)
            if rng.random() < 0.7:
                run, reader.values[(group, day)] = _stored(values, (group, day))
            else:
                run = MinuteRun.of(values)
            runs.append(run)
        groups[group] = runs
        everything.append((runs, values_of_group))
    unions = {"union": list(groups)}
    groups["all"] = [run for runs, _ in everything for run in runs]
    expected = {group: sorted(values) for group, (_, values) in enumerate(everything)}
    expected["all"] = expected["union"] = sorted(v for _, values in everything for v in values)

    result = bucket_percentiles(groups, FRACTIONS, fetch=reader, unions=unions, single_valued=SINGLE_VALUED)

    for key, values in expected.items():
        assert result[key] == [percentile(values, f) for f in FRACTIONS], key
    assert reader.calls == 1


def test_a_rank_reads_only_its_bucket():
    rng = random.Random(5)
    reader = Reader()
    runs = []
    for day in range(200):
        run, reader.values[day] = _stored([rng.uniform(5, 605) for _ in range(500)], day)
        runs.append(run)

    result = bucket_percentiles({"year": runs}, (0.5, 0.9), fetch=reader)

    values = sorted(v for run_values in reader.values.values() for v in run_values)
    assert result["year"] == [percentile(values, 0.5), percentile(values, 0.9)]
    # Two buckets 4.4 % wide of 100,000 values spread over 5..605 minutes: a few thousand values.
    assert reader.read < 0.1 * len(values)


def test_values_equal_to_zero_need_no_reading():
    reader = Reader()
    run, reader.values["day"] = _stored([0.0] * 30 + [12.5, 40.0], "day")

    assert bucket_percentiles({"day": [run]}, (0.5,), fetch=reader, single_valued=SINGLE_VALUED) == {
        "day": [0.0]
    }
    assert reader.read == 0


def test_packed_runs_keep_the_values_and_count_them_per_bucket():
    values = [7.0, 0.0, -2.0, 1.0, 1.0000001, 2.0**25, 1.0]
    packed_values, packed_buckets = pack(values)
    first, counts = unpack_buckets(packed_buckets)

    assert list(unpack_values(packed_values)) == sorted(values)
    assert first == bucket_of(-2.0) and counts[-1] and len(counts) == len(BOUNDS) + 1 - first
    assert {first + n: count for n, count in enumerate(counts) if count} == {
        bucket_of(-2.0): 1,
        1: 1,  # exactly zero
        bucket_of(1.0): 2,  # 1.0 is a bound: the bucket ending there
        bucket_of(1.0000001): 1,
        bucket_of(7.0): 1,
        len(BOUNDS): 1,  # beyond the last bound
    }
    assert bucket_of(1.0) + 1 == bucket_of(1.0000001) and BOUNDS[bucket_of(1.0)] == 1.0
    assert pack([]) == (b"", b"") and len(MinuteRun.stored(b"", None)) == 0
