"""Reading a track's scores: which score of each model and benchmark is used under the track's
protocol (and through which bridge), its effective size on the ruler, the aggregate per model, its
flags, whether it is citable, and its rank."""
