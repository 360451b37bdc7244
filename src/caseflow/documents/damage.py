"""Damage a text the way scanning does, to test the importer (and to benchmark it).

Each function is deterministic for a given ``seed``, so a failing test can be
replayed. They damage headings as much as body text: that is the point.
"""

from __future__ import annotations

import random
import re

_LOST_LETTERS: dict[str, dict[str, str | int | None]] = {
    "digraphs": {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"},
    "plain": {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"},
    "lost": {"æ": "?", "ø": "?", "å": "?", "Æ": "?", "Ø": "?", "Å": "?"},
}


def strip_danish_letters(text: str, style: str = "lost") -> str:
    """æ, ø, å replaced: ``digraphs`` (ae, oe, aa), ``plain`` (a, o, a) or ``lost`` (?)."""
    return text.translate(str.maketrans(_LOST_LETTERS[style]))


def swap_i_and_1(text: str, seed: int = 1, rate: float = 0.3) -> str:
    """Some letters ``i`` (and ``I``) read as ``1``."""
    rng = random.Random(seed)
    return re.sub(r"[iI]", lambda m: "1" if rng.random() < rate else m[0], text)


def split_words(text: str, seed: int = 2, width: int = 55) -> str:
    """Long lines wrapped at ``width``, breaking words with a hyphen at the line end."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            word_end = line.find(" ", cut + 1)
            word = line[cut + 1 : word_end if word_end != -1 else len(line)]
            if cut > 0 and len(word) >= 8 and word.isalpha() and rng.random() < 0.7:
                split = cut + 1 + rng.randint(3, len(word) - 3)
                out.append(line[:split] + "-")
                line = line[split:]
            elif cut > 0:
                out.append(line[:cut])
                line = line[cut + 1 :]
            else:
                break
        out.append(line)
    return "\n".join(out)


def stray_bullets(text: str, seed: int = 3, rate: float = 0.25) -> str:
    """Bullets (•, ▪, -) in front of some lines, and a few lines of a bullet alone."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip() and rng.random() < rate:
            line = f"{rng.choice(['•', '▪', '-', '', '']).strip()} {line}".lstrip()
        out.append(line)
        if rng.random() < 0.05:
            out.append(rng.choice(["•", "▪"]))
    return "\n".join(out)


def all_damage(text: str, seed: int = 4) -> str:
    """Every kind at once, as a bad scan gives it."""
    text = strip_danish_letters(text, ["digraphs", "plain", "lost"][seed % 3])
    return stray_bullets(split_words(swap_i_and_1(text, seed, 0.15), seed), seed)
