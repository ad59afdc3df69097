from newsbrief.indexing.capacity import item_size, read_units, write_units


def test_item_size_follows_dynamodb_rules() -> None:
    # Names and strings in UTF-8 bytes; numbers by significant digits (zeros trimmed) plus one.
    assert item_size({"pk": {"S": "мост"}}) == 2 + 8
    assert item_size({"n": {"N": "1200"}}) == 1 + 2
    assert item_size({"n": {"N": "-0.0125"}}) == 1 + 3
    assert item_size({"s": {"NS": ["1", "22"]}}) == 1 + 2 + 2
    assert item_size({"m": {"M": {"ключ": {"BOOL": True}}}}) == 1 + 3 + 1 + 8 + 1
    assert item_size(None) == 0


def test_units_round_up_per_started_block() -> None:
    assert [write_units(size) for size in (0, 1024, 1025)] == [1, 1, 2]
    assert read_units(4097) == 1.0
    assert read_units(4097, consistent=True) == 2.0
    assert read_units(0) == 0.5
