

def test_the_fast_width_is_the_sum_of_the_character_widths():
    """line_width (a translate table) agrees with char_width on random mixed text: ASCII, combining
    marks, CJK, full-width forms, Hangul and characters beyond the BMP (wide ideographs, emoji)."""
    import random

    from xlsxtools.textwidth import char_width, line_width

    rng = random.Random(7)
    ranges = [(32, 127), (0x300, 0x370), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF), (0xAC00, 0xD7A3),
              (0x20000, 0x2A6DF), (0x1F300, 0x1F5FF), (0x10000, 0x1007F)]
    for _ in range(3000):
        s = "".join(chr(rng.randrange(*rng.choice(ranges))) for _ in range(rng.randrange(0, 25)))
        assert line_width(s) == sum(char_width(c) for c in s), s
    assert line_width("预计年底前完成abc") == 17 and line_width("") == 0
