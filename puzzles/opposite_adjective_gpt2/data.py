"""opposite_adjective_gpt2 data: "A <noun> is <adj>, but a <noun> is" -> the antonym, not the adjective again.

Each row is (first noun, adjective, second noun, antonym). Adjectives and antonyms are common words
chosen to be single GPT-2 tokens with a leading space; loading checks this against the model's
tokenizer and fails with a clear message if one is not.
"""

import numpy as np

ROWS = [
    ("mouse", "small", "elephant", "big"),
    ("elephant", "big", "mouse", "small"),
    ("tortoise", "old", "kitten", "young"),
    ("kitten", "young", "tortoise", "old"),
    ("desert", "dry", "rainforest", "wet"),
    ("swamp", "wet", "desert", "dry"),
    ("pillow", "soft", "brick", "hard"),
    ("rock", "hard", "sponge", "soft"),
    ("rose", "beautiful", "weed", "ugly"),
    ("oven", "hot", "freezer", "cold"),
    ("glacier", "cold", "volcano", "hot"),
    ("cheetah", "fast", "snail", "slow"),
    ("snail", "slow", "rabbit", "fast"),
    ("feather", "light", "anvil", "heavy"),
    ("boulder", "heavy", "leaf", "light"),
    ("giraffe", "tall", "dachshund", "short"),
    ("river", "long", "pond", "short"),
    ("winter", "cold", "summer", "hot"),
    ("king", "rich", "beggar", "poor"),
    ("beggar", "poor", "banker", "rich"),
    ("lion", "strong", "lamb", "weak"),
    ("library", "quiet", "stadium", "loud"),
    ("drum", "loud", "whisper", "quiet"),
    ("plank", "thick", "thread", "thin"),
    ("bath", "clean", "swamp", "dirty"),
    ("puddle", "dirty", "fountain", "clean"),
    ("glass", "full", "barrel", "empty"),
    ("door", "open", "vault", "closed"),
    ("cave", "dark", "beach", "bright"),
    ("lemon", "sour", "candy", "sweet"),
    ("cake", "sweet", "lemon", "sour"),
    ("diamond", "expensive", "pebble", "cheap"),
    ("sunrise", "early", "midnight", "late"),
    ("tiger", "dangerous", "rabbit", "safe"),
    ("clown", "happy", "widow", "sad"),
    ("ant", "tiny", "whale", "huge"),
    ("mountain", "high", "valley", "low"),
    ("valley", "low", "mountain", "high"),
    ("sprinter", "thin", "wrestler", "fat"),
    ("hero", "good", "villain", "bad"),
]
VOWELS = "aeiou"


def article(noun: str) -> str:
    return "An" if noun[0] in VOWELS else "A"


def prompt(first: str, adjective: str, second: str) -> str:
    second_article = "an" if second[0] in VOWELS else "a"
    return f"{article(first)} {first} is {adjective}, but {second_article} {second} is"


def generate(n: int, seed: int, split: str = "eval") -> dict[str, list[str]]:
    """`n` prompts drawn without replacement while they last (shuffled by `seed`), with their answer texts.

    Columns: `prompt`, `answer` (" antonym"), `distractor` (" adjective", the repeated one). The harness
    tokenizes them with the model's tokenizer into `tokens`, `answer_position`, `answer` and `distractor` ids.
    """
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(ROWS)) for _ in range(-(-n // len(ROWS)))])[:n] if n else []
    rows = [ROWS[i] for i in order]
    return {
        "prompt": [prompt(a, adj, b) for a, adj, b, _ in rows],
        "answer": [f" {ant}" for *_, ant in rows],
        "distractor": [f" {adj}" for _, adj, _, _ in rows],
    }
