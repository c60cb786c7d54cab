"""An independent reader of US-style number words, to check what the letters spell."""

from __future__ import annotations

_UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {word: 10 * (index + 2) for index, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}


def words_to_number(text: str) -> int:
    """An independent reader of US-style number words, to check what the letters spell."""
    total, current = 0, 0
    for word in text.replace("-", " ").split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current *= 100
        elif word in _SCALES:
            total += current * _SCALES[word]
            current = 0
        else:
            raise ValueError(f"not a number word: {word}")
    return total + current
