"""opposite_adjective_toy data: "A <noun> is <adj>, but a <noun> is" -> the antonym of <adj>.

Every prompt is ten word-level tokens at fixed positions:

    pos  0    1       2       3   4      5  6           7       8       9
         BOS  A|An    noun1   is  adj    ,  but|while|  a|an    noun2   is
                                            whereas|yet

The article agrees with the noun that follows it ("An owl", "an eagle"). The two nouns are distinct and
drawn uniformly; the adjective is drawn uniformly from the 88 adjectives of 44 antonym pairs; the
connective uniformly from four. At the final `is` (position 9) the answer is the adjective's antonym
(`answer`), and the metric is its logit minus the logit of the adjective itself (`distractor`).

Nouns are split once and for all: 45 nouns appear in training prompts, the other 15 only in evaluation
prompts (split "eval": both nouns held out), so the model is tested on nouns it never saw.
"""

import numpy as np

PAIRS = [
    ("big", "small"), ("old", "young"), ("dry", "wet"), ("soft", "hard"), ("beautiful", "ugly"),
    ("hot", "cold"), ("fast", "slow"), ("light", "heavy"), ("tall", "short"), ("rich", "poor"),
    ("strong", "weak"), ("quiet", "loud"), ("thick", "thin"), ("clean", "dirty"), ("full", "empty"),
    ("open", "closed"), ("dark", "bright"), ("sweet", "sour"), ("expensive", "cheap"), ("early", "late"),
    ("dangerous", "safe"), ("happy", "sad"), ("high", "low"), ("good", "bad"), ("fat", "lean"),
    ("long", "brief"), ("wide", "narrow"), ("deep", "shallow"), ("smooth", "rough"), ("sharp", "dull"),
    ("brave", "cowardly"), ("kind", "cruel"), ("calm", "angry"), ("loose", "tight"), ("alive", "dead"),
    ("fresh", "stale"), ("tame", "wild"), ("busy", "idle"), ("polite", "rude"), ("wise", "foolish"),
    ("friendly", "hostile"), ("generous", "greedy"), ("healthy", "sick"), ("awake", "asleep"),
]
NOUNS = [
    "mouse", "elephant", "tortoise", "kitten", "desert", "swamp", "pillow", "rock", "rose", "oven",
    "glacier", "cheetah", "snail", "feather", "boulder", "giraffe", "river", "king", "beggar", "lion",
    "library", "drum", "plank", "bath", "puddle", "glass", "door", "cave", "lemon", "cake",
    "diamond", "pebble", "tiger", "clown", "ant", "whale", "mountain", "valley", "hero", "villain",
    "owl", "apple", "eagle", "igloo", "umbrella", "onion", "octopus", "anchor", "island", "engine",
    "wolf", "robot", "candle", "violin", "castle", "bridge", "forest", "ocean", "sponge", "hammer",
]
CONNECTIVES = ["but", "while", "whereas", "yet"]
FUNCTION_WORDS = ["BOS", "A", "An", "a", "an", "is", ",", *CONNECTIVES]

ADJECTIVES = [a for pair in PAIRS for a in pair]  # pair k: ADJECTIVES[2k], ADJECTIVES[2k + 1]
VOCAB = FUNCTION_WORDS + NOUNS + ADJECTIVES  # token id = index; how Puzzle.to_str_tokens names tokens
ID = {w: i for i, w in enumerate(VOCAB)}
BOS = ID["BOS"]
TOKEN_NAMES = {BOS: "BOS"}
D_VOCAB = len(VOCAB)  # 11 + 60 + 88 = 159
N_CTX = 10
ANSWER_POSITION = 9
NOUN_IDS = np.array([ID[w] for w in NOUNS])
ADJ_IDS = np.array([ID[w] for w in ADJECTIVES])
ANTONYM_IDS = np.array([ID[ADJECTIVES[i ^ 1]] for i in range(len(ADJECTIVES))])  # partner in the pair
CONNECTIVE_IDS = np.array([ID[w] for w in CONNECTIVES])
ANTONYM = np.arange(D_VOCAB)  # token id -> its antonym's id (identity for non-adjectives)
ANTONYM[ADJ_IDS] = ANTONYM_IDS

HELD_OUT_NOUNS = 15
SPLIT_SEED = 20261124  # fixes which nouns are held out; never change without a version bump
_order = np.random.default_rng(SPLIT_SEED).permutation(len(NOUNS))
NOUN_SPLITS = {"train": np.sort(_order[HELD_OUT_NOUNS:]), "eval": np.sort(_order[:HELD_OUT_NOUNS])}  # indices into NOUNS
VOWELS = "aeiou"


def _article(nouns: np.ndarray, capital: bool) -> np.ndarray:
    vowel = np.array([NOUNS[i][0] in VOWELS for i in range(len(NOUNS))])[nouns]
    return np.where(vowel, ID["An" if capital else "an"], ID["A" if capital else "a"])


def encode(noun1: np.ndarray, adjective: np.ndarray, connective: np.ndarray, noun2: np.ndarray) -> np.ndarray:
    """Token sequences [n, 10] from indices into NOUNS, ADJECTIVES, CONNECTIVES, NOUNS."""
    tokens = np.empty((len(noun1), N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    tokens[:, 1] = _article(noun1, capital=True)
    tokens[:, 2] = NOUN_IDS[noun1]
    tokens[:, 3] = ID["is"]
    tokens[:, 4] = ADJ_IDS[adjective]
    tokens[:, 5] = ID[","]
    tokens[:, 6] = CONNECTIVE_IDS[connective]
    tokens[:, 7] = _article(noun2, capital=False)
    tokens[:, 8] = NOUN_IDS[noun2]
    tokens[:, 9] = ID["is"]
    return tokens


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """Columns `tokens` [n, 10], `answer` (antonym id), `distractor` (adjective id), `answer_position` (9)."""
    rng = np.random.default_rng(seed)
    pool = NOUN_SPLITS[split]
    first = rng.integers(0, len(pool), size=n)
    second = (first + rng.integers(1, len(pool), size=n)) % len(pool)  # a different noun
    adjective = rng.integers(0, len(ADJECTIVES), size=n)
    connective = rng.integers(0, len(CONNECTIVES), size=n)
    tokens = encode(pool[first], adjective, connective, pool[second])
    return {
        "tokens": tokens,
        "answer": ANTONYM_IDS[adjective],
        "distractor": ADJ_IDS[adjective],
        "answer_position": np.full(n, ANSWER_POSITION, dtype=np.int64),
    }
