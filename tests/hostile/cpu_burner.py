"""Burns CPU at import in background threads that run numpy (which releases the GIL), as retraining a model
in the background would; it keeps going until the worker is stopped."""

import threading

import numpy as np


def burn():
    a = np.random.default_rng(0).standard_normal((300, 300))
    while True:
        a = np.tanh(a @ a)


for _ in range(2):
    threading.Thread(target=burn, daemon=True).start()
burn()
