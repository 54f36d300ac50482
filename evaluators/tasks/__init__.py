"""What is evaluated: the task registry, its items (prompts, choices, answers), where the items come
from, and the requests they become."""
