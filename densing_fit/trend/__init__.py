"""The densing law over release dates: the frontier fit with its bootstrap interval, the trend.json
document of a track, the fit at equal size, and the verdict on the last twelve months."""
