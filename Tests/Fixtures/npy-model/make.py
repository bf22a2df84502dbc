# Writes the precomputed-embeddings fixture the command-line tests explain with `--encoder npy`:
# 12 pairs in 6 dimensions, personal = base + 0.6 "warm tones" + 0.3 "film grain" + noise.
# Run with numpy: python3 make.py (the .npy files are committed; this says how they were made).
import numpy as np

rng = np.random.default_rng(7)
base = rng.normal(0, 1, (12, 6))
axes = np.eye(6)
personal = base + 0.6 * axes[0] + 0.3 * axes[1] + rng.normal(0, 0.01, (12, 6))
concepts = np.stack([axes[0], axes[1], 0.6 * axes[0] + 0.8 * axes[2], axes[3]])
np.save("base.npy", base.astype(np.float32))
np.save("personal.npy", personal.astype(np.float32))
np.save("concepts.npy", concepts.astype(np.float32))
with open("concepts.txt", "w") as f:
    f.write("warm tones\nfilm grain\nsepia\nvignette\n")
